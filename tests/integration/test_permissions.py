"""Permission matrix: no token / another organisation / owner / admin on every write endpoint.

Only the owner and the admin succeed, and a refused change leaves the data as it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from httpx import AsyncClient

from tests.integration.conftest import (
    ADMIN,
    Org,
    make_offer,
    make_org,
    offer_body,
    session_body,
    training_body,
)


@dataclass
class Target:
    method: str
    url: str
    body: dict[str, Any] | None
    snapshot: str  # a URL whose admin view must not change when the call is refused


Setup = Callable[[AsyncClient, Org], Awaitable[Target]]


async def _training(client: AsyncClient, school: Org) -> dict[str, Any]:
    response = await client.post("/api/trainings", json=training_body(), headers=school.auth)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _session(client: AsyncClient, school: Org) -> dict[str, Any]:
    training = await _training(client, school)
    response = await client.post(
        "/api/sessions", json=session_body(training["id"]), headers=school.auth
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def update_organisation(client: AsyncClient, owner: Org) -> Target:
    url = f"/api/organisations/{owner.id}"
    return Target("PATCH", url, {"description": "Nouvelle description"}, url)


async def create_token(client: AsyncClient, owner: Org) -> Target:
    url = f"/api/organisations/{owner.id}/tokens"
    return Target("POST", url, {"label": "intégration"}, url)


async def list_tokens(client: AsyncClient, owner: Org) -> Target:
    url = f"/api/organisations/{owner.id}/tokens"
    return Target("GET", url, None, url)


async def revoke_token(client: AsyncClient, owner: Org) -> Target:
    created = await client.post(
        f"/api/organisations/{owner.id}/tokens", json={"label": "à révoquer"}, headers=ADMIN
    )
    token_id = created.json()["id"]
    return Target(
        "DELETE",
        f"/api/organisations/{owner.id}/tokens/{token_id}",
        None,
        f"/api/organisations/{owner.id}/tokens",
    )


async def create_offer(client: AsyncClient, owner: Org) -> Target:
    return Target("POST", "/api/offers", offer_body(organisation_id=owner.id), "/api/offers")


async def update_offer(client: AsyncClient, owner: Org) -> Target:
    offer = await make_offer(client, owner)
    url = f"/api/offers/{offer['id']}"
    return Target("PATCH", url, {"title": "Titre changé"}, url)


def offer_action(action: str, publish: bool) -> Setup:
    async def setup(client: AsyncClient, owner: Org) -> Target:
        offer = await make_offer(client, owner, publish=publish)
        url = f"/api/offers/{offer['id']}"
        return Target("POST", f"{url}/{action}", None, url)

    setup.__name__ = f"{action}_offer"
    return setup


async def create_training(client: AsyncClient, owner: Org) -> Target:
    return Target(
        "POST", "/api/trainings", training_body(organisation_id=owner.id), "/api/trainings"
    )


async def update_training(client: AsyncClient, owner: Org) -> Target:
    training = await _training(client, owner)
    url = f"/api/trainings/{training['id']}"
    return Target("PATCH", url, {"duration_hours": 200}, url)


async def create_session(client: AsyncClient, owner: Org) -> Target:
    training = await _training(client, owner)
    return Target("POST", "/api/sessions", session_body(training["id"]), "/api/sessions")


async def update_session(client: AsyncClient, owner: Org) -> Target:
    session = await _session(client, owner)
    url = f"/api/sessions/{session['id']}"
    return Target("PATCH", url, {"seats_taken": 3}, url)


async def cancel_session(client: AsyncClient, owner: Org) -> Target:
    session = await _session(client, owner)
    url = f"/api/sessions/{session['id']}"
    return Target("POST", f"{url}/cancel", None, url)


EMPLOYER_ENDPOINTS: list[Setup] = [
    update_organisation,
    create_token,
    list_tokens,
    revoke_token,
    create_offer,
    update_offer,
    offer_action("publish", publish=False),
    offer_action("renew", publish=True),
    offer_action("fill", publish=True),
    offer_action("archive", publish=True),
]
SCHOOL_ENDPOINTS: list[Setup] = [
    create_training,
    update_training,
    create_session,
    update_session,
    cancel_session,
]


async def _call(client: AsyncClient, target: Target, headers: dict[str, str] | None) -> Any:
    kwargs: dict[str, Any] = {"headers": headers or {}}
    if target.body is not None:
        kwargs["json"] = target.body
    return await client.request(target.method, target.url, **kwargs)


async def _check_matrix(client: AsyncClient, setup: Setup, owner: Org, stranger: Org) -> None:
    target = await setup(client, owner)
    before = (await client.get(target.snapshot, headers=ADMIN)).json()
    for headers, status in [
        (None, 401),
        ({"Authorization": "Bearer not-a-real-token"}, 401),
        ({"Authorization": "Basic abc"}, 401),
        (stranger.auth, 403),
    ]:
        response = await _call(client, target, headers)
        assert response.status_code == status, (setup.__name__, headers, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        after = (await client.get(target.snapshot, headers=ADMIN)).json()
        assert after == before, f"{setup.__name__}: a refused call changed the data"

    owned = await _call(client, target, owner.auth)
    assert owned.status_code < 300, (setup.__name__, owned.text)

    target = await setup(client, owner)
    as_admin = await _call(client, target, ADMIN)
    assert as_admin.status_code < 300, (setup.__name__, as_admin.text)


@pytest.mark.parametrize("setup", EMPLOYER_ENDPOINTS, ids=lambda s: s.__name__)
async def test_employer_endpoints(
    client: AsyncClient, employer: Org, other_employer: Org, setup: Setup
) -> None:
    await _check_matrix(client, setup, employer, other_employer)


@pytest.mark.parametrize("setup", SCHOOL_ENDPOINTS, ids=lambda s: s.__name__)
async def test_school_endpoints(client: AsyncClient, school: Org, setup: Setup) -> None:
    other_school = await make_org(client, "Académie du Vercors", kind="school")
    await _check_matrix(client, setup, school, other_school)


async def test_only_admin_creates_organisations(client: AsyncClient, employer: Org) -> None:
    body = {"kind": "employer", "name": "ESF Test", "contact_email": "esf@example.fr"}
    assert (await client.post("/api/organisations", json=body)).status_code == 401
    refused = await client.post("/api/organisations", json=body, headers=employer.auth)
    assert refused.status_code == 403
    listing = (await client.get("/api/organisations")).json()
    assert [o["name"] for o in listing["items"]] == ["Hôtel des Cimes"]
    assert (await client.post("/api/organisations", json=body, headers=ADMIN)).status_code == 201


async def test_only_staff_verifies(client: AsyncClient) -> None:
    pending = await client.post(
        "/api/organisations",
        json={"kind": "employer", "name": "Chalet en attente", "contact_email": "a@b.fr"},
        headers=ADMIN,
    )
    org = pending.json()
    token = await client.post(
        f"/api/organisations/{org['id']}/tokens", json={"label": "t"}, headers=ADMIN
    )
    own = {"Authorization": f"Bearer {token.json()['token']}"}
    url = f"/api/organisations/{org['id']}"
    refused = await client.patch(url, json={"verified": True}, headers=own)
    assert refused.status_code == 403
    assert (await client.get(url, headers=own)).json()["verified"] is False
    assert (await client.get(url)).status_code == 404  # not public until verified
    done = await client.patch(url, json={"verified": True}, headers=ADMIN)
    assert done.json()["verified"] is True


async def test_revoked_token_stops_working(client: AsyncClient, employer: Org) -> None:
    created = await client.post(
        f"/api/organisations/{employer.id}/tokens", json={"label": "temp"}, headers=employer.auth
    )
    token = created.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.post("/api/offers", json=offer_body(), headers=headers)).status_code == 201
    revoke = await client.delete(
        f"/api/organisations/{employer.id}/tokens/{created.json()['id']}", headers=employer.auth
    )
    assert revoke.status_code == 204
    assert (await client.post("/api/offers", json=offer_body(), headers=headers)).status_code == 401
    tokens = (await client.get(f"/api/organisations/{employer.id}/tokens", headers=ADMIN)).json()
    assert "temp" not in [t["label"] for t in tokens]
    assert all("token" not in t for t in tokens), "a token's value is shown once only"
