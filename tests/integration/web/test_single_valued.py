"""A single-valued search parameter given twice is refused everywhere, never read as one of
its values (issue 14): the search APIs and facet-values answer a 400 problem naming it, the
site pages show their French notice with a 400, the feed a 400 problem."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from httpx import AsyncClient

from app.core.search_params import single_valued
from app.offers.search import OFFER_FILTERS
from app.trainings.search import SESSION_FILTERS
from search.client import SearchEngine
from tests.integration.web.conftest import parse, texts

# Two values each parameter accepts on its own.
VALUES = {
    "q": ("serveur", "moniteur"),
    "near": ("annecy", "chamonix"),
    "lat": ("45.9", "45.8"),
    "lon": ("6.1", "6.2"),
    "radius_km": ("10", "30"),
    "start_from": ("2027-01-01", "2027-02-01"),
    "start_to": ("2027-03-01", "2027-04-01"),
    "pay_min": ("1500", "2000"),
    "sort": ("recent", "relevance"),
    "page": ("1", "2"),
    "page_size": ("10", "20"),
    "facet": ("trade", "place"),
}
OFFER_SINGLE = single_valued(OFFER_FILTERS)
SESSION_SINGLE = single_valued(SESSION_FILTERS)


def twice(name: str) -> str:
    first, second = VALUES[name]
    return urlencode([(name, first), (name, second)])


def test_every_single_valued_name_is_covered() -> None:
    assert set(OFFER_SINGLE) | set(SESSION_SINGLE) == set(VALUES)
    assert "massif" not in OFFER_SINGLE
    assert "month" not in SESSION_SINGLE


@pytest.mark.parametrize("name", OFFER_SINGLE)
async def test_offer_api(client: AsyncClient, engine: SearchEngine, name: str) -> None:
    for path in ("/api/offers/search", "/api/offers/search/facet-values"):
        response = await client.get(f"{path}?{twice(name)}")
        assert response.status_code == 400, (path, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        assert {"field": name, "message": "give this parameter once"} in [
            {"field": e["field"], "message": e["message"]} for e in body["errors"]
        ]
        assert f"{name}: give this parameter once" in body["detail"]


@pytest.mark.parametrize("name", SESSION_SINGLE)
async def test_session_api(client: AsyncClient, engine: SearchEngine, name: str) -> None:
    response = await client.get(f"/api/sessions/search?{twice(name)}")
    assert response.status_code == 400, response.text
    assert name in {e["field"] for e in response.json()["errors"]}


@pytest.mark.parametrize("name", OFFER_SINGLE)
async def test_offer_pages_and_feed(client: AsyncClient, engine: SearchEngine, name: str) -> None:
    for path in ("/offres", "/"):
        for headers in ({}, {"HX-Request": "true"}):
            response = await client.get(f"{path}?{twice(name)}", headers=headers)
            assert response.status_code == 400, (path, headers)
            errors = texts(parse(response.text), ".notice-error li")
            assert any(e.endswith(": à indiquer une seule fois") for e in errors), errors
    feed = await client.get(f"/offres/flux.atom?{twice(name)}")
    assert feed.status_code == 400
    assert feed.headers["content-type"].startswith("application/problem+json")
    assert "une seule fois" in feed.json()["detail"]


@pytest.mark.parametrize("name", SESSION_SINGLE)
async def test_training_pages(client: AsyncClient, engine: SearchEngine, name: str) -> None:
    for headers in ({}, {"HX-Request": "true"}):
        response = await client.get(f"/formations?{twice(name)}", headers=headers)
        assert response.status_code == 400, headers
        errors = texts(parse(response.text), ".notice-error li")
        assert any(e.endswith(": à indiquer une seule fois") for e in errors), errors


async def test_any_of_filters_and_blank_fields_still_repeat(
    client: AsyncClient, engine: SearchEngine
) -> None:
    query = "massif=jura&massif=vosges&q=&q=serveur"
    for path in ("/api/offers/search", "/api/sessions/search", "/offres", "/formations"):
        assert (await client.get(f"{path}?{query}")).status_code == 200, path
    assert (await client.get(f"/offres/flux.atom?{query}")).status_code == 200
