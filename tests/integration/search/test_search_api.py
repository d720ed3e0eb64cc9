"""The search API against a real Meilisearch: facets, filters, typos, synonyms, geo, injection."""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
from httpx import AsyncClient

from app.core.clock import FrozenClock
from app.core.vocabulary import Contract, Housing, Season
from app.offers.search import OFFER_FILTERS
from app.places.tables import Place
from search.client import SearchEngine
from search.contract import UnsafeFilter, part, quote
from tests.integration.conftest import Org, make_org
from tests.integration.search.conftest import offer, sync

PLACES = [
    "val-thorens",
    "meribel",
    "chamrousse",
    "gerardmer",
    "font-romeu",
    "metabief",
    "super-besse",
    "ghisoni",
    "serre-chevalier",
    "les-rousses",
]
TRADES = ["G1803", "G1602", "G1204", "N4402", "G1703", "K1726"]


async def _catalogue(employers: list[Org], clock: FrozenClock) -> list[dict[str, Any]]:
    """Forty varied offers; returns what each one is, to compute expected answers."""
    rng = random.Random(7)
    made = []
    for i in range(40):
        values: dict[str, Any] = {
            "place": rng.choice(PLACES),
            "trade": rng.choice(TRADES),
            "seasons": rng.choice([["winter"], ["summer"], ["winter", "summer"], ["year-round"]]),
            "contract": rng.choice(list(Contract)).value,
            "housing": rng.choice(list(Housing)).value,
            "start_date": date(2026, 12, 1 + i % 28),
            "pay_min": 1700 + 25 * i,
            "pay_max": 2500 + 25 * i,
        }
        org = employers[i % len(employers)]
        row = await offer(org.id, clock, title=f"Offre numéro {i}", **values)
        place = await Place.objects().where(Place.slug == values["place"]).first()
        assert place is not None
        made.append(
            {
                **values,
                "id": row.id,
                "organisation": org.slug,
                "massif": place.massif,
                "departement": place.departement_code,
            }
        )
    # Never public: a draft, and an archived offer.
    await offer(employers[0].id, clock, publish=False, title="Brouillon")
    return made


@pytest.fixture
async def catalogue(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
    employer: Org,
    other_employer: Org,
) -> list[dict[str, Any]]:
    made = await _catalogue([employer, other_employer], clock)
    await sync(engine, clock)
    return made


async def _search(client: AsyncClient, query: str = "", **params: Any) -> dict[str, Any]:
    # httpx would replace the URL's query string with params: put everything in the URL.
    url = "/api/offers/search?page_size=50" + (f"&{query}" if query else "")
    if params:
        url += "&" + urlencode(params)
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _ids(result: dict[str, Any]) -> set[int]:
    return {h["id"] for h in result["hits"]}


def _facet(result: dict[str, Any], name: str) -> dict[str, int]:
    return {f["value"]: f["count"] for f in result["facets"][name]}


def _count(rows: list[dict[str, Any]], key: str) -> dict[str, int]:
    counter: Counter[str] = Counter()
    for row in rows:
        values = row[key] if isinstance(row[key], list) else [row[key]]
        counter.update(values)
    return dict(counter)


async def test_facet_counts_equal_database_counts(
    client: AsyncClient, catalogue: list[dict[str, Any]]
) -> None:
    result = await _search(client)
    assert result["total"] == 40
    for facet, key in [
        ("massif", "massif"),
        ("season", "seasons"),
        ("trade", "trade"),
        ("contract", "contract"),
        ("housing", "housing"),
    ]:
        assert _facet(result, facet) == _count(catalogue, key), facet

    # With filters, a facet's counts ignore its own filter (disjunctive) but obey the others.
    filtered = await _search(client, "massif=alpes-nord&housing=provided")
    in_alps = [r for r in catalogue if r["massif"] == "alpes-nord"]
    housed = [r for r in catalogue if r["housing"] == "provided"]
    both = [r for r in in_alps if r["housing"] == "provided"]
    assert filtered["total"] == len(both)
    assert _facet(filtered, "massif") == _count(housed, "massif")
    assert _facet(filtered, "housing") == _count(in_alps, "housing")
    assert _facet(filtered, "trade") == _count(both, "trade")
    labels = {f["value"]: f["label"] for f in filtered["facets"]["massif"]}
    assert labels.get("alpes-nord") == "Alpes du Nord"


