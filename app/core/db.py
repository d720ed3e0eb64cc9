"""Plain asyncpg connections of Piccolo's engine, for bulk statements (the alert runs')."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine import engine_finder


@asynccontextmanager
async def connection() -> AsyncIterator[Any]:
    """A connection of the engine's pool (or a new one when no pool runs), all to oneself."""
    engine: Any = engine_finder()
    assert engine is not None
    pool = getattr(engine, "pool", None)
    if pool is not None:
        async with pool.acquire() as conn:
            yield conn
        return
    conn = await engine.get_new_connection()
    try:
        yield conn
    finally:
        await conn.close()


def affected(status: str) -> int:
    """The row count of a command tag such as "INSERT 0 12" or "UPDATE 3"."""
    return int(status.rsplit(" ", 1)[-1])
