"""Dependencies every controller may ask for: the clock, the caller, the settings, a page."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter

from app.accounts import services as accounts
from app.config import Settings
from app.core.auth import Principal
from app.core.clock import Clock
from app.core.errors import Unauthorized
from app.core.pagination import MAX_PAGE_SIZE, PageRequest
from search.client import SearchEngine

CurrentClock = NamedDependency[Clock]
AppSettings = NamedDependency[Settings]
Caller = NamedDependency[Principal | None]
Paging = NamedDependency[PageRequest]
SearchDependency = NamedDependency[SearchEngine]


def provide_clock(state: State) -> Clock:
    clock: Clock = state.clock
    return clock


def provide_search_engine(state: State) -> SearchEngine:
    engine: SearchEngine = state.search_engine
    return engine


def provide_settings(state: State) -> Settings:
    settings: Settings = state.settings
    return settings


async def provide_principal(
    request: Request[Any, Any, Any],
    clock: CurrentClock,
    settings: AppSettings,
) -> Principal | None:
    """The caller behind `Authorization: Bearer <token>`; None when there is no header."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("Authorization: expected 'Bearer <token>'")
    principal = await accounts.resolve(token, settings.site.admin_token, clock.now())
    if principal is None:
        raise Unauthorized("Authorization: unknown or revoked API token")
    return principal


def provide_page(
    page: Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1")] = 1,
    page_size: Annotated[
        int,
        QueryParameter(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}"),
    ] = 20,
) -> PageRequest:
    return PageRequest(page=page, page_size=page_size)


DEPENDENCIES = {
    "clock": Provide(provide_clock, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "search_engine": Provide(provide_search_engine, sync_to_thread=False),
    "principal": Provide(provide_principal),
    "pagination": Provide(provide_page, sync_to_thread=False),
}
