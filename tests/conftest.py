"""Test set-up: a database of the suite's own, the app over it, a clock, and data factories.

The environment is set here, before anything imports the app's settings.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from app.core.clock import FrozenClock

ROOT = Path(__file__).resolve().parent.parent
BASE_DB_URL = os.environ.get("TEST_DATABASE_URL") or os.environ.get(
    "DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TEST_DB_NAME = f"em_test_{os.getpid()}_{secrets.token_hex(3)}"
_parts = urlsplit(BASE_DB_URL)
TEST_DB_URL = urlunsplit(_parts._replace(path=f"/{TEST_DB_NAME}"))
ADMIN_DB_URL = urlunsplit(_parts._replace(path="/postgres"))

from tests.meilisearch_server import MeilisearchServer, free_port  # noqa: E402

MEILISEARCH_KEY = "test-meilisearch-master-key-0123456789"
MEILISEARCH_PORT = free_port()
REDIS_PREFIX = f"em-test-{os.getpid()}"
# The live server's Redis (browser and fuzz tests): the configured server, database 14, so
# that the jobs it enqueues never reach a development worker.
LIVE_SERVER_REDIS = urlunsplit(
    urlsplit(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))._replace(path="/14")
)

os.environ.update(
    {
        "MEILISEARCH_URL": f"http://127.0.0.1:{MEILISEARCH_PORT}",
        "MEILISEARCH_MASTER_KEY": MEILISEARCH_KEY,
        "APP_ENV": "test",
        "DATABASE_URL": TEST_DB_URL,
        "ADMIN_API_TOKEN": "test-admin-token",
        "SECRET_KEY": "test-secret-key-0123456789-0123456789",
        "ENV_FILE": str(ROOT / "tests" / "no.env"),
        "MAIL_CAPTURE_DIR": str(ROOT / "test-artifacts" / "mail"),
        # Keys of the suite's own (removed by `clean`); the search API is not limited here,
        # the rate-limit tests set their own limits.
        "REDIS_KEY_PREFIX": REDIS_PREFIX,
        "SEARCH_RATE_PER_MINUTE": "0",
    }
)

ADMIN_TOKEN = "test-admin-token"
DATA_TABLES = (
    "audit_event",
    "invitation",
    "membership",
    "app_user",
    "alert",
    "api_token",
    "outbox_event",
    "email_outbox",
    "training_session",
    "training",
    "offer",
    "organisation",
)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def run_migrations(database_url: str, direction: str = "forwards") -> None:
    args = [str(Path(sys.executable).parent / "piccolo"), "migrations", direction, "all"]
    if direction == "backwards":
        args.append("--auto_agree")
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or "Error" in result.stdout:
        raise RuntimeError(f"migrations {direction} failed:\n{result.stdout}\n{result.stderr}")


async def create_database(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_DB_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(ADMIN_DB_URL)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name
        )
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[str]:
    """The suite's own database: migrated, with reference data, dropped at the end."""
    from app.config import get_settings
    from app.server.seed import load_reference
    from app.server.startup import close_database, open_database

    await create_database(TEST_DB_NAME)
    try:
        run_migrations(TEST_DB_URL)
        await open_database(get_settings())
        await load_reference()
        yield TEST_DB_URL
    finally:
        await close_database()
        await drop_database(TEST_DB_NAME)


@pytest.fixture
async def clean(database: str) -> None:
    """Each test starts with no organisations, offers, trainings, sessions, tokens or outbox."""
    from piccolo.engine import engine_finder

    engine = engine_finder()
    assert engine is not None
    await engine.run_ddl(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE")
    await forget_redis_keys()


async def forget_redis_keys() -> None:
    """Sessions and rate-limit counters of the suite (its own key prefix) from earlier tests."""
    from redis.asyncio import Redis

    from app.config import get_settings

    for url in (get_settings().redis.url, LIVE_SERVER_REDIS):
        client = Redis.from_url(url)
        try:
            keys = [k async for k in client.scan_iter(match=f"{REDIS_PREFIX}:*", count=1000)]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture(scope="session")
def meilisearch_server() -> Iterator[MeilisearchServer]:
    """The suite's own Meilisearch, on a free port with a data folder of its own."""
    server = MeilisearchServer(MEILISEARCH_KEY, port=MEILISEARCH_PORT)
    server.start()
    try:
        yield server
    finally:
        server.remove()
