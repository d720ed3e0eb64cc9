"""Input limits at the door: malformed paths, query strings and bodies are 400/404/413 problem
details, never a 500; site forms over their limit (64 KB, the space's 256 KB) or 200 fields
are refused before any parsing; control characters are refused in every API text and line
breaks normalised (app.core.limits; site forms: web/test_form_refusals.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient
from litestar import Litestar

from app.core.limits import FORM_MAX_BYTES, FORM_MAX_FIELDS, InputLimits, TooLarge, form_limit
from tests.integration.conftest import ADMIN, Org, offer_body
from tests.integration.web.conftest import parse
from tests.routes import app_routes, is_site_path

PROBLEM = "application/problem+json"


def _app(client: AsyncClient) -> Litestar:
    app: Litestar = client._transport.app  # type: ignore[attr-defined]
    return app


def site_post_paths(app: Litestar) -> list[str]:
    """Every non-API route that takes a POST, its path parameters filled in."""
    return sorted({route.url for route in app_routes(app, {"POST"}, is_site_path)})


async def test_a_deeply_nested_json_body_is_a_400(client: AsyncClient, employer: Org) -> None:
    body = b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = await client.post(
        "/api/offers",
        content=body,
        headers={**employer.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    # a bit deeper than allowed, but far from Python's recursion limit
    shallow = b"[" * 40 + b"]" * 40
    response = await client.post(
        "/api/offers",
        content=shallow,
        headers={**employer.auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "nested deeper" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        "/static/site.css%00.js",
        "/static/site%01.css",
        "/offres/serveur%00",
        "/static/%FF%FE.css",
        "/api/offers/1%00",
        "/formations/%C3%28",
    ],
)
async def test_a_path_with_nul_control_or_bad_utf8_is_a_404(client: AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404, response.text
    if path.startswith("/api/"):
        assert response.headers["content-type"].startswith(PROBLEM)
    else:  # the site's French page
        assert parse(response.text).cssselect("h1")[0].text_content() == "Introuvable"


@pytest.mark.parametrize(
    "target",
    [
        "/offres?q=serv%00eur",
        "/offres?q=%FF",
        "/offres/flux.atom?q=%C3%28",
        "/api/offers/search?q=a%00b",
        "/api/offers/search?q%00=1",
        "/formations?massif=%E9",
        "/sitemap.xml?x=%00",
    ],
)
async def test_a_query_with_nul_or_bad_utf8_is_a_400(client: AsyncClient, target: str) -> None:
    response = await client.get(target)
    assert response.status_code == 400, response.text
    if target.startswith(("/offres?", "/formations?")):  # pages: the site's French page
        assert response.headers["cache-control"] == "no-store"
        assert parse(response.text).cssselect("h1")[0].text_content() == "Saisie incorrecte"
        return
    assert response.headers["content-type"].startswith(PROBLEM)  # the API, feeds, sitemap
    assert response.json()["errors"][0]["field"] == "query"


async def test_every_site_form_refuses_more_than_its_limit_with_413(client: AsyncClient) -> None:
    paths = site_post_paths(_app(client))
    assert {"/connexion", "/inscription", "/mot-de-passe-oublie"} <= set(paths)
    assert any(p.startswith("/espace/") for p in paths)
    for path in paths:
        body = "note=" + "a" * (form_limit(path) + 1024)
        response = await client.post(
            path, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert response.status_code == 413, (path, response.status_code)
        assert response.headers["cache-control"] == "no-store"
        assert parse(response.text).cssselect("h1")[0].text_content() == (
            "Formulaire trop volumineux"
        ), path


async def test_a_form_of_too_many_fields_is_a_413(client: AsyncClient) -> None:
    body = "&".join(f"f{i}=1" for i in range(FORM_MAX_FIELDS + 1))
    assert len(body) < FORM_MAX_BYTES
    response = await client.post(
        "/connexion", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    ok = "&".join(f"f{i}=1" for i in range(FORM_MAX_FIELDS))
    response = await client.post(
        "/connexion", content=ok, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code != 413  # refused later, for its missing CSRF token


async def test_a_streamed_form_without_length_is_cut_at_64_kb(client: AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"email="
        for _ in range(100):
            yield b"a" * 1024

    response = await client.post(
        "/connexion",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


async def test_a_10_mb_form_is_refused_before_a_byte_is_read() -> None:
    """The 10 MB form of 2.5 M fields that held the process ~3 s: its length is enough."""
    read: list[Any] = []
    sent: list[dict[str, Any]] = []
    reached: list[bool] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)

    async def receive() -> dict[str, Any]:
        read.append(True)
        return {"type": "http.request", "body": b"a=1&" * 2_500_000, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/connexion",
        "raw_path": b"/connexion",
        "query_string": b"",
        "headers": [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"10000000"),
        ],
    }
    with pytest.raises(TooLarge):
        await InputLimits(app)(scope, receive, send)  # type: ignore[arg-type]
    assert read == []
    assert reached == []


async def test_the_api_refuses_a_body_over_1_mb(client: AsyncClient, employer: Org) -> None:
    body = offer_body(description="x" * (1024 * 1024))
    response = await client.post("/api/offers", json=body, headers=employer.auth)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["status"] == 413


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x1b", "\x1f", "\r", "\ufffe", "\uffff"])
async def test_control_characters_are_refused_in_api_text(
    client: AsyncClient, employer: Org, char: str
) -> None:
    response = await client.post(
        "/api/offers", json=offer_body(title=f"Serveur{char}euse"), headers=employer.auth
    )
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == "title"
    assert f"U+{ord(char):04X}" in problem["errors"][0]["message"]


async def test_nested_and_list_fields_are_named(client: AsyncClient, employer: Org) -> None:
    response = await client.post(
        "/api/offers", json=offer_body(languages=["fr", "e\x02n"]), headers=employer.auth
    )
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["languages"]
    response = await client.post(
        "/api/alerts",
        json={"email": "a@example.fr", "frequency": "daily", "search": {"q": "ski\x07"}},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "search.q"


async def test_a_lone_surrogate_in_json_is_refused(client: AsyncClient) -> None:
    body = b'{"name": "H\\ud800tel", "kind": "employer", "contact_email": "rh@example.fr"}'
    response = await client.post(
        "/api/organisations",
        content=body,
        headers={**ADMIN, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["errors"][0]["field"] == "name"
    assert "U+D800" in response.json()["errors"][0]["message"]


async def test_vertical_tab_form_feed_and_crlf_become_newlines(
    client: AsyncClient, employer: Org
) -> None:
    description = "Service en salle\x0bet en terrasse\x0cau pied des pistes,\r\npour la saison."
    response = await client.post(
        "/api/offers",
        json=offer_body(description=description),
        headers=employer.auth,
    )
    assert response.status_code == 201, response.text
    offer = response.json()
    assert offer["description"] == (
        "Service en salle\net en terrasse\nau pied des pistes,\npour la saison."
    )
    stored = (await client.get(f"/api/offers/{offer['id']}", headers=employer.auth)).json()
    assert stored["description"] == offer["description"]
