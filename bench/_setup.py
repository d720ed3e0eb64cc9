"""The bench database: load it through bench.generate, and set up each measured scenario.

Everything here writes to the bench database only (its name must contain "bench").
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from random import Random
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench import generate

# Alerts look back to their last run less OVERLAP (app/alerts/matching.py): two hours.
ALERT_LOOKBACK = timedelta(hours=26)


def check_name(url: str) -> str:
    name = generate.database_name(url)
    if "bench" not in name:
        raise SystemExit(f"refusing to use database {name!r}: its name has no 'bench'")
    return name


async def load_dataset(url: str, offers: int, alerts: int, seed: int) -> dict[str, Any]:
    """Create (if missing) and migrate the database, load reference data, then the data set."""
    check_name(url)
    started = time.perf_counter()
    await generate.ensure_database(url)
    await asyncio.to_thread(generate.migrate, url)
    await asyncio.to_thread(generate.seed_reference, url)
    await generate.truncate(url)
    counts = await generate.load(url, offers, alerts, seed)
    return {**counts, "seconds": time.perf_counter() - started}


# What the app shows and indexes (app.offers.services.visible): published, unexpired, of a
# verified organisation.
LIVE = (
    "SELECT o.id FROM offer o JOIN organisation g ON g.id = o.organisation "
    "WHERE o.status = 'published' AND o.expires_at > now() AND g.verified"
)


async def _live_ids(conn: Any) -> list[int]:
    rows = await conn.fetch(f"{LIVE} ORDER BY o.id")
    return [r["id"] for r in rows]


async def live_count(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval(f"SELECT count(*) FROM ({LIVE}) AS live"))
    finally:
        await conn.close()


async def prepare_today(url: str, count: int, seed: int, now: datetime) -> int:
    """Exactly `count` offers published in the 24 hours before `now`, none in the 2 before.

    Offers the generator published in the last 26 hours move back 26 hours (with their
    expiry), so that alerts whose last run was 24 hours ago find exactly the day's offers.
    """
    rng = Random(f"{seed}:bench-today")
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute(
                "UPDATE offer SET published_at = published_at - $2::interval, "
                "expires_at = expires_at - $2::interval "
                "WHERE status = 'published' AND published_at > $1",
                now - ALERT_LOOKBACK,
                ALERT_LOOKBACK,
            )
            ids = await _live_ids(conn)
            chosen = sorted(rng.sample(ids, min(count, len(ids))))
            published = [now - timedelta(seconds=rng.uniform(60, 24 * 3600)) for _ in chosen]
            await conn.execute(
                "UPDATE offer SET published_at = t.at, created_at = t.at, updated_at = t.at, "
                "expires_at = t.at + interval '60 days' "
                "FROM unnest($1::int[], $2::timestamptz[]) AS t(id, at) WHERE offer.id = t.id",
                chosen,
                published,
            )
        return len(chosen)
    finally:
        await conn.close()


async def pending_outbox(conn: Any) -> int:
    return int(await conn.fetchval("SELECT count(*) FROM outbox_event WHERE processed_at IS NULL"))


async def prepare_drain(url: str, count: int, seed: int) -> dict[str, int]:
    """`count` offer changes, each with its outbox row as app.outbox.services.record writes it."""
    rng = Random(f"{seed}:bench-drain")
    conn = await asyncpg.connect(url)
    try:
        before = await pending_outbox(conn)
        ids = await _live_ids(conn)
        chosen = sorted(rng.sample(ids, min(count, len(ids))))
        async with conn.transaction():
            await conn.execute(
                "UPDATE offer SET positions = positions % 8 + 1, updated_at = now() "
                "WHERE id = ANY($1::int[])",
                chosen,
            )
            await conn.execute(
                "INSERT INTO outbox_event (entity, entity_id, operation, created_at) "
                "SELECT 'offer', x, 'upsert', now() FROM unnest($1::bigint[]) AS x",
                chosen,
            )
        return {"changes": len(chosen), "pending_before": before}
    finally:
        await conn.close()


async def prepare_alerts(url: str, last_run: datetime) -> dict[str, int]:
    """Every confirmed alert due now, its last run a day ago; an empty send log."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            await conn.execute("DELETE FROM alert_send")
            status = await conn.execute(
                "UPDATE alert SET last_run_at = $1, next_run_at = now() - interval '1 minute' "
                "WHERE confirmed_at IS NOT NULL",
                last_run,
            )
        due = int(status.split()[-1])
        alerts = int(await conn.fetchval("SELECT count(*) FROM alert"))
        return {"alerts": alerts, "due": due}
    finally:
        await conn.close()


async def prepare_expiry(url: str, count: int, seed: int) -> dict[str, int]:
    """`count` live offers whose expiry passed a minute ago (still in the index)."""
    rng = Random(f"{seed}:bench-expiry")
    conn = await asyncpg.connect(url)
    try:
        before = await pending_outbox(conn)
        ids = await _live_ids(conn)
        chosen = sorted(rng.sample(ids, min(count, len(ids))))
        await conn.execute(
            "UPDATE offer SET expires_at = now() - interval '1 minute' WHERE id = ANY($1::int[])",
            chosen,
        )
        return {"due": len(chosen), "pending_before": before}
    finally:
        await conn.close()


async def server_version(url: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


async def drop_database(url: str) -> None:
    name = check_name(url)
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    conn = await asyncpg.connect(admin)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
