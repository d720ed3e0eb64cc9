"""CSRF on every state-changing request of the site, whatever its path.

Litestar's CSRF middleware both checks writes and sets its cookie on reads, for the paths it
is not told to skip. A list of paths to protect misses the next form (`/mot-de-passe-oublie`
did); so the kind is turned around here:

- every POST, PUT, PATCH and DELETE outside the JSON API (bearer tokens, no cookies) needs
  the token, unless its handler says `opt={"exclude_from_csrf": True}` — kept for the few
  forms that must work without a session (tests/integration/web/test_csrf.py lists each with
  its reason, and fails on any other);
- reads set the cookie only on the account pages, so public pages stay cookie-free (and
  cacheable).
"""

from __future__ import annotations

import re
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.base import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import Message, Receive, Scope, Send

from app.core.paths import API_PATHS
from app.web.session import NOT_ACCOUNT_PAGES, SESSION_MAX_AGE

_PUBLIC_READ = re.compile(NOT_ACCOUNT_PAGES)


class SiteCSRFMiddleware(CSRFMiddleware):
    """Checks every write of the site; hands out tokens on the account pages only.

    Litestar's cookie lasts as long as the browser runs: a phone that restores its tabs after
    a restart sends a form whose cookie is gone. Ours lasts as long as a session (Max-Age),
    counted again from every account page read (the same token, set again).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        if method in self.config.safe_methods and _PUBLIC_READ.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def create_send_wrapper(self, send: Send, token: str, csrf_cookie: str | None) -> Send:
        cookie = Cookie(
            key=self.config.cookie_name,
            value=token,
            path=self.config.cookie_path,
            max_age=SESSION_MAX_AGE,
            secure=self.config.cookie_secure,
            httponly=self.config.cookie_httponly,
            samesite=self.config.cookie_samesite,
            domain=self.config.cookie_domain,
        ).to_header(header="")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message).add("set-cookie", cookie)
            await send(message)

        return send_wrapper


def csrf_middleware(secret: str, secure: bool) -> DefineMiddleware:
    config = CSRFConfig(
        secret=secret,
        cookie_name="em_csrf",
        cookie_secure=secure,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=[API_PATHS],
    )
    return DefineMiddleware(SiteCSRFMiddleware, config=config)


# The reason of every form reached from an e-mailed link carrying a signed token.
SIGNED_LINK = "the signed token of its e-mailed link is its only authority; no cookie counts"


def public_form(reason: str) -> dict[str, Any]:
    """The `opt` of a form that must work without a session (no CSRF token); say why."""
    return {"exclude_from_csrf": True, "csrf_reason": reason}
