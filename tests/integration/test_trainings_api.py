"""Trainings and sessions through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from tests.integration.conftest import Org, session_body, training_body


async def _create_training(client: AsyncClient, school: Org, **kw: Any) -> dict[str, Any]:
    response = await client.post("/api/trainings", json=training_body(**kw), headers=school.auth)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_training_round_trip(client: AsyncClient, school: Org) -> None:
    training = await _create_training(client, school, trade_codes=["g1204", "G1204", "K1726"])
    assert training["trade_codes"] == ["G1204", "K1726"]
    assert training["organisation"]["id"] == school.id
    assert training["price_incl_vat"] == 3840.0
    fetched = await client.get(f"/api/trainings/{training['id']}")
    assert fetched.json() == training
    patched = await client.patch(
        f"/api/trainings/{training['id']}",
        json={"modality": "blended", "funding": ["opco"]},
        headers=school.auth,
    )
    assert patched.status_code == 200
    assert (patched.json()["modality"], patched.json()["funding"]) == ("blended", ["opco"])
    listing = (await client.get("/api/trainings?trade=K1726&modality=blended")).json()
    assert [t["id"] for t in listing["items"]] == [training["id"]]
    assert (await client.get("/api/trainings?trade=G1803")).json()["total"] == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"trade_codes": ["Z9999"]}, "trade_codes"),
        ({"trade_codes": []}, "trade_codes"),
        ({"price_excl_vat": 1000, "price_incl_vat": 900}, "price_incl_vat"),
        ({"certification_code": "ABC123"}, "certification_code"),
        ({"certification_code": None}, "certification_code"),
        ({"modality": "hybrid"}, "modality"),
        ({"duration_hours": 0}, "duration_hours"),
        ({"funding": ["lottery"]}, "funding"),
    ],
)
async def test_invalid_training(
    client: AsyncClient, school: Org, overrides: dict[str, Any], field: str
) -> None:
    response = await client.post(
        "/api/trainings", json=training_body(**overrides), headers=school.auth
    )
    assert response.status_code == 400, response.text
    assert field in {e["field"] for e in response.json()["errors"]}
    assert (await client.get("/api/trainings")).json()["total"] == 0


async def test_an_employer_cannot_offer_trainings(client: AsyncClient, employer: Org) -> None:
    response = await client.post("/api/trainings", json=training_body(), headers=employer.auth)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "organisation_id"


async def test_session_round_trip_and_status(client: AsyncClient, school: Org, clock: Any) -> None:
    training = await _create_training(client, school)
    created = await client.post(
        "/api/sessions", json=session_body(training["id"], seats_total=2), headers=school.auth
    )
    assert created.status_code == 201, created.text
    session = created.json()
    assert (session["status"], session["seats_left"]) == ("open", 2)
    assert session["training"]["organisation"]["id"] == school.id
    assert session["place"]["massif"] == "alpes-nord"
    url = f"/api/sessions/{session['id']}"

    full = await client.patch(url, json={"seats_taken": 2}, headers=school.auth)
    assert (full.json()["status"], full.json()["seats_left"]) == ("full", 0)
    freed = await client.patch(url, json={"seats_taken": 1}, headers=school.auth)
    assert freed.json()["status"] == "open"

    clock.advance(timedelta(days=30))  # past the 15 December deadline
    closed = await client.patch(url, json={"seats_taken": 0}, headers=school.auth)
    assert closed.json()["status"] == "closed"

    cancelled = await client.post(f"{url}/cancel", headers=school.auth)
    assert cancelled.json()["status"] == "cancelled"
    assert (await client.post(f"{url}/cancel", headers=school.auth)).status_code == 409

    listing = await client.get(f"/api/sessions?training={training['id']}&status=cancelled")
    assert listing.json()["total"] == 1
    assert (await client.get("/api/sessions?massif=corse")).json()["total"] == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2026-12-01"}, "end_date"),
        ({"registration_deadline": "2027-01-10"}, "registration_deadline"),
        ({"seats_taken": 13}, "seats_taken"),
        ({"seats_total": 0}, "seats_total"),
        ({"place": "nowhere"}, "place"),
        ({"training_id": 424242}, "training_id"),
    ],
)
async def test_invalid_session(
    client: AsyncClient, school: Org, overrides: dict[str, Any], field: str
) -> None:
    training = await _create_training(client, school)
    body = {**session_body(training["id"]), **overrides}
    response = await client.post("/api/sessions", json=body, headers=school.auth)
    assert response.status_code == 400, response.text
    assert field in {e["field"] for e in response.json()["errors"]}
    assert (await client.get("/api/sessions")).json()["total"] == 0
