from __future__ import annotations

from httpx import AsyncClient


async def test_health_and_ready(client: AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = await client.get("/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": "ok"}}


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
