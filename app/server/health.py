"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from typing import Any

from arq.connections import ArqRedis
from litestar import Controller, Response, get
from litestar.datastructures import State
from piccolo.engine import engine_finder

from app.search_indexes import ALL
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
    """None when Meilisearch accepts this process's key and holds every index the app
    searches (search/indexes.py ALL, with the deployment's prefix), else the reason
    (SearchEngine.check_indexes)."""
    return await engine.check_indexes([engine.uid(spec) for spec in ALL])


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
        """The process can serve: its database and Redis answer, and Meilisearch accepts its
        key and holds every index the site searches.

        200 `{"status": "ready", "checks": {"database": "ok", "redis": "ok", "search": "ok"}}`;
        503 `{"status": "unavailable", "checks": {..., "search": "index offers missing"},
        "detail": "search: index offers missing"}` naming each failing part ("invalid API
        key", "does not answer", ...). /health stays a liveness check that calls nothing.
        """
        problems = await asyncio.gather(
            check_database(), check_redis(state.queue), check_search(state.search_engine)
        )
        checks = {
            name: problem or "ok"
            for name, problem in zip(("database", "redis", "search"), problems, strict=True)
        }
        failing = [f"{name}: {problem}" for name, problem in checks.items() if problem != "ok"]
        if not failing:
            return Response({"status": "ready", "checks": checks}, status_code=200)
        return Response(
            {"status": "unavailable", "checks": checks, "detail": "; ".join(failing)},
            status_code=503,
        )
