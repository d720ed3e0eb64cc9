"""Reference data through the API: places, trades, vocabularies; the hand-checked resorts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from httpx import AsyncClient

from app.core.vocabulary import Massif

SAMPLE = Path(__file__).resolve().parents[2] / "app" / "places" / "data" / "hand_checked_sample.csv"


def _sample() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_sample_covers_every_massif() -> None:
    rows = _sample()
    assert len(rows) >= 25
    for massif in Massif:
        assert sum(r["massif"] == massif for r in rows) >= 3, massif


@pytest.mark.parametrize("resort", _sample(), ids=lambda r: r["name"])
async def test_hand_checked_resort(client: AsyncClient, resort: dict[str, str]) -> None:
    response = await client.get("/api/places", params={"q": resort["name"], "limit": 100})
    assert response.status_code == 200
    found = [p for p in response.json() if p["name"] == resort["name"]]
    assert found, f"{resort['name']} not found"
    assert found[0]["massif"] == resort["massif"]
    assert found[0]["departement_code"] == resort["departement_code"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("gerardmer", "Gérardmer"),
        ("GÉRARDMER", "Gérardmer"),
        ("val thorens", "Val Thorens"),
        ("meribel", "Méribel"),
        ("courchevel", "Courchevel"),
        ("alpe d'huez", "Alpe d'Huez"),
    ],
)
async def test_find_place_ignores_accents_and_case(
    client: AsyncClient, query: str, expected: str
) -> None:
    places = (await client.get("/api/places", params={"q": query})).json()
    assert places[0]["name"] == expected, [p["name"] for p in places]


async def test_find_place_by_massif_and_slug(client: AsyncClient) -> None:
    corse = (await client.get("/api/places?massif=corse&limit=100")).json()
    assert corse
    assert all(p["massif"] == "corse" for p in corse)
    place = (await client.get("/api/places/val-thorens")).json()
    assert (place["departement_code"], place["massif_label"]) == ("73", "Alpes du Nord")
    assert (await client.get("/api/places/atlantis")).status_code == 404
    # LIKE wildcards in q are plain characters, not "match anything".
    assert (await client.get("/api/places?q=%25zz")).json() == []


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("moniteur de ski", "G1204"),
        ("Moniteur / Monitrice de ski alpin", "G1204"),
        ("perchman", "N4402"),
        ("téléski", "N4402"),
        ("pisteur secouriste", "K1726"),
        ("skiman", "D1211"),
        ("serveuse", "G1803"),
        ("commis de cuisine", "G1602"),
        ("réceptionniste", "G1703"),
    ],
)
async def test_job_title_finds_its_trade(client: AsyncClient, query: str, code: str) -> None:
    trades = (await client.get("/api/trades", params={"q": query})).json()
    assert trades, query
    assert trades[0]["code"] == code, [(t["code"], t["label"]) for t in trades[:5]]


async def test_trades_reference(client: AsyncClient) -> None:
    mountain = (await client.get("/api/trades?mountain=true&limit=100")).json()
    assert len(mountain) >= 15
    assert all(t["mountain"] and t["mountain_label"] for t in mountain)
    detail = (await client.get("/api/trades/g1204")).json()
    assert "Moniteur / Monitrice de ski alpin" in detail["titles"]
    assert (await client.get("/api/trades/Z9999")).status_code == 404


async def test_vocabularies(client: AsyncClient) -> None:
    massifs = (await client.get("/api/massifs")).json()
    assert {"code": "alpes-nord", "label": "Alpes du Nord"} in massifs
    assert len(massifs) == 7
    english = (await client.get("/api/seasons?lang=en")).json()
    assert {"code": "year-round", "label": "Year-round"} in english
    contracts = (await client.get("/api/contracts")).json()
    assert {"code": "seasonal", "label": "CDD saisonnier"} in contracts
    everything = (await client.get("/api/vocabularies")).json()
    assert set(everything) >= {"massif", "season", "contract", "housing", "pay_period"}
    assert (await client.get("/api/massifs?lang=xx")).status_code == 400
