"""Migrations forward from empty and back; reference and demo seeds are idempotent."""

from __future__ import annotations

import secrets
from typing import Any

import asyncpg

from app.core.clock import FrozenClock
from app.places.tables import Place
from app.trades.tables import Trade, TradeTitle
from tests.conftest import (
    NOW,
    TEST_DB_URL,
    create_database,
    drop_database,
    run_migrations,
)

TABLES = {
    "place",
    "trade",
    "trade_title",
    "organisation",
    "offer",
    "training",
    "training_session",
    "outbox_event",
    "api_token",
}


async def _tables(url: str) -> set[str]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await conn.close()
    return {r["tablename"] for r in rows}


async def test_migrations_forwards_and_backwards() -> None:
    name = f"em_migrations_{secrets.token_hex(4)}"
    url = TEST_DB_URL.rsplit("/", 1)[0] + f"/{name}"
    await create_database(name)
    try:
        assert await _tables(url) == set()
        run_migrations(url)
        assert await _tables(url) >= TABLES
        run_migrations(url, "backwards")
        assert await _tables(url) & TABLES == set()
        run_migrations(url)
        assert await _tables(url) >= TABLES
    finally:
        await drop_database(name)


async def test_reference_seed_is_idempotent(database: str) -> None:
    from app.server.seed import load_reference

    before = (await Place.count(), await Trade.count(), await TradeTitle.count())
    counts = await load_reference()
    after = (await Place.count(), await Trade.count(), await TradeTitle.count())
    assert before == after == (counts.places, counts.trades, counts.titles)
    assert counts.trades == 1584
    assert counts.titles == 13120


async def test_demo_seed_is_idempotent(clean: None, clock: Any) -> None:
    from app.demo.services import load_demo
    from app.offers.tables import Offer
    from app.organisations.tables import Organisation
    from app.trainings.tables import Training, TrainingSession

    async def counts() -> tuple[int, ...]:
        return (
            await Organisation.count(),
            await Offer.count(),
            await Training.count(),
            await TrainingSession.count(),
        )

    await load_demo(FrozenClock(NOW), seed=7)
    first = await counts()
    await load_demo(FrozenClock(NOW), seed=7)
    assert await counts() == first
    organisations, offers, trainings, sessions = first
    assert offers >= 200
    assert trainings >= 20
    assert sessions >= 30
    assert organisations >= 40
