"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from typing import Any

from arq.connections import ArqRedis
from litestar import Controller, Response, get
from litestar.datastructures import State
from piccolo.engine import engine_finder

from search.client import SearchEngine


async def check_database() -> str | None:
    """None when the database answers, else the reason."""
    try:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl("SELECT 1")
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return f"{type(exc).__name__}: {exc}"
    return None


async def check_search(engine: SearchEngine) -> str | None:
    try:
        health = await engine.client.health()
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return f"{type(exc).__name__}: {exc}"
    return None if health.status == "available" else f"status {health.status}"


async def check_redis(queue: ArqRedis | None) -> str | None:
    if queue is None:
        return "not connected"
    try:
        await queue.ping()
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return f"{type(exc).__name__}: {exc}"
    return None


class HealthController(Controller):
    tags = ["health"]
    include_in_schema = True

    @get("/health", operation_id="health", cache=False)
    async def health(self) -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok"}

    @get("/ready", operation_id="ready", cache=False)
    async def ready(self, state: State) -> Response[dict[str, Any]]:
        """The process can serve: its database, Redis and the search engine answer."""
        problems = await asyncio.gather(
            check_database(), check_redis(state.queue), check_search(state.search_engine)
        )
        checks = {
            name: problem or "ok"
            for name, problem in zip(("database", "redis", "search"), problems, strict=True)
        }
        ok = all(v == "ok" for v in checks.values())
        return Response(
            {"status": "ready" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )
