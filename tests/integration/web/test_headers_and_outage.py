"""Every answer carries the security headers, the router's own 404 and 405 included; a search
page during a search-engine outage is a French 503 page with Retry-After; feeds refuse what
they cannot honour (unknown filters) without being cached, and always parse."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient
from lxml import etree

from app.config import Settings
from app.core.clock import FrozenClock
from search.client import SearchEngine
from tests.integration.conftest import Org, app_client, make_offer, settings_with
from tests.integration.search.conftest import sync
from tests.integration.web.conftest import parse
from tests.meilisearch_server import free_port

SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/pas-de-page-ici", 404),  # unrouted
        ("GET", "/api/nothing/here", 404),
        ("DELETE", "/offres", 405),  # wrong method
        ("PUT", "/api/offers/search", 405),
        ("GET", "/static/site.css", 200),  # a static file
        ("GET", "/api/offers/999999", 404),  # an API error
        ("GET", "/api/offers?page=0", 400),
        ("GET", "/robots.txt", 200),
        ("GET", "/connexion", 200),  # a page
        ("GET", "/static/site.css%00.js", 404),  # refused at the door
        ("GET", "/offres?q=%00", 400),
    ],
)
async def test_every_answer_carries_the_security_headers(
    client: AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)
    assert response.status_code == status, response.text
    for name in SECURITY_HEADERS:
        assert name in response.headers, (path, name)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def test_a_refused_form_carries_them_too(client: AsyncClient) -> None:
    response = await client.post(
        "/connexion",
        content=b"a=" + b"x" * 70_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    for name in SECURITY_HEADERS:
        assert name in response.headers


@pytest.fixture
async def search_down(clock: FrozenClock, clean: None) -> AsyncIterator[AsyncClient]:
    """The app with its search engine pointed at a closed port: Meilisearch is down."""
    async with app_client(search_down_settings(), clock) as http:
        yield http


def search_down_settings() -> Settings:
    return settings_with(search={"url": f"http://127.0.0.1:{free_port()}"})


ENGLISH_OR_CLASSES = ("Error", "Exception", "Meilisearch", "search engine", "right now", "OSError")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Recherche momentanément indisponible"),
        ("/offres", "Recherche momentanément indisponible"),
        ("/offres?massif=jura&q=serveur", "Recherche momentanément indisponible"),
        ("/formations", "Recherche momentanément indisponible"),
    ],
)
async def test_search_pages_during_an_outage_are_a_french_503(
    search_down: AsyncClient, path: str, heading: str
) -> None:
    response = await search_down.get(path)
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.headers["cache-control"] == "no-store"
    page = parse(response.text)
    assert page.cssselect("h1")[0].text_content() == heading
    main = page.cssselect("[role=alert]")[0].text_content()
    assert "momentanément indisponible" in main or "ne répond pas" in main
    for word in ENGLISH_OR_CLASSES:
        assert word not in response.text, word
    assert "Demande refusée" not in response.text


async def test_the_htmx_zone_during_an_outage_is_the_same_503(search_down: AsyncClient) -> None:
    response = await search_down.get("/offres?massif=jura", headers={"HX-Request": "true"})
    assert response.status_code == 503
    assert "retry-after" in response.headers


async def test_the_feed_during_an_outage_is_a_503_problem(search_down: AsyncClient) -> None:
    response = await search_down.get("/offres/flux.atom")
    assert response.status_code == 503
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["retry-after"].isdigit()
    assert response.headers["cache-control"] == "no-store"
    for word in ("Error", "Exception", "Meilisearch"):
        assert word not in response.text


async def test_the_api_search_during_an_outage_names_no_class(search_down: AsyncClient) -> None:
    response = await search_down.get("/api/offers/search")
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert "Error" not in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    ["massif=atlantis", "massif=jura&massif=atlantis", "contract=cdi-a-vie", "sort=nowhere"],
)
async def test_a_feed_with_an_unknown_filter_is_a_400_problem_not_cached(
    client: AsyncClient, engine: SearchEngine, query: str
) -> None:
    response = await client.get(f"/offres/flux.atom?{query}")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["cache-control"] == "no-store"
    problem = response.json()
    assert problem["status"] == 400
    assert problem["detail"]
    assert b"<feed" not in response.content


async def test_a_feed_of_a_search_with_control_characters_parses(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, employer: Org
) -> None:
    await make_offer(client, employer, title="Serveur de salle")
    await sync(engine, clock)
    for query in ("q=serv%01eur", "q=%0B%0C%1F", "q=serveur%EF%BF%BE"):
        response = await client.get(f"/offres/flux.atom?{query}")
        assert response.status_code == 200, (query, response.text)
        assert "public" in response.headers["cache-control"]
        feed: Any = etree.fromstring(response.content, etree.XMLParser(recover=False))
        assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
