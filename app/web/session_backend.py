"""Server-side sessions (Redis) that never adopt an id the server did not issue.

Litestar's ServerSideSessionBackend keeps whatever id the request's cookie carries: plant
`em_session=<any 64 hex>` in a victim's browser, let them sign in, and the planted cookie is
now theirs too (session fixation). This backend:

- loads a session only when the store holds the cookie's id, and otherwise treats the
  request as having no session (the id is forgotten, never written to);
- gives a session a fresh random id whenever it is (re)started: `request.clear_session()`
  (then `set_session(...)`) deletes the old record and issues a new id, which is how
  `app.web.session.start_session` and `renew_session` sign in and raise privileges;
- writes nothing (no record, no cookie) for a request without session data, and answers
  an expired cookie (`Max-Age=0`) when a session ends or the browser sent an unknown id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

# Where the id found in the store is kept for the rest of the request (in the ASGI scope).
_ISSUED = "em_session_issued_id"


def _issued_id(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    value = connection.scope.get("state", {}).get(_ISSUED)
    return value if isinstance(value, str) else None


class IssuedSessionBackend(ServerSideSessionBackend):
    """Only ids the server issued, a new one at every (re)start; see the module docstring."""

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        if session_id:
            store = self.config.get_store_from_app(connection.scope["app"])
            data = await self.get(session_id, store=store)
            if data is not None:
                connection.scope.setdefault("state", {})[_ISSUED] = session_id
                return self.deserialize_data(data)
        return {}

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        """The id the store holds for this request; empty when there is none yet (never the
        cookie's id as such). The id of a new session is made only when it is stored."""
        return _issued_id(connection) or ""

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        store = self.config.get_store_from_app(connection.scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        issued = _issued_id(connection)
        # clear_session() empties the connection's session id: the session was restarted
        # (or ended) during this request, so the old id dies whatever comes next.
        restarted = issued is not None and connection.get_session_id() != issued
        if issued is not None and (restarted or not scope_session):
            await self.delete(issued, store=store)
            issued = None
        cookie_params = dict(
            extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys())
        )
        if scope_session is Empty or not scope_session:
            if connection.cookies.get(self.config.key):
                cookie_params["max_age"] = 0
                headers.add(
                    "Set-Cookie",
                    Cookie(value="", key=self.config.key, expires=0, **cookie_params).to_header(
                        header=""
                    ),
                )
            return
        session_id = issued or self.generate_session_id()
        await self.set(session_id, self.serialize_data(scope_session, connection.scope), store)
        headers.add(
            "Set-Cookie",
            Cookie(value=session_id, key=self.config.key, **cookie_params).to_header(header=""),
        )


@dataclass
class IssuedSessionConfig(ServerSideSessionConfig):
    """ServerSideSessionConfig with the backend above."""

    _backend_class = IssuedSessionBackend
