from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from tests.integration.conftest import ADMIN


async def test_health_and_ready(client: AsyncClient, meilisearch_server: Any) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {
        "status": "ready",
        "checks": {"database": "ok", "redis": "ok", "search": "ok"},
    }


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
