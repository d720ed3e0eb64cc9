"""Searching training sessions: parameters checked, then search/ queries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from app.core.catalogue import label
from app.core.errors import FieldError
from app.core.params import DEPARTEMENT, MONTH, ROME_CODE
from app.core.search_params import Known, problems_as_errors, resolve
from app.core.vocabulary import Massif, Modality, SessionStatus
from app.offers.schemas import FacetCount, HitOrganisation, HitPlace
from app.offers.search import OFFER_FILTERS, guarded, page_limit, raw, trade_labels
from app.trainings import schemas
from search.client import SearchEngine
from search.contract import Contract, Filter, Kind, last_page
from search.queries import SearchPage, SearchQuery, search_sessions

PUBLIC_STATUSES = (SessionStatus.OPEN, SessionStatus.FULL)
_SHARED = {f.name: f for f in OFFER_FILTERS.filters}

# The one declaration of the session search's filters (see app/offers/search.py).
SESSION_FILTERS = Contract(
    filters=(
        _SHARED["q"],
        _SHARED["massif"],
        Filter("trade", Kind.ANY_OF, "trade_codes", pattern=ROME_CODE, upper=True),
        Filter("modality", Kind.ANY_OF, "modality", values=tuple(m.value for m in Modality)),
        Filter("month", Kind.ANY_OF, "month", pattern=MONTH),
        Filter("status", Kind.ANY_OF, "status", values=tuple(s.value for s in SessionStatus)),
        Filter("departement", Kind.ANY_OF, "departement", pattern=DEPARTEMENT, upper=True),
        _SHARED["place"],
        _SHARED["organisation"],
        _SHARED["near"],
        _SHARED["lat"],
        _SHARED["lon"],
        _SHARED["radius_km"],
        _SHARED["start_from"],
        _SHARED["start_to"],
    ),
    facets=("massif", "trade", "modality", "month", "status"),
)


@dataclass(frozen=True)
class SessionSearch:
    q: str = ""
    massif: Sequence[Massif] = ()
    trade: Sequence[str] = ()
    modality: Sequence[Modality] = ()
    month: Sequence[str] = ()
    status: Sequence[SessionStatus] = ()
    departement: Sequence[str] = ()
    place: Sequence[str] = ()
    organisation: Sequence[str] = ()
    near: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float = 20.0
    start_from: date | None = None
    start_to: date | None = None
    sort: str | None = None
    page: int = 1
    page_size: int = 20


async def to_query(params: SessionSearch) -> SearchQuery:
    found, problems = SESSION_FILTERS.canonical(raw(params, SESSION_FILTERS))
    known = Known(problems_as_errors(problems))
    for status in params.status:
        if status not in PUBLIC_STATUSES:
            known.errors.append(FieldError("status", "only open and full sessions are listed"))
    filters = await resolve(SESSION_FILTERS, found, known)
    if params.sort == "distance" and "near" not in filters and not known.errors:
        known.errors.append(FieldError("sort", "distance needs near or lat/lon"))
    if params.page > last_page(params.page_size):
        known.errors.append(FieldError("page", page_limit(params.page_size)))
    known.raise_if_any()
    return SearchQuery(
        contract=SESSION_FILTERS,
        q=found.get("q") or "",
        filters=filters,
        sort=None if params.sort == "relevance" else params.sort,
        page=params.page,
        page_size=params.page_size,
    )


def _counts(kind: str | None, distribution: dict[str, int]) -> list[FacetCount]:
    return [
        FacetCount(value=v, label=label(kind, v) if kind else v, count=c)
        for v, c in sorted(distribution.items(), key=lambda item: (-item[1], item[0]))
    ]


def hit(document: dict[str, Any]) -> schemas.SessionHit:
    distance = document.get("_geoDistance")
    return schemas.SessionHit(
        id=document["id"],
        training=schemas.SessionHitTraining(
            id=document["training_id"],
            slug=document["training_slug"],
            title=document["training_title"],
        ),
        organisation=HitOrganisation(
            slug=document["organisation_slug"], name=document["organisation_name"]
        ),
        place=HitPlace(
            slug=document["place_slug"],
            name=document["place_name"],
            massif=Massif(document["massif"]),
            departement=document["departement"],
        ),
        trade_codes=list(document["trade_codes"]),
        modality=Modality(document["modality"]),
        start_date=date.fromisoformat(document["start_day"]),
        end_date=date.fromisoformat(document["end_day"]),
        registration_deadline=date.fromisoformat(document["deadline_day"]),
        seats_left=document["seats_left"],
        status=SessionStatus(document["status"]),
        price_incl_vat=document.get("price_incl_vat"),
        highlight=document.get("highlight", {}),
        distance_km=round(distance / 1000, 1) if distance is not None else None,
    )


async def to_result(page: SearchPage) -> schemas.SessionSearchResult:
    trade_counts = page.facets.get("trade_codes", {})
    trades = await trade_labels(list(trade_counts))
    return schemas.SessionSearchResult(
        hits=[hit(d) for d in page.hits],
        total=page.total,
        page=page.page,
        page_size=page.page_size,
        pages=page.pages,
        facets=schemas.SessionFacets(
            massif=_counts("massif", page.facets.get("massif", {})),
            trade=[
                FacetCount(value=c, label=trades.get(c, c), count=n)
                for c, n in sorted(trade_counts.items(), key=lambda item: (-item[1], item[0]))
            ],
            modality=_counts("modality", page.facets.get("modality", {})),
            month=_counts(None, page.facets.get("month", {})),
            status=_counts("session_status", page.facets.get("status", {})),
        ),
    )


async def search(
    engine: SearchEngine, params: SessionSearch, now: datetime
) -> schemas.SessionSearchResult:
    query = await to_query(params)
    page = await guarded(search_sessions(engine, query, now))
    return await to_result(page)
