"""GET /api/offers/search/facet-values: the shared type-ahead finds the trades and places
people type (`monitrice`, `l'alpe`), and one Meilisearch query counts their live offers."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from app.core.clock import FrozenClock
from search.client import SearchEngine
from tests.integration.conftest import Org
from tests.integration.search.conftest import days, offer, sync

URL = "/api/offers/search/facet-values"


@pytest.fixture
async def catalogue(engine: SearchEngine, clock: FrozenClock, employer: Org) -> None:
    """Live offers: two ski instructors at l'Alpe d'Huez, a children's entertainer at Les
    Deux Alpes, a groomer driver at Val Thorens, a bus driver at L'Alpe du Grand Serre, two
    waiters at Val Thorens, a waiter at Gérardmer; a draft ski instructor, counted nowhere."""
    org = employer.id
    for _ in range(2):
        await offer(org, clock, title="Moniteur de ski", trade="G1204", place="alpe-d-huez")
    await offer(org, clock, title="Animateur club enfants", trade="G1203", place="les-deux-alpes")
    await offer(org, clock, title="Conducteur de dameuse", trade="F1303")
    await offer(org, clock, title="Chauffeur skibus", trade="N4103", place="l-alpe-du-grand-serre")
    for _ in range(2):
        await offer(org, clock)
    await offer(org, clock, place="gerardmer")
    await offer(org, clock, publish=False, trade="G1204", place="alpe-d-huez")
    await sync(engine, clock)


async def values(client: AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(URL, params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


@pytest.mark.parametrize(
    ("typed", "code", "count"),
    [
        ("monitrice", "G1204", 2),
        ("moniteur/monitrice", "G1204", 2),
        ("animatrice", "G1203", 1),
        ("conductrice", "F1303", 1),
        ("serveuse", "G1803", 3),
        ("serveur·se", "G1803", 3),
        ("perchman", None, 0),  # a lift operator's trade: no live offer, nothing to offer
    ],
)
async def test_trades_as_people_type_them(
    client: AsyncClient, catalogue: None, typed: str, code: str | None, count: int
) -> None:
    found = await values(client, facet="trade", q=typed)
    if code is None:
        assert found == []
        return
    assert found[0]["value"] == code
    assert found[0]["count"] == count
    assert found[0]["label"]
    # Only trades that live offers hold, each counted.
    assert all(v["count"] > 0 for v in found)


async def test_conductrice_names_both_drivers_most_relevant_first(
    client: AsyncClient, catalogue: None
) -> None:
    found = await values(client, facet="trade", q="conductrice")
    assert [(v["value"], v["count"]) for v in found] == [("F1303", 1), ("N4103", 1)]
    assert found[0]["label"] == "Conducteur·rice de dameuse"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("l'alpe", [("alpe-d-huez", "Alpe d'Huez", 2), ("l-alpe-du-grand-serre", None, 1)]),
        ("l'alpe d'huez", [("alpe-d-huez", "Alpe d'Huez", 2)]),
        ("alpe dhuez", [("alpe-d-huez", "Alpe d'Huez", 2)]),
        ("les 2 alpes", [("les-deux-alpes", "Les Deux Alpes", 1)]),
        ("val torens", [("val-thorens", "Val Thorens", 3)]),
        ("73440", [("val-thorens", "Val Thorens", 3)]),  # Val Thorens' postal code
        ("gerardmer", [("gerardmer", "Gérardmer", 1)]),
    ],
)
async def test_places_as_people_type_them(
    client: AsyncClient,
    catalogue: None,
    typed: str,
    expected: list[tuple[str, str | None, int]],
) -> None:
    found = await values(client, facet="place", q=typed)
    assert [v["value"] for v in found][: len(expected)] == [e[0] for e in expected]
    for value, (_, label, count) in zip(found, expected, strict=False):
        assert value["count"] == count
        if label is not None:
            assert value["label"] == label
    # Places without a live offer (Alpe d'Huez Grand Domaine, Les Deux Alpes' commune …) are
    # left out.
    assert all(v["count"] > 0 for v in found)


async def test_massif_narrows_the_places_and_the_counts(
    client: AsyncClient, catalogue: None
) -> None:
    assert await values(client, facet="place", q="l'alpe", massif="vosges") == []
    found = await values(client, facet="place", q="gerardmer", massif="vosges")
    assert [(v["value"], v["count"]) for v in found] == [("gerardmer", 1)]
    assert await values(client, facet="trade", q="serveuse", massif="vosges") == [
        {"value": "G1803", "label": "Serveur·euse", "count": 1}
    ]


async def test_no_text_gives_the_most_frequent(client: AsyncClient, catalogue: None) -> None:
    found = await values(client, facet="trade")
    assert [(v["value"], v["count"]) for v in found] == [
        ("G1803", 3),
        ("G1204", 2),
        ("F1303", 1),
        ("G1203", 1),
        ("N4103", 1),
    ]
    places = await values(client, facet="place", q="  ")
    assert [(v["value"], v["count"]) for v in places][:2] == [
        ("val-thorens", 3),
        ("alpe-d-huez", 2),
    ]


async def test_nothing_matches_and_expired_offers_do_not_count(
    client: AsyncClient, catalogue: None, clock: FrozenClock
) -> None:
    assert await values(client, facet="trade", q="zzzzqx") == []
    assert await values(client, facet="place", q="zzzzqx") == []
    clock.advance(days(61))  # published with 60 days to live
    assert await values(client, facet="trade", q="monitrice") == []
    assert await values(client, facet="trade") == []


async def test_refuses_an_unknown_facet(client: AsyncClient) -> None:
    response = await client.get(URL, params={"facet": "contract", "q": "cdd"})
    assert response.status_code == 400
