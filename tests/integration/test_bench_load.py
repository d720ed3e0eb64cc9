"""The bench loader COPYs a seeded data set into the suite's migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from app.alerts.services import saved_search
from app.alerts.tables import Alert
from app.offers.services import visible
from app.offers.tables import Offer
from app.organisations.tables import Organisation
from app.outbox.tables import OutboxEvent
from app.trainings.tables import Training, TrainingSession
from bench.generate import load

TABLES = (Alert, TrainingSession, Training, Offer, Organisation)  # children first


async def _max_ids() -> dict[str, int]:
    ids: dict[str, int] = {}
    for table in TABLES:
        row = await table.select(table.id).order_by(table.id, ascending=False).first()
        ids[table._meta.tablename] = row["id"] if row else 0
    return ids


@pytest.fixture
async def loaded(database: str, clean: None) -> AsyncIterator[dict[str, int]]:
    """2 000 offers and 500 alerts loaded; afterwards only the rows loaded here are deleted."""
    before = await _max_ids()
    try:
        yield await load(database, offers=2_000, alerts=500, seed=11, trainings=40)
    finally:
        for table in TABLES:
            await table.delete().where(table.id > before[table._meta.tablename])


async def test_load_writes_every_record(loaded: dict[str, int]) -> None:
    assert loaded["offers"] == await Offer.count() == 2_000
    assert loaded["alerts"] == await Alert.count() == 500
    assert loaded["organisations"] == await Organisation.count()
    assert loaded["employers"] == await Organisation.count().where(Organisation.kind == "employer")
    assert loaded["trainings"] == await Training.count() == 40
    assert loaded["sessions"] == await TrainingSession.count()
    assert 2.5 <= loaded["sessions"] / loaded["trainings"] <= 3.5
    assert await OutboxEvent.count() == 0  # benchmarks reindex explicitly


async def test_the_published_offers_are_the_visible_ones(loaded: dict[str, int]) -> None:
    now = datetime.now(UTC)
    published = await Offer.count().where(Offer.status == "published")
    assert 0.8 <= published / loaded["offers"] <= 0.92
    # Offers of organisations staff have not verified yet are published but not public.
    of_verified = await Offer.count().where(
        (Offer.status == "published") & Offer.organisation._.verified.eq(True)
    )
    assert await Offer.count().where(visible(now)) == of_verified
    assert 0.5 * published <= of_verified < published
    rows = await Offer.select(Offer.trade.code, Offer.trade.mountain, Offer.place.massif).where(
        visible(now)
    )
    assert all(r["trade.mountain"] for r in rows)
    alps = sum(1 for r in rows if r["place.massif"] in ("alpes-nord", "alpes-sud"))
    assert alps / len(rows) >= 0.55


async def test_alerts_read_back_as_saved_searches(loaded: dict[str, int]) -> None:
    rows = await Alert.objects().order_by(Alert.id).limit(200)
    searches = [saved_search(row) for row in rows]
    assert any(s.massif for s in searches)
    assert any(s.q for s in searches)
