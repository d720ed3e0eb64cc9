from __future__ import annotations

from datetime import date

from litestar import Controller, get, patch, post
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from app.core.dependencies import Caller, CurrentClock, Paging, SearchDependency, Writer
from app.core.pagination import Page
from app.core.params import (
    Departements,
    Id,
    IdFilter,
    Latitude,
    Longitude,
    Months,
    NearSlug,
    PageNumber,
    PageSize,
    Radius,
    RomeFilter,
    SearchText,
    SessionSort,
    Slugs,
)
from app.core.ratelimit import search_rate_guard
from app.core.search_params import given_once
from app.core.vocabulary import Massif, Modality, SessionStatus
from app.trainings import schemas, search, services

SECURITY: list[dict[str, list[str]]] = [{"BearerToken": []}]


class TrainingController(Controller):
    path = "/api/trainings"
    tags = ["trainings"]

    @get("/", operation_id="listTrainings")
    async def list_trainings(
        self,
        pagination: Paging,
        principal: Caller,
        organisation: IdFilter = None,
        trade: RomeFilter = None,
        modality: FromQuery[list[Modality] | None] = None,
    ) -> Page[schemas.Training]:
        """Trainings by title; those of a school pending verification are listed to its own
        tokens and the admin token only."""
        filters = services.TrainingFilters(
            organisation=organisation, trade=trade, modality=modality
        )
        return await services.list_trainings(pagination, filters, principal)

    @get("/{training_id:int}", operation_id="getTraining")
    async def get_training(self, training_id: Id, principal: Caller) -> schemas.Training:
        row = await services.get_training_visible_to(training_id, principal)
        return services.to_schema(row)

    @post("/", operation_id="createTraining", security=SECURITY)
    async def create_training(
        self,
        data: JSONBody[schemas.TrainingCreate],
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Training:
        return services.to_schema(await services.create_training(data, writer, clock.now()))

    @patch("/{training_id:int}", operation_id="updateTraining", security=SECURITY)
    async def update_training(
        self,
        training_id: Id,
        data: JSONBody[schemas.TrainingUpdate],
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Training:
        row = await services.update_training(training_id, data, writer, clock.now())
        return services.to_schema(row)


class SessionController(Controller):
    path = "/api/sessions"
    tags = ["sessions"]

    @get("/", operation_id="listSessions")
    async def list_sessions(
        self,
        pagination: Paging,
        principal: Caller,
        training: IdFilter = None,
        organisation: IdFilter = None,
        status: FromQuery[list[SessionStatus] | None] = None,
        massif: FromQuery[list[Massif] | None] = None,
        trade: RomeFilter = None,
    ) -> Page[schemas.Session]:
        """Sessions by start date; those of a school pending verification are listed to its
        own tokens and the admin token only."""
        filters = services.SessionFilters(
            training=training,
            organisation=organisation,
            status=status,
            massif=massif,
            trade=trade,
        )
        return await services.list_sessions(pagination, filters, principal)

    @get("/{session_id:int}", operation_id="getSession")
    async def get_session(self, session_id: Id, principal: Caller) -> schemas.Session:
        row = await services.get_session_visible_to(session_id, principal)
        return services.session_to_schema(row)

    @post("/", operation_id="createSession", security=SECURITY)
    async def create_session(
        self,
        data: JSONBody[schemas.SessionCreate],
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Session:
        return services.session_to_schema(await services.create_session(data, writer, clock))

    @patch("/{session_id:int}", operation_id="updateSession", security=SECURITY)
    async def update_session(
        self,
        session_id: Id,
        data: JSONBody[schemas.SessionUpdate],
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Session:
        row = await services.update_session(session_id, data, writer, clock)
        return services.session_to_schema(row)

    @post(
        "/{session_id:int}/cancel",
        operation_id="cancelSession",
        security=SECURITY,
        status_code=HTTP_200_OK,
    )
    async def cancel_session(
        self,
        session_id: Id,
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Session:
        return services.session_to_schema(await services.cancel_session(session_id, writer, clock))

    @post(
        "/{session_id:int}/close",
        operation_id="closeSessionRegistrations",
        security=SECURITY,
        status_code=HTTP_200_OK,
    )
    async def close_registrations(
        self,
        session_id: Id,
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Session:
        """Stop registrations now (the deadline moves to yesterday)."""
        return services.session_to_schema(
            await services.close_registrations(session_id, writer, clock)
        )


class SessionSearchController(Controller):
    path = "/api/sessions/search"
    tags = ["search"]
    guards = [search_rate_guard, given_once(search.SESSION_FILTERS)]

    @get("/", operation_id="searchSessions")
    async def search_sessions(
        self,
        search_engine: SearchDependency,
        clock: CurrentClock,
        q: SearchText = "",
        massif: FromQuery[list[Massif] | None] = None,
        trade: RomeFilter = None,
        modality: FromQuery[list[Modality] | None] = None,
        month: Months = None,
        status: FromQuery[list[SessionStatus] | None] = None,
        departement: Departements = None,
        place: Slugs = None,
        organisation: Slugs = None,
        near: NearSlug = None,
        lat: Latitude = None,
        lon: Longitude = None,
        radius_km: Radius = 20.0,
        start_from: FromQuery[date | None] = None,
        start_to: FromQuery[date | None] = None,
        sort: SessionSort = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> schemas.SessionSearchResult:
        """Open and full sessions matching words and filters, with facet counts."""
        params = search.SessionSearch(
            q=q,
            massif=massif or (),
            trade=trade or (),
            modality=modality or (),
            month=month or (),
            status=status or (),
            departement=departement or (),
            place=place or (),
            organisation=organisation or (),
            near=near,
            lat=lat,
            lon=lon,
            radius_km=radius_km,
            start_from=start_from,
            start_to=start_to,
            sort=sort,
            page=page,
            page_size=page_size,
        )
        return await search.search(search_engine, params, clock.now())
