"""Searches: hits, exact totals, and facet counts for each facet.

Facet counts are disjunctive, as a facet list needs: the counts of a facet are computed with
every filter but that facet's own, so ticking "Jura" still shows how many offers "Vosges" has.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from app.core.clock import timestamp
from search.client import SearchEngine
from search.filters import Circle, any_of, combine, compare
from search.indexes import OFFERS, SESSIONS, IndexSpec

PRE, POST = "\x02", "\x03"  # highlight markers, turned into <mark> after HTML-escaping


def safe_highlight(text: str) -> str:
    """HTML-escape a highlighted value, then mark the matches: user text never becomes HTML."""
    return html.escape(text).replace(PRE, "<mark>").replace(POST, "</mark>")


@dataclass(frozen=True)
class OfferQuery:
    """A search of offers; every value already checked against its known set."""

    q: str = ""
    facets: Mapping[str, Sequence[str]] = field(default_factory=dict)  # attribute → values
    departement: Sequence[str] = ()
    place: Sequence[str] = ()
    organisation: Sequence[str] = ()
    near: Circle | None = None
    start_from: date | None = None
    start_to: date | None = None
    pay_monthly_min: float | None = None
    published_after: datetime | None = None
    sort: str | None = None  # recent | start | pay | distance; None: relevance, or recent
    page: int = 1
    page_size: int = 20


OFFER_FACETS = ("massif", "seasons", "trade_code", "contract", "housing")
OFFER_SORTS = {
    "recent": ["published_at:desc"],
    "start": ["start_date:asc"],
    "pay": ["pay_monthly_min:desc"],
}
OFFER_HIGHLIGHT = ["title", "organisation_name", "place_name", "description"]
# What a hit shows (app/offers/search.py); Meilisearch then leaves out the rest of each
# document (descriptions, trade titles …), a third of the answer's size.
OFFER_RETRIEVE = [
    "id",
    "slug",
    "title",
    "organisation_slug",
    "organisation_name",
    "trade_code",
    "trade_label",
    "place_slug",
    "place_name",
    "massif",
    "departement",
    "seasons",
    "contract",
    "start_day",
    "end_day",
    "pay_min",
    "pay_max",
    "pay_period",
    "housing",
    "published_at",
    "_geo",  # without it, no _geoDistance when sorted by distance
]

SESSION_FACETS = ("massif", "trade_codes", "modality", "month", "status")
SESSION_SORTS = {
    "start": ["start_date:asc"],
    "deadline": ["registration_deadline:asc"],
    "price": ["price_incl_vat:asc"],
}
SESSION_HIGHLIGHT = ["training_title", "organisation_name", "place_name", "description"]


@dataclass(frozen=True)
class SearchPage:
    hits: list[dict[str, Any]]
    total: int
    page: int
    page_size: int
    pages: int
    facets: dict[str, dict[str, int]]


def _common_filters(query: OfferQuery | SessionQuery, now: datetime, offers: bool) -> list[str]:
    parts: list[str | None] = [
        any_of("departement", query.departement),
        any_of("place_slug", query.place),
        any_of("organisation_slug", query.organisation),
    ]
    if query.near is not None:
        parts.append(query.near.expression())
    if query.start_from is not None:
        parts.append(compare("start_date", ">=", timestamp(query.start_from) or 0))
    if query.start_to is not None:
        parts.append(compare("start_date", "<=", timestamp(query.start_to) or 0))
    if offers:
        # The index may still hold an offer whose expiry passed minutes ago: never show it.
        parts.append(compare("expires_at", ">", now.timestamp()))
    return [p for p in parts if p]


def _sort(query: OfferQuery | SessionQuery, sorts: Mapping[str, list[str]]) -> list[str] | None:
    if query.sort == "distance" and query.near is not None:
        return [f"_geoPoint({query.near.lat:.6f}, {query.near.lng:.6f}):asc"]
    if query.sort and query.sort in sorts:
        return sorts[query.sort]
    if not query.q.strip() and "recent" in sorts:
        return sorts["recent"]
    if not query.q.strip() and "start" in sorts:
        return sorts["start"]
    return None


def _with_q(query: dict[str, Any], q: str) -> dict[str, Any]:
    if q:
        query["q"] = q
    return query


async def _search(
    engine: SearchEngine,
    spec: IndexSpec,
    query: OfferQuery | SessionQuery,
    base: list[str],
    facet_names: Sequence[str],
    sorts: Mapping[str, list[str]],
    highlight: list[str],
    retrieve: list[str],
) -> SearchPage:
    facet_filters = {name: any_of(name, query.facets.get(name, ())) for name in facet_names}
    uid = engine.uid(spec)
    main: dict[str, Any] = _with_q({"indexUid": uid}, query.q)
    main.update(
        filter=combine([*base, *facet_filters.values()]),
        facets=[n for n in facet_names if not facet_filters[n]],
        page=query.page,
        hitsPerPage=query.page_size,
        attributesToRetrieve=retrieve,
        attributesToHighlight=highlight,
        attributesToCrop=["description"],
        cropLength=30,
        highlightPreTag=PRE,
        highlightPostTag=POST,
        cropMarker="…",
    )
    sort = _sort(query, sorts)
    if sort:
        main["sort"] = sort
    # One more query per active facet, without its own filter, for its disjunctive counts.
    disjunctive = [
        _with_q(
            {
                "indexUid": uid,
                "filter": combine([*base, *(f for n, f in facet_filters.items() if n != name)]),
                "facets": [name],
                "limit": 0,
            },
            query.q,
        )
        for name in facet_names
        if facet_filters[name]
    ]
    results = await engine.multi_search([main, *disjunctive])
    first = results[0]
    distribution: dict[str, dict[str, int]] = dict(first.get("facetDistribution") or {})
    for extra in results[1:]:
        distribution.update(extra.get("facetDistribution") or {})
    hits = first["hits"]
    for hit in hits:
        formatted = hit.pop("_formatted", None) or {}
        hit["highlight"] = {
            name: safe_highlight(str(formatted[name]))
            for name in highlight
            if formatted.get(name) is not None
        }
    return SearchPage(
        hits=hits,
        total=first.get("totalHits") or 0,
        page=query.page,
        page_size=query.page_size,
        pages=first.get("totalPages") or 0,
        facets={name: dict(distribution.get(name, {})) for name in facet_names},
    )


async def search_offers(engine: SearchEngine, query: OfferQuery, now: datetime) -> SearchPage:
    base = _common_filters(query, now, offers=True)
    if query.pay_monthly_min is not None:
        base.append(compare("pay_monthly_min", ">=", query.pay_monthly_min))
    if query.published_after is not None:
        base.append(compare("published_at", ">", query.published_after.timestamp()))
    return await _search(
        engine, OFFERS, query, base, OFFER_FACETS, OFFER_SORTS, OFFER_HIGHLIGHT, OFFER_RETRIEVE
    )


@dataclass(frozen=True)
class SessionQuery:
    q: str = ""
    facets: Mapping[str, Sequence[str]] = field(default_factory=dict)
    departement: Sequence[str] = ()
    place: Sequence[str] = ()
    organisation: Sequence[str] = ()
    near: Circle | None = None
    start_from: date | None = None
    start_to: date | None = None
    sort: str | None = None  # start | deadline | price | distance
    page: int = 1
    page_size: int = 20


async def search_sessions(engine: SearchEngine, query: SessionQuery, now: datetime) -> SearchPage:
    base = _common_filters(query, now, offers=False)
    return await _search(
        engine, SESSIONS, query, base, SESSION_FACETS, SESSION_SORTS, SESSION_HIGHLIGHT, ["*"]
    )


async def facet_counts(
    engine: SearchEngine, spec: IndexSpec, attribute: str, filter_: str | None
) -> dict[str, int]:
    """How many documents matching the filter hold each value of a faceted attribute."""
    query: dict[str, Any] = {"indexUid": engine.uid(spec), "facets": [attribute], "limit": 0}
    if filter_:
        query["filter"] = filter_
    [result] = await engine.multi_search([query])
    return dict((result.get("facetDistribution") or {}).get(attribute, {}))