@pytest.mark.parametrize(
    ("query", "keep"),
    [
        ("massif=vosges", lambda r: r["massif"] == "vosges"),
        ("massif=vosges&massif=corse", lambda r: r["massif"] in ("vosges", "corse")),
        ("season=summer", lambda r: "summer" in r["seasons"]),
        (
            "season=summer&season=year-round",
            lambda r: bool({"summer", "year-round"} & set(r["seasons"])),
        ),
        ("trade=G1204", lambda r: r["trade"] == "G1204"),
        ("trade=g1204&trade=N4402", lambda r: r["trade"] in ("G1204", "N4402")),
        ("contract=seasonal", lambda r: r["contract"] == "seasonal"),
        ("housing=provided&housing=help", lambda r: r["housing"] in ("provided", "help")),
        ("departement=73", lambda r: r["departement"] == "73"),
        ("departement=2B&departement=88", lambda r: r["departement"] in ("2B", "88")),
        ("place=meribel", lambda r: r["place"] == "meribel"),
        ("organisation=remontees-du-lac", lambda r: r["organisation"] == "remontees-du-lac"),
        (
            "start_from=2026-12-10&start_to=2026-12-20",
            lambda r: date(2026, 12, 10) <= r["start_date"] <= date(2026, 12, 20),
        ),
        ("pay_min=2200", lambda r: r["pay_min"] >= 2200),
        (
            "massif=alpes-nord&season=winter&housing=provided",
            lambda r: (
                r["massif"] == "alpes-nord"
                and "winter" in r["seasons"]
                and r["housing"] == "provided"
            ),
        ),
        (
            "massif=pyrenees&massif=jura&contract=seasonal&contract=permanent",
            lambda r: (
                r["massif"] in ("pyrenees", "jura") and r["contract"] in ("seasonal", "permanent")
            ),
        ),
    ],
)
async def test_filters(
    client: AsyncClient, catalogue: list[dict[str, Any]], query: str, keep: Any
) -> None:
    expected = {r["id"] for r in catalogue if keep(r)}
    result = await _search(client, query)
    assert _ids(result) == expected
    assert result["total"] == len(expected)


async def test_pagination_is_exact(client: AsyncClient, catalogue: list[dict[str, Any]]) -> None:
    seen: set[int] = set()
    for page in (1, 2, 3):
        result = (await client.get(f"/api/offers/search?page={page}&page_size=15")).json()
        assert (result["total"], result["pages"], result["page"]) == (40, 3, page)
        seen |= _ids(result)
    assert seen == {r["id"] for r in catalogue}
    recent = (await client.get("/api/offers/search?sort=pay&page_size=3")).json()
    assert [h["pay_min"] for h in recent["hits"]] == sorted(
        (r["pay_min"] for r in catalogue), reverse=True
    )[:3]


@pytest.mark.parametrize(
    ("title", "query"),
    [
        ("Moniteur de ski alpin", "monitor de ski"),
        ("Serveuse en brasserie", "serveuze"),
        ("Serveuse en brasserie", "serveur"),
        ("Monitrice de snowboard", "moniteur"),
        ("Agent de remontées mécaniques", "perchman"),
        ("Commis de cuisine d'altitude", "aide de cuisine"),
        ("Plongeur en cuisine d'altitude", "dishwasher"),
        ("Serveuse en brasserie", "Kellner"),
        ("Saisonnier polyvalent", "saison"),
    ],
)
async def test_typos_and_synonyms(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
    employer: Org,
    title: str,
    query: str,
) -> None:
    wanted = await offer(
        employer.id,
        clock,
        title=title,
        trade="G1703",
        description="Une belle saison à la montagne, logé et nourri.",
    )
    await offer(
        employer.id,
        clock,
        title="Comptable",
        trade="M1203",
        description="Tenue de la comptabilité de la société de remontées.",
    )
    await sync(engine, clock)
    result = await _search(client, q=query)
    assert wanted.id in _ids(result), [h["title"] for h in result["hits"]]
    assert result["hits"][0]["title"] == title


def _km(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))


async def test_geo_radius(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, employer: Org
) -> None:
    slugs = [
        "val-thorens",
        "les-menuires",
        "meribel",
        "courchevel",
        "tignes",
        "chamonix",
        "gerardmer",
    ]
    rows = {p.slug: p for p in await Place.objects().where(Place.slug.is_in(slugs))}
    assert set(rows) == set(slugs)
    centre = rows["val-thorens"]
    distances = {s: _km(centre, rows[s]) for s in slugs}
    assert all(abs(d - 20) > 1 for d in distances.values()), "keep clear of the edge"
    made = {s: await offer(employer.id, clock, place=s, title=f"Poste à {s}") for s in slugs}
    await sync(engine, clock)

    result = await _search(client, near="val-thorens", radius_km=20, sort="distance")
    expected = {made[s].id for s, d in distances.items() if d < 20}
    assert _ids(result) == expected
    assert len(expected) >= 3
    assert made["gerardmer"].id not in expected
    ordered = [h["distance_km"] for h in result["hits"]]
    assert ordered == sorted(ordered)
    by_point = await _search(client, lat=centre.latitude, lon=centre.longitude, radius_km=20)
    assert _ids(by_point) == expected


