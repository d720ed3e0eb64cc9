from __future__ import annotations

from typing import Any

from arq.connections import ArqRedis
from httpx import AsyncClient

from app.core.clock import FrozenClock
from app.search_indexes import OFFERS, SESSIONS
from search.client import SearchEngine
from tests.integration.conftest import ADMIN, app_client, settings_with
from tests.meilisearch_server import free_port


async def test_health_and_ready(client: AsyncClient, engine: SearchEngine) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "ok", "search": "ok"},
    }


async def test_ready_refuses_a_wrong_search_key(
    engine: SearchEngine, clock: FrozenClock, queue: ArqRedis
) -> None:
    """Meilisearch's /health answers without a key: readiness must try the key itself."""
    wrong = settings_with(search={"master_key": "not-the-meilisearch-master-key-000"})
    async with app_client(wrong, clock, queue) as http:
        assert (await http.get("/api/offers/search")).status_code == 503
        ready = await http.get("/ready")
        assert (await http.get("/health")).status_code == 200, "liveness calls nothing"
    assert ready.status_code == 503
    body = ready.json()
    assert body["checks"] == {"database": "ok", "redis": "ok", "search": "invalid API key"}
    assert body["detail"] == "search: invalid API key"


async def test_ready_names_each_missing_index(
    engine: SearchEngine, clock: FrozenClock, queue: ArqRedis
) -> None:
    prefix = f"ready-{free_port()}-"
    async with app_client(settings_with(search={"index_prefix": prefix}), clock, queue) as http:
        none = await http.get("/ready")
        # The worker swaps a fully built index in under this name (search/sync.py rebuild).
        await engine.client.create_index(f"{prefix}{OFFERS.name}")  # waits for its task
        try:
            one = await http.get("/ready")
            assert (await http.get("/api/sessions/search")).status_code == 503
        finally:
            task = await engine.client.index(f"{prefix}{OFFERS.name}").delete()
            await engine.client.wait_for_task(task.task_uid)
    assert none.status_code == 503
    assert none.json()["checks"]["search"] == (
        f"index {prefix}{OFFERS.name} missing; index {prefix}{SESSIONS.name} missing"
    )
    assert one.status_code == 503
    assert one.json()["detail"] == f"search: index {prefix}{SESSIONS.name} missing"


async def test_ready_when_search_does_not_answer(
    engine: SearchEngine, clock: FrozenClock, queue: ArqRedis
) -> None:
    nowhere = settings_with(search={"url": f"http://127.0.0.1:{free_port()}"})
    async with app_client(nowhere, clock, queue) as http:
        ready = await http.get("/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"]["search"] == "does not answer"


async def test_a_write_asks_for_a_sync(client: AsyncClient, queue: Any) -> None:
    from app.core.queue import drain_job_id

    key = f"arq:job:{drain_job_id(queue)}"
    await queue.delete(key)
    body = {"kind": "employer", "name": "Hôtel du Lac", "contact_email": "rh@example.fr"}
    response = await client.post("/api/organisations", json=body, headers=ADMIN)
    assert response.status_code == 201
    job = await queue.get(key)
    assert job is not None, "every write is followed by a drain request"
    await queue.delete(key)


async def test_openapi_docs_served(client: AsyncClient) -> None:
    schema = (await client.get("/api/docs/openapi.json")).json()
    assert "/api/offers/{offer_id}/publish" in schema["paths"]
    assert "BearerToken" in schema["components"]["securitySchemes"]
    page = await client.get("/api/docs")
    assert page.status_code == 200
    assert "swagger" in page.text.lower()


async def test_unknown_route_is_a_problem(client: AsyncClient) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
