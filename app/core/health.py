"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from piccolo.engine import engine_finder


async def check_database() -> str | None:
    """None when the database answers, else the reason."""
    try:
        engine = engine_finder()
        assert engine is not None
        await engine.run_ddl("SELECT 1")
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
    async def ready(self) -> Response[dict[str, Any]]:
        """The process can serve: its database (and later Redis and search) answer."""
        checks: dict[str, str] = {}
        problem = await check_database()
        checks["database"] = problem or "ok"
        ok = all(v == "ok" for v in checks.values())
        return Response(
            {"status": "ready" if ok else "unavailable", "checks": checks},
            status_code=200 if ok else 503,
        )
