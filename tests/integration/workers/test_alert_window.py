"""The alert runs' fast path against Meilisearch itself: the same offers, in the same order.

Alert runs do not send each saved search to Meilisearch: words are searched once per distinct
text, filters are evaluated in Python (app/alerts/window.py). These tests build a varied
catalogue, index it in the suite's real Meilisearch, and check for a varied set of saved
searches that the alerts' matches are exactly what `search_offers` (the search API) returns
among the offers published since each alert's last run.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from random import Random
from typing import Any

import msgspec
import pytest
from httpx import AsyncClient

from app.alerts.matching import MAX_OFFERS_PER_EMAIL, OVERLAP, match_due_alerts
from app.alerts.schemas import SavedSearch
from app.alerts.services import offer_search
from app.alerts.tables import Alert, AlertSend
from app.alerts.window import NewOffers
from app.core.clock import FrozenClock
from app.offers.search import to_query
from app.search_indexes import OFFERS
from search.client import SearchEngine
from search.contract import MAX_RADIUS_KM, Circle
from search.evaluate import distance_m
from search.queries import search_offers
from tests.integration.conftest import ADMIN, Org, make_org
from tests.integration.search.conftest import offer, sync

TITLES = [
    "Cuisinier de brigade, logé",
    "Commis de cuisine",
    "Serveuse en restaurant d'altitude",
    "Serveur / barman",
    "Femme de chambre",
    "Valet de chambre en hôtel 4 étoiles",
    "Perchiste aux remontées mécaniques",
    "Pisteur secouriste",
    "Moniteur de ski alpin",
    "Monitrice de snowboard",
    "Baby-sitter pour club enfants",
    "Réceptionniste de nuit",
    "Plongeur en restaurant",
    "Conducteur de dameuse",
    "Chef de partie nourri logé",
    "Accompagnateur en montagne",
]
TRADES = ["G1602", "G1803", "G1204", "G1501", "F1303", "K1726", "G1609", "K1303", "G1703"]
PLACES = [
    "val-thorens",
    "les-menuires",
    "courchevel",
    "meribel",
    "tignes",
    "chamrousse",
    "les-deux-alpes",
    "serre-chevalier",
    "risoul",
    "gerardmer",
    "la-bresse",
    "les-rousses",
    "font-romeu",
    "saint-lary",
    "super-besse",
    "ghisoni",
    "val-d-ese",
]
SEASONS = [["winter"], ["summer"], ["winter", "summer"], ["year-round"]]
CONTRACTS = ["seasonal", "seasonal", "fixed-term", "permanent", "apprenticeship", "freelance"]
HOUSING = ["provided", "help", "none"]
PAY = [(1800, 2100, "month"), (12.5, None, "hour"), (28000, 32000, "year"), (None, None, None)]

SEARCHES: list[dict[str, Any]] = [
    {},
    {"q": "cuisinier"},
    {"q": "cuisiner"},  # a typo
    {"q": "serveuse"},  # a synonym of serveur
    {"q": "commis de cuisine"},
    {"q": "femme de chambre"},
    {"q": "perchman"},  # a synonym phrase
    {"q": "moniteur de ski"},
    {"q": "nourri logé"},
    {"q": "Val Thorens"},
    {"q": "de"},  # only a stop word
    {"massif": ["alpes-nord"]},
    {"massif": ["vosges", "corse"]},
    {"season": ["winter"]},
    {"season": ["summer", "year-round"]},
    {"trade": ["G1602"]},
    {"trade": ["G1803", "G1204"]},
    {"contract": ["seasonal", "fixed-term"]},
    {"housing": ["provided"]},
    {"housing": ["provided", "help"], "massif": ["alpes-nord"], "season": ["winter"]},
    {"near": "val-thorens"},
    {"near": "val-thorens", "radius_km": 10},
    {"near": "courchevel", "radius_km": 30},
    {"near": "gerardmer", "radius_km": 50},
    {"lat": 45.2, "lon": 6.3, "radius_km": 60},
    {"departement": ["73"]},
    {"departement": ["2A", "2B", "88"]},
    {"place": ["tignes", "risoul"]},
    {"organisation": ["hotel-des-cimes"]},
    {"start_from": "2026-12-20"},
    {"start_to": "2027-01-15"},
    {"start_from": "2026-12-01", "start_to": "2027-06-30", "massif": ["alpes-nord"]},
    {"pay_min": 1800},
    {"pay_min": 2500, "housing": ["provided"]},
    {"q": "serveur", "massif": ["alpes-nord"], "housing": ["provided"]},
    {"q": "cuisine", "near": "courchevel", "radius_km": 30, "season": ["winter"]},
    {"q": "chambre", "contract": ["seasonal"], "pay_min": 1500},
]


def test_the_searches_cover_every_declared_filter() -> None:
    """The equivalence below runs over every filter the offer contract declares."""
    from app.offers.search import OFFER_FILTERS

    used = {name for search in SEARCHES for name in search}
    declared = {f.name for f in OFFER_FILTERS.filters if f.filters}
    assert declared <= used, declared - used


async def pending_org(client: AsyncClient) -> int:
    body = {"kind": "employer", "name": "Pas encore vérifié", "contact_email": "rh@example.fr"}
    response = await client.post("/api/organisations", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    org_id: int = response.json()["id"]
    return org_id


async def catalogue(client: AsyncClient, engine: SearchEngine, clock: FrozenClock) -> list[int]:
    """Varied offers published ten minutes apart, a few never public; indexed."""
    rng = Random(7)
    employers: list[Org] = [
        await make_org(client, "Hôtel des Cimes", place="val-thorens"),
        await make_org(client, "Remontées du Lac", place="gerardmer"),
    ]
    hidden = await pending_org(client)
    published = []
    for n in range(48):
        pay_min, pay_max, period = rng.choice(PAY)
        values: dict[str, Any] = {
            "title": rng.choice(TITLES),
            "trade": rng.choice(TRADES),
            "place": rng.choice(PLACES),
            "seasons": rng.choice(SEASONS),
            "contract": rng.choice(CONTRACTS),
            "housing": rng.choice(HOUSING),
            "start_date": date(2026, 12, 1) + timedelta(days=rng.randrange(0, 200)),
            "end_date": None,
            "pay_min": pay_min,
            "pay_max": pay_max,
            "pay_period": period,
        }
        organisation = hidden if n % 16 == 5 else employers[n % 2].id
        row = await offer(organisation, clock, publish=n % 12 != 3, **values)
        if n % 16 != 5 and n % 12 != 3:
            published.append(row.id)
        clock.advance(timedelta(minutes=10))
    await sync(engine, clock)
    return published


def saved(values: dict[str, Any]) -> SavedSearch:
    return msgspec.convert(values, SavedSearch)


async def expected(
    engine: SearchEngine, search: SavedSearch, since: datetime, now: datetime
) -> list[int]:
    """What the search API lists, newest first, among offers published after `since`."""
    query = await to_query(
        offer_search(search, published_after=since, sort="recent", page_size=200)
    )
    page = await search_offers(engine, query, now)
    assert page.total == len(page.hits)
    return [hit["id"] for hit in page.hits]


async def test_matches_are_what_the_search_api_returns(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock
) -> None:
    start = clock.now()
    published = await catalogue(client, engine, clock)
    now = clock.now()
    window = await NewOffers.load(engine, start - timedelta(hours=1), now)
    assert sorted(window.ids) == sorted(published)  # pending organisation and drafts: never
    queries = {i: await to_query(offer_search(saved(s))) for i, s in enumerate(SEARCHES)}
    ranks = await window.rank(engine, {q.q for q in queries.values()})
    nonempty = 0
    for i, values in enumerate(SEARCHES):
        matches = window.matches(queries[i], ranks)
        for since in (start - timedelta(hours=1), start + timedelta(hours=3), now):
            want = await expected(engine, saved(values), since, now)
            got = [window.ids[p] for p in matches.first(window.published_after(since), 1000)]
            assert got == want, (values, since)
            nonempty += bool(want)
    assert nonempty > len(SEARCHES)  # the searches do find offers


async def test_each_due_alert_claims_what_its_search_returns(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock
) -> None:
    start = clock.now()
    await catalogue(client, engine, clock)
    now = clock.now()
    # Each search twice, with different last runs: identical searches are grouped.
    last_runs = [start - timedelta(hours=1), start + timedelta(hours=5)]
    rows = []
    for n, values in enumerate(SEARCHES * 2):
        last = last_runs[n // len(SEARCHES)]
        row = Alert(
            email=f"a{n}@example.fr",
            search=msgspec.to_builtins(saved(values)),
            frequency="daily",
            key=f"{n:016x}",
            confirmed_at=start - timedelta(days=1),
            last_run_at=last,
            next_run_at=now - timedelta(minutes=1),
        )
        await row.save()
        rows.append((row.id, values, last))
    report = await match_due_alerts(engine, now)
    assert report.due == report.run == len(rows)
    assert report.searches == len(SEARCHES)
    assert report.failed == []
    for alert_id, values, last in rows:
        want = await expected(engine, saved(values), last - OVERLAP, now)
        claims = (
            await AlertSend.select(AlertSend.offer)
            .where(AlertSend.alert == alert_id)
            .order_by(AlertSend.id)
        )
        assert [c["offer"] for c in claims] == want[:MAX_OFFERS_PER_EMAIL], values
    assert await Alert.count().where(Alert.next_run_at <= now) == 0


@pytest.mark.parametrize("near", ["les-menuires", "courchevel", "gerardmer"])
async def test_a_radius_right_at_an_offer_s_distance(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, near: str
) -> None:
    """On the boundary, to the millimetre, the offer is in exactly when Meilisearch says so
    (for the offers a circle can reach: MAX_RADIUS_KM around the centre)."""
    start = clock.now()
    await catalogue(client, engine, clock)
    now = clock.now()
    window = await NewOffers.load(engine, start - timedelta(hours=1), now)
    centre = await to_query(offer_search(saved({"near": near})))
    assert centre.near is not None
    lat, lng, _ = centre.near.terms()
    distances = [distance_m(lat, lng, d["_geo"]["lat"], d["_geo"]["lng"]) for d in window.documents]
    reachable = [d for d in distances if 1 < d < MAX_RADIUS_KM * 1000]
    checked = 0
    for distance in reachable[:12]:
        for metres in {math.floor(distance), math.ceil(distance), math.floor(distance) - 1}:
            if not 0 < metres <= MAX_RADIUS_KM * 1000:
                continue
            circle = Circle(centre.near.lat, centre.near.lng, metres / 1000)
            result = await engine.index(OFFERS).search(
                None,
                filter=f"{NewOffers.window_filter(window.since, now)} AND {circle.expression()}",
                limit=1000,
                attributes_to_retrieve=["id"],
            )
            theirs = {h["id"] for h in result.hits}
            ours = {window.ids[i] for i in range(len(window)) if window.within(circle) >> i & 1}
            assert ours == theirs, (distance, metres)
            checked += 1
    assert checked >= 12  # Gérardmer reaches four offers: La Bresse's and Les Rousses' (183 km)
