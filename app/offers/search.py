"""Searching offers: parameters checked against their known sets, then search/ queries."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from meilisearch_python_sdk.errors import MeilisearchCommunicationError, MeilisearchError

from app.core.catalogue import label
from app.core.errors import FieldError, Unavailable
from app.core.search_params import Known
from app.core.search_params import trade_labels as trade_labels  # re-exported
from app.core.vocabulary import Contract, Housing, Massif, Season
from app.offers import schemas
from search.client import SearchEngine
from search.queries import OfferQuery, SearchPage, search_offers

log = logging.getLogger(__name__)


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


async def to_query(params: OfferSearch) -> OfferQuery:
    """The search/ query, or InvalidInput naming every unknown value."""
    known = Known([])
    trades = await known.trades("trade", params.trade)
    places = await known.places("place", params.place)
    departements = await known.departements("departement", params.departement)
    organisations = await known.organisations("organisation", params.organisation)
    circle = await known.circle(params.near, params.lat, params.lon, params.radius_km)
    if params.sort == "distance" and circle is None and not known.errors:
        known.errors.append(FieldError("sort", "distance needs near or lat/lon"))
    if params.start_from and params.start_to and params.start_to < params.start_from:
        known.errors.append(FieldError("start_to", "must be on or after start_from"))
    known.raise_if_any()
    return OfferQuery(
        q=params.q.strip(),
        facets={
            "massif": [m.value for m in params.massif],
            "seasons": [s.value for s in params.season],
            "trade_code": trades,
            "contract": [c.value for c in params.contract],
            "housing": [h.value for h in params.housing],
        },
        departement=departements,
        place=places,
        organisation=organisations,
        near=circle,
        start_from=params.start_from,
        start_to=params.start_to,
        pay_monthly_min=params.pay_min,
        published_after=params.published_after,
        sort=None if params.sort == "relevance" else params.sort,
        page=params.page,
        page_size=params.page_size,
    )


async def guarded(search_call: Awaitable[SearchPage]) -> SearchPage:
    """The search's page, or Unavailable (503) when Meilisearch does not answer."""
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
