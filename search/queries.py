"""Searches: hits, exact totals, and facet counts for each facet.

Facet counts are disjunctive, as a facet list needs: the counts of a facet are computed with
every filter but that facet's own, so ticking "Jura" still shows how many offers "Vosges" has.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from search.client import SearchEngine
from search.contract import Circle, Contract, Kind, combine, expression_parts, reachable_pages
from search.filters import compare
from search.indexes import MATCHING_STRATEGY, OFFER_INDEX, SESSION_INDEX, IndexSpec

PRE, POST = "\x02", "\x03"  # highlight markers, turned into <mark> after HTML-escaping


def safe_highlight(text: str) -> str:
    """HTML-escape a highlighted value, then mark the matches: user text never becomes HTML."""
    return html.escape(text).replace(PRE, "<mark>").replace(POST, "</mark>")


@dataclass(frozen=True)
class SearchQuery:
    """A search of one contract's index; every value already checked and resolved.

    filters: resolved values by public name (search/contract.py); published_after is not a
    public filter (the alerts' window).
    """

    contract: Contract
    q: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    published_after: datetime | None = None
    sort: str | None = None  # one of the contract's sorts, or distance; None: relevance
    page: int = 1
    page_size: int = 20

    @property
    def near(self) -> Circle | None:
        for spec in self.contract.filters:
            value = self.filters.get(spec.name)
            if spec.kind is Kind.GEO and isinstance(value, Circle):
                return value
        return None


OfferQuery = SearchQuery
SessionQuery = SearchQuery


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


def _base(query: SearchQuery, now: datetime, offers: bool) -> dict[str, str]:
    parts = expression_parts(query.contract, query.filters)
    if offers:
        # The index may still hold an offer whose expiry passed minutes ago: never show it.
        parts["expires_at"] = compare("expires_at", ">", now.timestamp())
    if query.published_after is not None:
        parts["published_at"] = compare("published_at", ">", query.published_after.timestamp())
    return parts


def _sort(query: SearchQuery, sorts: Mapping[str, list[str]]) -> list[str] | None:
    near = query.near
    if query.sort == "distance" and near is not None:
        return [f"_geoPoint({near.lat:.6f}, {near.lng:.6f}):asc"]
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
        query["matchingStrategy"] = MATCHING_STRATEGY
    return query


async def _search(
    engine: SearchEngine,
    spec: IndexSpec | str,
    query: SearchQuery,
    base: dict[str, str],
    sorts: Mapping[str, list[str]],
    highlight: list[str],
    retrieve: list[str],
) -> SearchPage:
    contract = query.contract
    # Facets by index attribute: their counts are keyed so.
    facets = {name: contract[name].attribute for name in contract.facets}
    uid = engine.uid(spec)
    main: dict[str, Any] = _with_q({"indexUid": uid}, query.q)
    main.update(
        filter=combine(list(base.values())),
        facets=[a for n, a in facets.items() if n not in base],
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
                "filter": combine([p for n, p in base.items() if n != name]),
                "facets": [attribute],
                "limit": 0,
            },
            query.q,
        )
        for name, attribute in facets.items()
        if name in base
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
    total = first.get("totalHits") or 0
    return SearchPage(
        hits=hits,
        total=total,
        page=query.page,
        page_size=query.page_size,
        pages=reachable_pages(total, query.page_size),
        facets={a: dict(distribution.get(a, {})) for a in facets.values()},
    )


async def search_offers(engine: SearchEngine, query: SearchQuery, now: datetime) -> SearchPage:
    base = _base(query, now, offers=True)
    return await _search(
        engine, OFFER_INDEX, query, base, OFFER_SORTS, OFFER_HIGHLIGHT, OFFER_RETRIEVE
    )


async def search_sessions(engine: SearchEngine, query: SearchQuery, now: datetime) -> SearchPage:
    base = _base(query, now, offers=False)
    return await _search(
        engine, SESSION_INDEX, query, base, SESSION_SORTS, SESSION_HIGHLIGHT, ["*"]
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
