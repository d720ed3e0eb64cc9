"""The training catalogue: /formations and /formations/{slug}."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Template
from markupsafe import Markup, escape

from app.core.catalogue import label
from app.core.clock import today
from app.core.dependencies import AppSettings, CurrentClock, SearchDependency
from app.core.errors import InvalidInput, NotFound, Unavailable
from app.core.vocabulary import Massif, Modality
from app.offers.schemas import FacetCount, HitOrganisation
from app.offers.search import trade_labels
from app.trainings import services
from app.trainings.schemas import SessionHit, SessionHitTraining, SessionSearchResult
from app.trainings.search import SESSION_FILTERS, SessionSearch, search
from app.trainings.tables import TrainingSession
from app.web.jsonld import course_json_ld, script_json
from app.web.pages import PUBLIC_CACHE, not_found_page, page, problem_page, uncached
from app.web.query import MONTH, ROME, SLUG_PATTERN, Field, QueryState, parse
from app.web.templating import MONTHS
from search.client import SearchEngine

PAGE_SIZE = 20
FIELDS = (
    Field("q", "recherche", many=False),
    Field("massif", "massif", choices=Massif),
    Field("trade", "métier", pattern=ROME),
    Field("modality", "modalité", choices=Modality),
    Field("month", "mois", pattern=MONTH),
)
FIELD_LABELS = {f.name: f.label for f in FIELDS}


# --- helpers shared by the public pages --------------------------------------------------------


def month_label(value: str) -> str:
    """The French name of a month facet value: 2027-01 is "janvier 2027"."""
    year, month = value.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


# --- the catalogue -------------------------------------------------------------------------------


@dataclass
class TrainingCard:
    """One training of the result page, with its sessions that match the search."""

    training: SessionHitTraining
    title: Markup
    organisation: HitOrganisation
    modality: Modality
    trade_codes: list[str]
    price_incl_vat: float | None
    sessions: list[SessionHit] = field(default_factory=list)


def group_by_training(hits: Sequence[SessionHit]) -> list[TrainingCard]:
    """Session hits as one card per training, in the order the trainings first appear."""
    cards: dict[int, TrainingCard] = {}
    for hit in hits:
        card = cards.get(hit.training.id)
        if card is None:
            marked = hit.highlight.get("training_title")  # HTML-escaped by search/, then <mark>
            card = cards[hit.training.id] = TrainingCard(
                training=hit.training,
                title=Markup(marked) if marked else escape(hit.training.title),
                organisation=hit.organisation,
                modality=hit.modality,
                trade_codes=hit.trade_codes,
                price_incl_vat=hit.price_incl_vat,
            )
        card.sessions.append(hit)
    return list(cards.values())


def parse_state(params: Mapping[str, Sequence[str]]) -> QueryState:
    state = parse("/formations", params, FIELDS, SESSION_FILTERS)
    q = state.get("q").replace("\x00", "")
    if len(q) > 200:
        state.errors.append("recherche : 200 caractères au plus")
        q = q[:200]
    if q:
        state.values["q"] = [q]
    else:
        state.values.pop("q", None)
    if "trade" in state.values:  # facet values are upper case: g1204 ticks the G1204 box
        state.values["trade"] = list(dict.fromkeys(v.upper() for v in state.values["trade"]))
    return state


def _params(state: QueryState) -> SessionSearch:
    return SessionSearch(
        q=state.get("q"),
        massif=[Massif(v) for v in state.getall("massif")],
        trade=state.getall("trade"),
        modality=[Modality(v) for v in state.getall("modality")],
        month=state.getall("month"),
        page=state.page,
        page_size=PAGE_SIZE,
    )


async def run_search(engine: SearchEngine, state: QueryState, now: datetime) -> SessionSearchResult:
    """Search; values the database does not know (a ROME code that does not exist) are dropped
    and reported, and the search runs again with the rest."""
    try:
        return await search(engine, _params(state), now)
    except InvalidInput as error:
        for problem in error.errors:
            name = problem.field.split(".")[0]
            state.errors.append(
                f"{FIELD_LABELS.get(name, name)} : valeur inconnue, ce filtre a été retiré"
            )
            state.values.pop(name, None)
        return await search(engine, _params(state), now)


def facets_of(result: SessionSearchResult) -> dict[str, list[FacetCount]]:
    months = sorted(result.facets.month, key=lambda c: c.value)
    return {
        "massif": result.facets.massif,
        "trade": result.facets.trade,
        "modality": result.facets.modality,
        "month": [
            FacetCount(value=c.value, label=month_label(c.value), count=c.count) for c in months
        ],
    }


def filter_labels(state: QueryState, facets: Mapping[str, list[FacetCount]]) -> dict[str, str]:
    """French labels of the active filters, keyed "name:value" (for the chips)."""
    labels = {f"{name}:{c.value}": c.label for name, counts in facets.items() for c in counts}
    for name, value in state.filters:
        key = f"{name}:{value}"
        if name == "q":
            labels[key] = f"« {value} »"
        elif name == "month" and key not in labels:
            labels[key] = month_label(value)
        elif name in ("massif", "modality") and key not in labels:
            labels[key] = label(name, value)
    return labels


def _wants_zone(request: Request[Any, Any, Any]) -> bool:
    """htmx asks for the search zone only (facets and results), not for a whole page."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-target") == "zone"
        and headers.get("hx-history-restore-request") != "true"
    )


# --- the training page -----------------------------------------------------------------------


def seats_left(session: TrainingSession) -> int:
    return max(session.seats_total - session.seats_taken, 0)


class TrainingPages(Controller):
    path = "/formations"
    include_in_schema = False

    @get("/", name="training-catalogue", cache_control=PUBLIC_CACHE)
    async def catalogue(
        self,
        request: Request[Any, Any, Any],
        search_engine: SearchDependency,
        clock: CurrentClock,
    ) -> Template:
        """Sessions found by the search, one card per training; facets in a plain GET form."""
        state = parse_state(request.query_params.dict())
        try:
            result = await run_search(search_engine, state, clock.now())
        except Unavailable as error:
            return problem_page(error, kind="trainings-unavailable")
        facets = facets_of(result)
        trade_names = {c.value: c.label for c in result.facets.trade}
        response = page(
            "trainings/_zone.html" if _wants_zone(request) else "trainings/list.html",
            status_code=400 if state.errors else 200,
            state=state,
            result=result,
            cards=group_by_training(result.hits),
            facets=facets,
            labels=filter_labels(state, facets),
            trade_names=trade_names,
        )
        response.headers["Vary"] = "HX-Request, HX-Target"
        return uncached(response) if state.errors else response

    @get("/{slug:str}", name="training-page", cache_control=PUBLIC_CACHE)
    async def training(
        self, slug: FromPath[str], settings: AppSettings, clock: CurrentClock
    ) -> Template:
        if not SLUG_PATTERN.match(slug):
            return not_found_page()
        try:
            training = await services.get_training_by_slug(slug)
        except NotFound:
            return not_found_page()
        day = today(clock)
        rows = await services.sessions_not_over([training.id], day)
        sessions = [(row, services.shown_status(row, day)) for row in rows]
        base_url = settings.site.base_url
        return page(
            "trainings/detail.html",
            training=training,
            school=training.organisation,
            trades=await trade_labels(list(training.trade_codes)),
            sessions=sessions,
            seats_left=seats_left,
            canonical=f"{base_url}/formations/{training.slug}",
            json_ld=script_json(course_json_ld(training, sessions, base_url)),
        )
