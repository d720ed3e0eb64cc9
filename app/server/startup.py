"""Start-up shared by the web app, the worker, the CLI and the benches.

One place opens and closes what a process needs (log redaction, settings, the database
pool, the Meilisearch client), so the worker does not import the web app's root.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from piccolo.engine import engine_finder

from app.config import Settings, get_settings
from app.core import redact
from search.client import SearchEngine, open_engine


def prepare_process(settings: Settings | None = None) -> Settings:
    """Install the log redaction (before anything logs) and return the settings."""
    redact.install()
    return settings or get_settings()


async def open_database(settings: Settings) -> bool:
    """Start the connection pool; False when one was already running (e.g. in tests)."""
    engine = engine_finder()
    assert engine is not None
    if getattr(engine, "pool", None) is not None:
        return False
    await engine.start_connection_pool(  # type: ignore[no-untyped-call, call-arg]
        min_size=settings.database.pool_min, max_size=settings.database.pool_max
    )
    return True


async def close_database() -> None:
    engine = engine_finder()
    if engine is not None:
        await engine.close_connection_pool()  # type: ignore[no-untyped-call]


def run_with_database(settings: Settings, job: Coroutine[Any, Any, Any]) -> Any:
    """Run one coroutine of a CLI command with the database pool open."""

    async def main() -> Any:
        opened = await open_database(settings)
        try:
            return await job
        finally:
            if opened:
                await close_database()

    return asyncio.run(main())


def open_search(settings: Settings) -> SearchEngine:
    """The process's one Meilisearch client (the master key stays server-side)."""
    return open_engine(
        settings.search.url, settings.search.master_key, settings.search.index_prefix
    )
