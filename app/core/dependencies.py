"""Dependencies every controller may ask for: the clock, the caller, the settings, a page.

The names (and the domain-free providers) live here; app/server/dependencies.py wires them,
including the caller behind a bearer token, which needs the accounts domain.
"""

from __future__ import annotations

from typing import Annotated

from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from app.config import Settings
from app.core.auth import Principal, require_writer
from app.core.clock import Clock
from app.core.pagination import MAX_PAGE_SIZE, PageRequest
from search.client import SearchEngine

CurrentClock = NamedDependency[Clock]
AppSettings = NamedDependency[Settings]
Caller = NamedDependency[Principal | None]
# A write of the API: the caller's token, or 401 before the handler runs.
Writer = NamedDependency[Principal]
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


def provide_writer(principal: Caller) -> Principal:
    return require_writer(principal)


def provide_page(
    page: Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1")] = 1,
    page_size: Annotated[
        int,
        QueryParameter(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}"),
    ] = 20,
) -> PageRequest:
    return PageRequest(page=page, page_size=page_size)
