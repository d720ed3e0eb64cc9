"""CSRF on every state-changing route of the site, found by walking the app's routes.

A new POST/PUT/PATCH/DELETE page route is checked without anyone listing it: posted without
a token it must answer 403. The only routes that take no token are the forms that must work
without a session, each listed below with its reason; a route that skips the check without
being listed here fails the test, and so does an entry for a route that is gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from arq.connections import ArqRedis
from httpx import ASGITransport, AsyncClient
from litestar import Litestar

from app.config import get_settings
from app.core.clock import FrozenClock
from app.web.csrf import SIGNED_LINK
from tests.conftest import NOW
from tests.integration.conftest import running_app
from tests.routes import app_routes, concrete, is_site_path

# Forms that must work without a session, so without a CSRF token; and why.
NO_TOKEN: dict[str, str] = {
    "POST /offres/alerte": (
        "the alert form of the public search page, which stays cookie-free to be cached; "
        "alerts are double opt-in, so a forged post only sends a confirmation request"
    ),
    "POST /alertes/desabonner": (
        "RFC 8058 one-click unsubscribe: mail clients POST List-Unsubscribe=One-Click "
        "without cookies; " + SIGNED_LINK
    ),
    "POST /alertes/confirmer": SIGNED_LINK,
    "POST /alertes/gerer/{alert_id:int}": SIGNED_LINK,
    "POST /offres/prolonger": SIGNED_LINK,
}


def site_routes(app: Litestar) -> dict[str, Any]:
    """Every "METHOD /path" of the site (not the JSON API) that may change something."""
    return {route.name: route.handler for route in app_routes(app, where=is_site_path)}


@pytest.fixture
async def app(clean: None, queue: ArqRedis) -> AsyncIterator[Litestar]:
    async with running_app(get_settings(), FrozenClock(NOW), queue) as made:
        yield made


async def test_every_site_form_refuses_a_post_without_its_token(app: Litestar) -> None:
    routes = site_routes(app)
    assert "POST /mot-de-passe-oublie" in routes
    assert "POST /connexion" in routes
    skipping = {name for name, h in routes.items() if h.opt.get("exclude_from_csrf")}
    assert skipping == set(NO_TOKEN), (
        f"routes without CSRF but not listed: {sorted(skipping - set(NO_TOKEN))}; "
        f"listed but gone or checked: {sorted(set(NO_TOKEN) - skipping)}"
    )
    transport = ASGITransport(app=app)  # type: ignore[arg-type]
    problems = []
    async with AsyncClient(transport=transport, base_url="http://testserver.local") as browser:
        # A browser that has the site's CSRF cookie (it saw a form), and a bare one.
        assert (await browser.get("/connexion")).status_code == 200
        assert browser.cookies.get("em_csrf")
        async with AsyncClient(transport=transport, base_url="http://testserver.local") as bare:
            for name in sorted(set(routes) - set(NO_TOKEN)):
                method, path = name.split(" ", 1)
                url = concrete(path) + "?token=" + "x" * 40
                for client, label in ((browser, "with the cookie"), (bare, "without cookies")):
                    response = await client.request(
                        method,
                        url,
                        data={"email": "a@b.example", "password": "x" * 14},
                        headers={"Origin": "https://evil.example"},
                    )
                    if response.status_code != 403:
                        problems.append(f"{name} {label}: {response.status_code}")
    assert not problems, "site forms accepted without a CSRF token:\n" + "\n".join(problems)


async def test_a_token_from_the_form_is_accepted_on_the_reset_form(app: Litestar) -> None:
    """The reset form (missed by the old path pattern) now hands out and checks a token."""
    from tests.integration.web.test_accounts import post_form

    transport = ASGITransport(app=app)  # type: ignore[arg-type]
    async with AsyncClient(transport=transport, base_url="http://testserver.local") as browser:
        refused = await browser.post("/mot-de-passe-oublie", data={"email": "a@b.example"})
        assert refused.status_code == 403
        done = await post_form(browser, "/mot-de-passe-oublie", {"email": "a@b.example"})
        assert done.status_code == 200, done.text
