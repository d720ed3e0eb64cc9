"""The places and trades type-ahead, judged: what people type, and the first answer they
should get, through the API and through the site's "près de" box; `near` on a commune."""

from __future__ import annotations

import math

import pytest
from httpx import AsyncClient

from app.core.clock import FrozenClock
from app.places.tables import Place
from search.client import SearchEngine
from tests.integration.conftest import Org
from tests.integration.search.conftest import offer, sync
from tests.integration.web.conftest import parse

# (typed, first place's name, its kind)
PLACES = [
    ("annecy", "Annecy", "commune"),
    ("les 2 alpes", "Les Deux Alpes", "ski-area"),
    ("Les Deux Alpes", "Les Deux Alpes", "ski-area"),
    ("st lary", "Saint-Lary", "ski-area"),
    ("Ste Foy", "Sainte-Foy Tarentaise", "ski-area"),
    ("val d'is", "Val d'Isère", "resort"),
    ("l'alpe d'huez", "Alpe d'Huez", "resort"),
    ("l'alpe", "Alpe d'Huez", "resort"),
    ("d'huez", "Alpe d'Huez", "resort"),
    ("alpe dhuez", "Alpe d'Huez", "resort"),
    ("73150", "Val d'Isère", "resort"),
    ("74000", "Annecy", "commune"),
    ("gerardmer", "Gérardmer", "ski-area"),
    ("val torens", "Val Thorens", "resort"),
    ("meribell", "Méribel", "resort"),
    ("chamonix", "Chamonix", "resort"),
    ("Saint-Lary-Soulan", "Saint-Lary-Soulan", "commune"),
    ("bourg st maurice", "Bourg-Saint-Maurice", "commune"),
]
# (typed, first trade's ROME code)
TRADES = [
    ("monitrice", "G1204"),
    ("moniteur/monitrice", "G1204"),
    ("moniteurs", "G1204"),
    ("animatrice", "G1203"),
    ("conductrice", "F1303"),
    ("conductrice de téléski", "N4402"),
    ("perchman", "N4402"),
    ("serveur.se", "G1803"),
    ("serveur·se", "G1803"),
    ("serveuse", "G1803"),
    ("plongeuse", "G1605"),
    ("cuisinière", "G1609"),
    ("pisteuse", "K1726"),
    ("recepcionniste", "G1703"),
    # The titles in other languages of app/trades/data/trade_titles_i18n.csv.
    ("waiter", "G1803"),
    ("Kellner", "G1803"),
    ("dishwasher", "G1605"),
    ("lift operator", "N4402"),
    ("ski instructor", "G1204"),
    ("Skilehrer", "G1204"),
    ("camarera de pisos", "G1501"),
    ("afwasser", "G1605"),
]


@pytest.mark.parametrize(("typed", "name", "kind"), PLACES, ids=[p[0] for p in PLACES])
async def test_place_typed(client: AsyncClient, typed: str, name: str, kind: str) -> None:
    found = (await client.get("/api/places", params={"q": typed, "limit": 5})).json()
    assert found, typed
    assert (found[0]["name"], found[0]["kind"]) == (name, kind), [p["name"] for p in found]


@pytest.mark.parametrize(("typed", "code"), TRADES, ids=[t[0] for t in TRADES])
async def test_trade_typed(client: AsyncClient, typed: str, code: str) -> None:
    found = (await client.get("/api/trades", params={"q": typed, "limit": 5})).json()
    assert found, typed
    assert found[0]["code"] == code, [(t["code"], t["label"]) for t in found]


async def test_a_commune_carries_its_codes_and_a_resort_links_to_it(client: AsyncClient) -> None:
    annecy = (await client.get("/api/places/annecy")).json()
    assert (annecy["kind"], annecy["insee"], annecy["departement_code"]) == (
        "commune",
        "74010",
        "74",
    )
    assert "74000" in annecy["postal_codes"]
    resort = (await client.get("/api/places/val-thorens")).json()
    commune = (
        await Place.objects().where(Place.insee == resort["insee"], Place.kind == "commune").first()
    )
    assert commune is not None
    assert commune.name == "Les Belleville"
    # Every resort is linked to a commune that is a place.
    unlinked = await Place.raw(
        "SELECT r.slug FROM place r WHERE r.kind <> 'commune' AND NOT EXISTS "
        "(SELECT 1 FROM place c WHERE c.kind = 'commune' AND c.insee = r.insee)"
    )
    assert unlinked == []


async def test_nothing_for_nonsense_and_a_massif_narrows(client: AsyncClient) -> None:
    assert (await client.get("/api/places", params={"q": "zzyzx"})).json() == []
    jura = (await client.get("/api/places", params={"q": "saint", "massif": "jura"})).json()
    assert jura
    assert all(p["massif"] == "jura" for p in jura)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("les 2 alpes", "Les Deux Alpes"),
        ("val torens", "Val Thorens"),
        ("annecy", "Annecy"),
        ("l'alpe d'huez", "Alpe d'Huez"),
        ("73150", "Val d'Isère"),
    ],
)
async def test_site_near_box(
    client: AsyncClient, engine: SearchEngine, typed: str, name: str
) -> None:
    """The site's "près de" box resolves what is typed with the same type-ahead."""
    response = await client.get("/offres", params={"near": typed})
    assert response.status_code == 200
    assert parse(response.text).cssselect("#near")[0].get("value") == name


def _km(a: Place, b: Place) -> float:
    dlat = math.radians(b.latitude - a.latitude)
    dlon = math.radians(b.longitude - a.longitude)
    h = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(a.latitude))
        * math.cos(math.radians(b.latitude))
        * math.sin(dlon / 2) ** 2
    )
    return 6371 * 2 * math.asin(math.sqrt(h))


async def test_near_a_commune(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, employer: Org
) -> None:
    slugs = ["annecy", "la-clusaz", "le-semnoz", "val-thorens", "chamonix"]
    rows = {p.slug: p for p in await Place.objects().where(Place.slug.is_in(slugs))}
    assert set(rows) == set(slugs)
    distances = {s: _km(rows["annecy"], rows[s]) for s in slugs}
    assert all(abs(d - 30) > 2 for d in distances.values()), distances
    made = {s: await offer(employer.id, clock, place=s, title=f"Poste à {s}") for s in slugs}
    await sync(engine, clock)
    response = await client.get("/api/offers/search?near=annecy&radius_km=30")
    assert response.status_code == 200, response.text
    found = {h["id"] for h in response.json()["hits"]}
    expected = {made[s].id for s, d in distances.items() if d < 30}
    assert found == expected
    assert made["annecy"].id in found
    assert made["val-thorens"].id not in found
    site = parse((await client.get("/offres?near=annecy&radius_km=30")).text)
    assert len(site.cssselect("ol.offers > li")) == len(expected)
