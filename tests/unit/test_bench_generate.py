"""The bench data generator: seeded, realistic skews, every record valid for the domain."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import msgspec
import pytest

from app.alerts.schemas import Frequency, SavedSearch
from app.alerts.services import next_run
from app.core.params import ROME_CODE, SLUG
from app.core.validation import luhn_ok
from app.core.vocabulary import (
    Contract,
    Experience,
    Housing,
    Language,
    Massif,
    Modality,
    OfferStatus,
    PayPeriod,
    Season,
    SessionStatus,
)
from app.offers.schemas import OfferCreate
from app.organisations.schemas import OrganisationCreate
from app.trainings.schemas import SessionCreate, TrainingCreate
from bench.generate import (
    AlertRecord,
    Dataset,
    OfferRecord,
    build,
    mountain_trades,
    places,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
N = 20_000
ALERTS = 5_000


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return build(seed=2026, now=NOW, offers=N, alerts=ALERTS)


@pytest.fixture(scope="module")
def offers(dataset: Dataset) -> list[OfferRecord]:
    return list(dataset.iter_offers())


@pytest.fixture(scope="module")
def alerts(dataset: Dataset) -> list[AlertRecord]:
    return list(dataset.iter_alerts())


def share(counter: Counter[str], *keys: str) -> float:
    return sum(counter[k] for k in keys) / sum(counter.values())


def test_the_same_seed_gives_the_same_data() -> None:
    first = build(seed=7, now=NOW, offers=2_000, alerts=500)
    second = build(seed=7, now=NOW, offers=2_000, alerts=500)
    assert first.organisations == second.organisations
    assert first.trainings == second.trainings
    assert first.sessions == second.sessions
    assert list(first.iter_offers()) == list(second.iter_offers())
    assert list(first.iter_alerts()) == list(second.iter_alerts())


def test_another_seed_gives_other_data() -> None:
    first = build(seed=7, now=NOW, offers=500, alerts=200)
    second = build(seed=8, now=NOW, offers=500, alerts=200)
    assert first.organisations != second.organisations
    assert list(first.iter_offers()) != list(second.iter_offers())
    assert list(first.iter_alerts()) != list(second.iter_alerts())
    assert first.trainings != second.trainings


def test_offers_come_from_an_iterator(dataset: Dataset) -> None:
    """A million offers must not be built in memory at once."""
    offers = dataset.iter_offers()
    assert isinstance(offers, Iterator)
    assert next(offers).slug


def test_most_offers_are_in_the_alps(offers: list[OfferRecord]) -> None:
    massifs = Counter(o.massif for o in offers)
    assert set(massifs) <= {m.value for m in Massif}
    assert 0.40 <= share(massifs, "alpes-nord") <= 0.50
    assert 0.16 <= share(massifs, "alpes-sud") <= 0.25
    assert 0.11 <= share(massifs, "pyrenees") <= 0.19
    assert share(massifs, "alpes-nord", "alpes-sud") >= 0.60
    assert massifs.most_common()[-1][0] == "corse"


def test_mostly_winter(offers: list[OfferRecord]) -> None:
    seasons = Counter(s for o in offers for s in o.seasons)
    winter = seasons["winter"] / len(offers)
    summer = seasons["summer"] / len(offers)
    year_round = seasons["year-round"] / len(offers)
    assert 0.65 <= winter <= 0.78
    assert 0.15 <= summer <= 0.30
    assert 0.07 <= year_round <= 0.13


def test_cooks_and_waiters_are_the_most_common_trades(offers: list[OfferRecord]) -> None:
    trades = Counter(o.trade for o in offers)
    assert {code for code, _ in trades.most_common(2)} == {"G1609", "G1803"}
    # then kitchen porters, housekeepers, receptionists, lift operators, ski instructors …
    assert {"G1605", "G1501", "G1703", "N4402"} <= {c for c, _ in trades.most_common(8)}
    assert share(trades, "G1204") > share(trades, "G1228")


def test_places_lean_towards_big_resorts(offers: list[OfferRecord]) -> None:
    counts = Counter(o.place for o in offers)
    top = [slug for slug, _ in counts.most_common(10)]
    assert len({"les-arcs", "tignes", "val-thorens", "courchevel", "chamonix"} & set(top)) >= 2
    assert len(counts) > 200  # yet small places get offers too


def test_contracts_housing_pay_and_status(offers: list[OfferRecord]) -> None:
    contracts = Counter(o.contract for o in offers)
    assert contracts.most_common(1)[0][0] == "seasonal"
    assert share(contracts, "seasonal") >= 0.7
    housing = Counter(o.housing for o in offers)
    assert 0.35 <= share(housing, "provided") <= 0.45
    periods = Counter(o.pay_period or "none" for o in offers)
    assert share(periods, "month") >= 0.6
    statuses = Counter(o.status for o in offers)
    assert 0.8 <= share(statuses, "published") <= 0.9
    assert {"draft", "expired", "filled"} <= set(statuses)


def test_every_offer_is_valid(offers: list[OfferRecord]) -> None:
    rome = re.compile(ROME_CODE)
    slug = re.compile(SLUG)
    trades = mountain_trades()
    place_massif = {p.slug: p.massif for p in places()}
    slugs: set[str] = set()
    for o in offers:
        assert rome.match(o.trade)
        assert len(o.trade) == 5
        assert o.trade in trades
        assert place_massif[o.place] == o.massif
        assert o.massif in {m.value for m in Massif}
        assert set(o.seasons) <= {s.value for s in Season}
        assert len(set(o.seasons)) == len(o.seasons)
        assert o.contract in {c.value for c in Contract}
        assert o.housing in {h.value for h in Housing}
        assert o.experience in {e.value for e in Experience}
        assert o.status in {s.value for s in OfferStatus}
        assert o.pay_period is None or o.pay_period in {p.value for p in PayPeriod}
        assert set(o.languages) <= {x.value for x in Language}
        assert o.end_date is None or o.start_date <= o.end_date
        assert o.start_date >= NOW.date()
        if o.pay_min is not None and o.pay_max is not None:
            assert o.pay_min <= o.pay_max
        if o.pay_period == "month" and o.contract not in ("apprenticeship", "internship"):
            assert o.pay_min is not None
            assert 1802 <= o.pay_min <= 6000
        assert 300 <= len(o.description) <= 1500, o.description
        assert "lorem" not in o.description.lower()
        assert len(o.title) <= 200
        assert len(o.slug) <= 160
        assert slug.match(o.slug)
        assert o.slug not in slugs
        slugs.add(o.slug)
        if o.status == "draft":
            assert o.published_at is None
            assert o.expires_at is None
        else:
            assert o.published_at is not None
            assert o.expires_at is not None
            assert o.expires_at == o.published_at + timedelta(days=60)
            assert o.created_at <= o.published_at <= NOW
        if o.status in ("published", "filled"):
            assert o.published_at is not None
            assert o.published_at > NOW - timedelta(days=60)
        if o.status == "expired":
            assert o.expires_at is not None
            assert o.expires_at <= NOW
        # What the API would have accepted for this offer.
        msgspec.convert(
            {
                "title": o.title,
                "description": o.description,
                "trade": o.trade,
                "place": o.place,
                "seasons": list(o.seasons),
                "contract": o.contract,
                "start_date": o.start_date,
                "end_date": o.end_date,
                "hours_per_week": o.hours_per_week,
                "pay_min": o.pay_min,
                "pay_max": o.pay_max,
                "pay_period": o.pay_period,
                "housing": o.housing,
                "meals": o.meals,
                "languages": list(o.languages),
                "driving_licence": o.driving_licence,
                "experience": o.experience,
                "positions": o.positions,
                "apply_email": o.apply_email,
                "apply_url": o.apply_url,
            },
            OfferCreate,
        )


def test_descriptions_vary(offers: list[OfferRecord]) -> None:
    sample = offers[:2_000]
    assert len({o.description for o in sample}) == len(sample)
    lengths = sorted(len(o.description) for o in sample)
    assert lengths[len(lengths) // 2] > 600  # realistic, not minimal


def test_organisations_are_valid(dataset: Dataset, offers: list[OfferRecord]) -> None:
    slugs = [o.slug for o in dataset.organisations]
    assert len(set(slugs)) == len(slugs)
    kinds = Counter(o.kind for o in dataset.organisations)
    assert kinds["employer"] == N // 20
    assert kinds["school"] >= 10
    known = {p.slug for p in places()}
    for org in dataset.organisations:
        assert org.place in known
        assert luhn_ok(org.siret)
        msgspec.convert(
            {
                "kind": org.kind,
                "name": org.name,
                "contact_email": org.contact_email,
                "description": org.description,
                "website": org.website,
                "phone": org.phone,
                "place": org.place,
                "siret": org.siret,
                "nda": org.nda,
                "verified": org.verified,
            },
            OrganisationCreate,
        )
    owners = {o.organisation for o in offers}
    assert all(dataset.organisations[i].kind == "employer" for i in owners)


def test_trainings_and_sessions(dataset: Dataset) -> None:
    assert len(dataset.trainings) == 300
    assert 2.5 <= len(dataset.sessions) / len(dataset.trainings) <= 3.5
    slugs = [t.slug for t in dataset.trainings]
    assert len(set(slugs)) == len(slugs)
    for training in dataset.trainings:
        assert dataset.organisations[training.organisation].kind == "school"
        assert training.modality in {m.value for m in Modality}
        msgspec.convert(
            {
                "title": training.title,
                "description": training.description,
                "trade_codes": list(training.trade_codes),
                "duration_hours": training.duration_hours,
                "modality": training.modality,
                "certification_code": training.certification_code,
                "certification_title": training.certification_title,
                "price_excl_vat": training.price_excl_vat,
                "price_incl_vat": training.price_incl_vat,
                "entry_requirements": training.entry_requirements,
                "funding": list(training.funding),
            },
            TrainingCreate,
        )
    for session in dataset.sessions:
        assert session.status in {s.value for s in SessionStatus}
        assert session.start_date <= session.end_date
        assert session.registration_deadline <= session.start_date
        assert session.seats_taken <= session.seats_total
        msgspec.convert(
            {
                "training_id": 1,
                "place": session.place,
                "start_date": session.start_date,
                "end_date": session.end_date,
                "seats_total": session.seats_total,
                "seats_taken": session.seats_taken,
                "registration_deadline": session.registration_deadline,
            },
            SessionCreate,
        )


def test_alerts_hold_valid_saved_searches(alerts: list[AlertRecord]) -> None:
    assert len(alerts) == ALERTS
    facets = ("massif", "season", "trade", "housing", "contract")
    with_facets = 0
    for alert in alerts:
        search = msgspec.convert(alert.search, SavedSearch)
        # Stored as the service stores it: the struct's builtins, defaults left out.
        assert msgspec.to_builtins(search) == alert.search
        count = sum(1 for f in facets if f in alert.search)
        assert count <= 3
        with_facets += count >= 1
        assert search.near is None or search.near in {p.slug for p in places()}
    assert with_facets / len(alerts) >= 0.85
    texts = Counter(a.search.get("q") for a in alerts if "q" in a.search)
    assert {"serveur", "cuisinier", "moniteur"} <= set(texts)
    assert 0.1 <= sum(1 for a in alerts if "near" in a.search) / len(alerts) <= 0.3


def test_alert_frequencies_and_schedule(alerts: list[AlertRecord]) -> None:
    frequencies = Counter(a.frequency for a in alerts)
    assert frequencies["daily"] > frequencies["instant"] > frequencies["weekly"] > 0
    unique = {(a.email, msgspec.json.encode(a.search), a.frequency) for a in alerts}
    assert len(unique) == len(alerts)  # the database's alert_one_per_search index
    confirmed = [a for a in alerts if a.confirmed_at is not None]
    assert 0.8 <= len(confirmed) / len(alerts) <= 0.95
    for alert in confirmed:
        confirmed_at, last, upcoming = alert.confirmed_at, alert.last_run_at, alert.next_run_at
        assert confirmed_at is not None
        assert last is not None
        assert upcoming is not None
        assert alert.created_at <= confirmed_at <= last <= NOW
        assert upcoming == next_run(Frequency(alert.frequency), last)
        assert upcoming >= last
