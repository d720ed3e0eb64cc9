"""Searching offers: parameters checked against their known sets, then search/ queries."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from meilisearch_python_sdk.errors import MeilisearchCommunicationError, MeilisearchError

from app.core.catalogue import label
from app.core.errors import FieldError, Unavailable
from app.core.params import DEPARTEMENT, ROME_CODE, SLUG
from app.core.search_params import Known, problems_as_errors, resolve
from app.core.search_params import trade_labels as trade_labels  # re-exported
from app.core.vocabulary import Contract, Housing, Massif, Season
from app.offers import schemas
from search.client import SearchEngine
from search.contract import MAX_RADIUS_KM, REACHABLE_HITS, Canonical, Filter, Kind, last_page
from search.contract import Contract as SearchContract
from search.queries import SearchPage, SearchQuery, search_offers

log = logging.getLogger(__name__)
T = TypeVar("T")


def _values(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(e.value for e in enum)


# The one declaration of the offer search's filters: the API, the site, saved searches, feeds,
# the index's filter expressions and the alerts' evaluator all derive from it. Adding a filter
# is one line here plus its field in the offer's index document.
OFFER_FILTERS = SearchContract(
    filters=(
        Filter("q", Kind.TEXT),
        Filter("massif", Kind.ANY_OF, "massif", values=_values(Massif)),
        Filter("season", Kind.ANY_OF, "seasons", values=_values(Season)),
        Filter("trade", Kind.ANY_OF, "trade_code", pattern=ROME_CODE, upper=True),
        Filter("contract", Kind.ANY_OF, "contract", values=_values(Contract)),
        Filter("housing", Kind.ANY_OF, "housing", values=_values(Housing)),
        Filter("departement", Kind.ANY_OF, "departement", pattern=DEPARTEMENT, upper=True),
        Filter("place", Kind.ANY_OF, "place_slug", pattern=SLUG),
        Filter("organisation", Kind.ANY_OF, "organisation_slug", pattern=SLUG),
        Filter("near", Kind.GEO, "_geo", pattern=SLUG),
        Filter("lat", Kind.OPTION, value_type="float", bounds=(-90, 90)),
        Filter("lon", Kind.OPTION, value_type="float", bounds=(-180, 180)),
        Filter(
            "radius_km",
            Kind.OPTION,
            value_type="float",
            bounds=(0, MAX_RADIUS_KM),
            low_open=True,
            default="20",
            needs=("near", "lat"),
        ),
        Filter("start_from", Kind.AT_LEAST, "start_date", value_type="date"),
        Filter("start_to", Kind.AT_MOST, "start_date", value_type="date"),
        Filter(
            "pay_min", Kind.AT_LEAST, "pay_monthly_min", value_type="float", bounds=(0, 100_000)
        ),
    ),
    facets=("massif", "season", "trade", "contract", "housing"),
)


@dataclass(frozen=True)
class OfferSearch:
    """What a caller asks for, typed but not yet checked against the database."""

    q: str = ""
    massif: Sequence[Massif] = ()
    season: Sequence[Season] = ()
    trade: Sequence[str] = ()
    contract: Sequence[Contract] = ()
    housing: Sequence[Housing] = ()
    departement: Sequence[str] = ()
    place: Sequence[str] = ()
    organisation: Sequence[str] = ()
    near: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float = 20.0
    start_from: date | None = None
    start_to: date | None = None
    pay_min: float | None = None
    published_after: datetime | None = None
    sort: str | None = None
    page: int = 1
    page_size: int = 20


def raw(params: Any, contract: SearchContract | None = None) -> dict[str, Any]:
    """The search's filter values as strings by public name (what a URL would carry)."""
    values: dict[str, Any] = {}
    for spec in (contract or OFFER_FILTERS).filters:
        value = getattr(params, spec.name)
        if value is None:
            continue
        items = [value] if isinstance(value, str | int | float | date) else list(value)
        values[spec.name] = [v.isoformat() if isinstance(v, date) else str(v) for v in items]
    return values


def canonical(params: OfferSearch) -> tuple[Canonical, list[FieldError]]:
    """The canonical form of the search (its identity), and what does not fit."""
    found, problems = OFFER_FILTERS.canonical(raw(params))
    return found, problems_as_errors(problems)


