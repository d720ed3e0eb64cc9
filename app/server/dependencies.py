"""The dependencies wired into the app: the kernel's providers, and the API caller."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import Provide

from app.accounts import services as accounts
from app.core.auth import Principal
from app.core.dependencies import (
    AppSettings,
    CurrentClock,
    provide_clock,
    provide_page,
    provide_search_engine,
    provide_settings,
    provide_writer,
)
from app.core.errors import Unauthorized


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


DEPENDENCIES = {
    "clock": Provide(provide_clock, sync_to_thread=False),
    "settings": Provide(provide_settings, sync_to_thread=False),
    "search_engine": Provide(provide_search_engine, sync_to_thread=False),
    "principal": Provide(provide_principal),
    "writer": Provide(provide_writer, sync_to_thread=False),
    "pagination": Provide(provide_page, sync_to_thread=False),
}
