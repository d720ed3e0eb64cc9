"""Redis unreachable: every account page answers a French 503 page with Retry-After (sessions
live in Redis), the API answers problem details where it needs Redis, and public pages,
which keep no session, still serve. Real PostgreSQL and Meilisearch; Redis on a closed port."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient, Response
from litestar import Litestar, get
from redis.asyncio import Redis

from app.config import Settings
from app.core.clock import FrozenClock
from app.outbox.sync import drain_outbox
from app.web.session import ACCOUNT_PAGES
from search.client import SearchEngine
from tests.integration.conftest import (
    PASSWORD,
    Org,
    app_client,
    confirmed_account,
    http_client,
    make_offer,
    running_app,
    settings_with,
)
from tests.integration.web.conftest import parse
from tests.meilisearch_server import free_port
from tests.routes import app_routes

FRENCH = "Le service de comptes est momentanément indisponible, réessayez dans quelques minutes"
SESSION = {"em_session": "ab" * 32}  # a signed-in visitor's cookie (its record is in Redis)


def redis_down_settings() -> Settings:
    return settings_with(redis={"url": f"redis://127.0.0.1:{free_port()}/0"})


@pytest.fixture
async def down(clean: None, clock: FrozenClock) -> AsyncIterator[tuple[Litestar, AsyncClient]]:
    """The app with REDIS_URL on a closed port, as its lifespan leaves it (no queue)."""
    async with running_app(redis_down_settings(), clock) as app, http_client(app) as http:
        yield app, http


def account_routes(app: Litestar) -> list[tuple[str, str]]:
    """Every (method, path) of the account pages, path parameters filled with 1."""
    pages = app_routes(app, {"GET", "POST"}, ACCOUNT_PAGES.match)
    return [(route.method, route.url) for route in pages]


def assert_accounts_unavailable(response: Response, what: str) -> None:
    assert response.status_code == 503, (what, response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html"), what
    assert int(response.headers["retry-after"]) > 0, what
    assert response.headers["cache-control"] == "no-store", what
    assert FRENCH in " ".join(parse(response.text).text_content().split()), what
    for name in ("ConnectionError", "TimeoutError", "Redis", "Exception", "Error "):
        assert name not in response.text, (what, name)


async def csrf_from_a_healthy_app(client: AsyncClient) -> tuple[str, str]:
    """A form's CSRF token and its cookie, as a visitor holds them when Redis goes down."""
    page = await client.get("/connexion")
    assert page.status_code == 200
    [token] = [i.get("value") for i in parse(page.text).cssselect('input[name="_csrf_token"]')]
    return str(token), client.cookies["em_csrf"]


async def test_every_account_page_answers_a_french_503(
    client: AsyncClient, down: tuple[Litestar, AsyncClient]
) -> None:
    app, http = down
    token, csrf_cookie = await csrf_from_a_healthy_app(client)
    routes = account_routes(app)
    paths = {path for _, path in routes}
    assert {"/connexion", "/inscription", "/espace", "/mot-de-passe-oublie"} <= paths
    for method, path in routes:
        for cookies in ({}, SESSION):  # a first visit, and a visitor signed in before
            http.cookies.clear()
            http.cookies.update({**cookies, "em_csrf": csrf_cookie})
            if method == "GET":
                response = await http.get(path)
            else:
                form = {"_csrf_token": token, "email": "rh@chalet.example", "password": "x" * 12}
                response = await http.post(path, data=form)
            assert_accounts_unavailable(response, f"{method} {path} {sorted(cookies)}")


class RedisThatDies:
    """A Redis on a loopback port that answers until its first EXISTS, then is gone (its
    connections closed, its port closed): Redis failing in the middle of a request."""

    def __init__(self) -> None:
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while self.server is not None and (command := await self._command(reader)):
            name = command[0].upper()
            writer.write(b":0\r\n" if name == b"EXISTS" else b"+OK\r\n")
            await writer.drain()
            if name == b"EXISTS":
                self.close()
        writer.close()

    @staticmethod
    async def _command(reader: asyncio.StreamReader) -> list[bytes]:
        """One RESP command (an array of bulk strings); empty when the client left."""
        header = await reader.readline()
        if not header.startswith(b"*"):
            return []
        parts = []
        for _ in range(int(header[1:])):
            size = int((await reader.readline())[1:])
            parts.append((await reader.readexactly(size + 2))[:-2])
        return parts

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None


async def test_a_session_written_as_the_answer_starts_gets_the_page_too(
    client: AsyncClient, clock: FrozenClock
) -> None:
    """Redis answers the account page's probe and is gone when the session is written: the
    store fails while the response starts, where Litestar's exception handlers cannot answer."""
    await confirmed_account("rh@chalet.example", clock)
    token, csrf_cookie = await csrf_from_a_healthy_app(client)
    redis = RedisThatDies()
    await redis.start()
    dying = settings_with(redis={"url": f"redis://127.0.0.1:{redis.port}/0"})
    try:
        async with app_client(dying, clock) as http:
            http.cookies.update({"em_csrf": csrf_cookie})
            form = {"_csrf_token": token, "email": "rh@chalet.example", "password": PASSWORD}
            response = await http.post("/connexion", data=form)
    finally:
        redis.close()
    assert redis.server is None, "the probe reached Redis, then Redis died"
    assert_accounts_unavailable(response, "POST /connexion, Redis gone as the session is written")
    assert "set-cookie" not in {k.lower() for k in response.headers}, "no session id handed out"


async def test_public_pages_still_serve(
    client: AsyncClient,
    engine: SearchEngine,
    employer: Org,
    clock: FrozenClock,
    down: tuple[Litestar, AsyncClient],
) -> None:
    offer = await make_offer(client, employer)
    await drain_outbox(engine, clock.now)
    _, http = down
    for path in ("/", "/offres", f"/offres/{offer['slug']}", "/api/offers/search"):
        response = await http.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        assert "set-cookie" not in response.headers, path


async def test_the_api_answers_problem_details_where_it_needs_redis(
    down: tuple[Litestar, AsyncClient],
) -> None:
    app, http = down
    closed = redis_down_settings().redis.url

    async def needs_redis() -> dict[str, Any]:
        client = Redis.from_url(closed)
        try:
            return {"pong": await client.ping()}
        finally:
            await client.aclose()

    app.register(get("/api/needs-redis")(needs_redis))
    response = await http.get("/api/needs-redis")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert (body["status"], body["type"], body["instance"]) == (
        503,
        "/problems/unavailable",
        "/api/needs-redis",
    )
    assert "Error" not in body["detail"]
    assert "retry" in body["detail"]