async def to_query(params: OfferSearch) -> SearchQuery:
    """The search/ query, or InvalidInput naming every unknown value."""
    found, errors = canonical(params)
    known = Known(errors)
    filters = await resolve(OFFER_FILTERS, found, known)
    if params.sort == "distance" and "near" not in filters and not known.errors:
        known.errors.append(FieldError("sort", "distance needs near or lat/lon"))
    if params.start_from and params.start_to and params.start_to < params.start_from:
        known.errors.append(FieldError("start_to", "must be on or after start_from"))
    if params.page > last_page(params.page_size):
        known.errors.append(FieldError("page", page_limit(params.page_size)))
    known.raise_if_any()
    return SearchQuery(
        contract=OFFER_FILTERS,
        q=found.get("q") or "",
        filters=filters,
        published_after=params.published_after,
        sort=None if params.sort == "relevance" else params.sort,
        page=params.page,
        page_size=params.page_size,
    )


def page_limit(page_size: int) -> str:
    return (
        f"at most {last_page(page_size)} pages of {page_size}"
        f" ({REACHABLE_HITS} hits): refine the search"
    )


async def guarded(search_call: Awaitable[T]) -> T:
    """The search call's answer, or Unavailable (503) when Meilisearch does not answer."""
    try:
        return await search_call
    except (MeilisearchCommunicationError, MeilisearchError, OSError) as exc:
        log.warning("search engine unavailable: %r", exc)
        raise Unavailable("The search engine does not answer right now") from exc


async def search(
    engine: SearchEngine, params: OfferSearch, now: datetime
) -> schemas.OfferSearchResult:
    page = await guarded(search_offers(engine, await to_query(params), now))
    return await to_result(page)


def _counts(kind: str, distribution: dict[str, int]) -> list[schemas.FacetCount]:
    return [
        schemas.FacetCount(value=v, label=label(kind, v), count=c)
        for v, c in sorted(distribution.items(), key=lambda item: (-item[1], item[0]))
    ]


def hit(document: dict[str, Any]) -> schemas.OfferHit:
    distance = document.get("_geoDistance")
    return schemas.OfferHit(
        id=document["id"],
        slug=document["slug"],
        title=document["title"],
        organisation=schemas.HitOrganisation(
            slug=document["organisation_slug"], name=document["organisation_name"]
        ),
        trade=schemas.TradeRef(code=document["trade_code"], label=document["trade_label"]),
        place=schemas.HitPlace(
            slug=document["place_slug"],
            name=document["place_name"],
            massif=Massif(document["massif"]),
            departement=document["departement"],
        ),
        seasons=[Season(s) for s in document["seasons"]],
        contract=Contract(document["contract"]),
        start_date=date.fromisoformat(document["start_day"]),
        end_date=date.fromisoformat(document["end_day"]) if document.get("end_day") else None,
        pay_min=document.get("pay_min"),
        pay_max=document.get("pay_max"),
        pay_period=document.get("pay_period"),
        housing=Housing(document["housing"]),
        published_at=datetime.fromtimestamp(document["published_at"], UTC),
        highlight=document.get("highlight", {}),
        distance_km=round(distance / 1000, 1) if distance is not None else None,
    )


async def to_result(page: SearchPage) -> schemas.OfferSearchResult:
    trades = await trade_labels(list(page.facets.get("trade_code", {})))
    trade_counts = [
        schemas.FacetCount(value=code, label=trades.get(code, code), count=count)
        for code, count in sorted(
            page.facets.get("trade_code", {}).items(), key=lambda item: (-item[1], item[0])
        )
    ]
    return schemas.OfferSearchResult(
        hits=[hit(d) for d in page.hits],
        total=page.total,
        page=page.page,
        page_size=page.page_size,
        pages=page.pages,
        facets=schemas.OfferFacets(
            massif=_counts("massif", page.facets.get("massif", {})),
            season=_counts("season", page.facets.get("seasons", {})),
            trade=trade_counts,
            contract=_counts("contract", page.facets.get("contract", {})),
            housing=_counts("housing", page.facets.get("housing", {})),
        ),
    )