INJECTIONS = [
    'alpes-nord" OR massif = "jura',
    "alpes-nord OR massif EXISTS",
    'x" OR NOT massif = "y',
    "= ",
    "0 TO 99999999999",
    '\\" OR 1=1',
]


@pytest.mark.parametrize(
    "param",
    [
        "massif",
        "season",
        "trade",
        "contract",
        "housing",
        "departement",
        "place",
        "organisation",
        "near",
    ],
)
@pytest.mark.parametrize("value", INJECTIONS)
async def test_injection_is_refused(client: AsyncClient, param: str, value: str) -> None:
    response = await client.get("/api/offers/search", params={param: value})
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == param


async def test_free_text_is_not_filter_syntax(
    client: AsyncClient, catalogue: list[dict[str, Any]]
) -> None:
    for text in ['massif = "jura" OR massif EXISTS', "NOT pyrenees", 'Offre numéro 3"']:
        result = await _search(client, "massif=vosges", q=text)
        assert all(h["place"]["massif"] == "vosges" for h in result["hits"])


def test_filter_values_are_checked_and_quoted() -> None:
    massif = OFFER_FILTERS["massif"]
    assert part(massif, ["vosges", "jura", "jura"]) == 'massif IN ["jura", "vosges"]'
    assert quote('a"b\\c') == '"a\\"b\\\\c"'
    for name, value in [
        ("massif", 'jura" OR "1'),
        ("place", "a b"),
        ("trade", "G1204 OR"),
    ]:
        with pytest.raises(UnsafeFilter):
            part(OFFER_FILTERS[name], [value])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("trade=Z9999", "trade"),
        ("place=atlantis", "place"),
        ("near=atlantis", "near"),
        ("departement=99", "departement"),
        ("organisation=nobody", "organisation"),
        ("season=autumn", "season"),
        ("page_size=500", "page_size"),
        ("radius_km=0", "radius_km"),
        ("sort=distance", "sort"),
        ("lat=45.1", "lon"),
        ("start_from=2027-01-01&start_to=2026-01-01", "start_to"),
    ],
)
async def test_unknown_values_are_400(
    client: AsyncClient, engine: SearchEngine, query: str, field: str
) -> None:
    response = await client.get(f"/api/offers/search?{query}")
    assert response.status_code == 400, response.text
    assert field in {e["field"] for e in response.json()["errors"]}


async def test_highlights_escape_user_text(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, employer: Org
) -> None:
    await offer(employer.id, clock, title="<script>alert(1)</script> Cuisinier")
    await sync(engine, clock)
    hit = (await _search(client, q="cuisinier"))["hits"][0]
    assert hit["title"] == "<script>alert(1)</script> Cuisinier"  # data as stored
    assert hit["highlight"]["title"] == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Cuisinier</mark>"
    )


async def test_session_search(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock
) -> None:
    from tests.integration.conftest import session_body, training_body

    school = await make_org(client, "École de ski du Vercors", kind="school", place="chamrousse")
    training = await client.post("/api/trainings", json=training_body(), headers=school.auth)
    training_id = training.json()["id"]
    for place, seats_taken, start in [
        ("chamrousse", 0, "2027-01-04"),
        ("font-romeu", 12, "2027-02-01"),
    ]:
        body = session_body(
            training_id,
            place=place,
            seats_taken=seats_taken,
            start_date=start,
            end_date="2027-03-01",
        )
        assert (await client.post("/api/sessions", json=body, headers=school.auth)).is_success
    await sync(engine, clock)
    result = (await client.get("/api/sessions/search?q=moniteur")).json()
    assert result["total"] == 2
    assert {f["value"]: f["count"] for f in result["facets"]["status"]} == {"open": 1, "full": 1}
    assert {f["value"] for f in result["facets"]["month"]} == {"2027-01", "2027-02"}
    pyrenees = (await client.get("/api/sessions/search?massif=pyrenees")).json()
    assert [h["place"]["slug"] for h in pyrenees["hits"]] == ["font-romeu"]
    assert pyrenees["hits"][0]["seats_left"] == 0
    assert (await client.get("/api/sessions/search?status=cancelled")).status_code == 400


def test_every_filter_value_set_is_known() -> None:
    assert {s.value for s in Season} == {"winter", "summer", "year-round"}
