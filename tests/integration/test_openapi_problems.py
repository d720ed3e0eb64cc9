"""The OpenAPI documents errors as RFC 9457 problem details, and real errors match it."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
from httpx import AsyncClient, Response

from tests.integration.conftest import Org, make_offer

PROBLEM = "application/problem+json"
REF = "#/components/schemas/ProblemDetails"


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in document["paths"].items()
        if path.startswith("/api/")
        for method, op in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def _validate(document: dict[str, Any], answer: Response, status: int) -> None:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    schema = {"$ref": REF, "components": document["components"]}
    jsonschema_rs.validate(schema, answer.json())
    assert answer.json()["status"] == status


async def test_every_operation_documents_problem_errors(client: AsyncClient) -> None:
    document = (await client.get("/api/docs/openapi.json")).json()
    assert "ProblemDetails" in document["components"]["schemas"]
    operations = _operations(document)
    assert len(operations) > 30
    for method, path, op in operations:
        has_inputs = bool(op.get("parameters")) or "requestBody" in op
        responses = op["responses"]
        expected = {"400"} if has_inputs else set()
        if "{" in path:
            expected.add("404")
        if method != "GET":
            expected |= {"401", "403"}
        if "/search" in path:
            expected.add("503")
        assert expected <= set(responses), (method, path, sorted(responses))
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                content = response["content"]
                assert list(content) == [PROBLEM], (method, path, status)
                assert content[PROBLEM]["schema"] == {"$ref": REF}, (method, path, status)
    assert "ValidationException" not in str(document)
    assert "extra" not in document["components"]["schemas"]["ProblemDetails"]["properties"]


async def test_real_errors_validate_against_the_problem_schema(
    client: AsyncClient, employer: Org
) -> None:
    document = (await client.get("/api/docs/openapi.json")).json()
    _validate(document, await client.get("/api/offers", params={"page": "zero"}), 400)
    _validate(document, await client.post("/api/offers", json={}, headers=employer.auth), 400)
    missing = "/api/offers/00000000-0000-0000-0000-000000000000"
    _validate(document, await client.get(missing), 404)
    offer = await make_offer(client, employer, publish=True)
    again = await client.post(f"/api/offers/{offer['id']}/publish", headers=employer.auth)
    _validate(document, again, 409)
    _validate(document, await client.post("/api/offers", json={}), 401)
