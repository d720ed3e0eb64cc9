"""Every change to an offer or session writes its outbox row in the same transaction."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from httpx import AsyncClient

from app.core.auth import Principal
from app.offers import schemas as offer_schemas
from app.offers import services as offers
from app.outbox.tables import OutboxEvent
from tests.integration.conftest import Org, make_offer, session_body, training_body


async def _events() -> list[tuple[str, int, str]]:
    rows = await OutboxEvent.select(
        OutboxEvent.entity, OutboxEvent.entity_id, OutboxEvent.operation
    ).order_by(OutboxEvent.id)
    return [(r["entity"], r["entity_id"], r["operation"]) for r in rows]


async def test_each_offer_change_writes_one_row(client: AsyncClient, employer: Org) -> None:
    offer = await make_offer(client, employer, publish=False)
    url = f"/api/offers/{offer['id']}"
    await client.patch(url, json={"title": "Plongeur"}, headers=employer.auth)
    for action in ("publish", "renew", "fill", "archive"):
        assert (await client.post(f"{url}/{action}", headers=employer.auth)).status_code == 200
    assert await _events() == [("offer", offer["id"], "upsert")] * 6


async def test_refused_changes_write_nothing(client: AsyncClient, employer: Org) -> None:
    offer = await make_offer(client, employer)
    before = await _events()
    url = f"/api/offers/{offer['id']}"
    await client.patch(url, json={"end_date": "2020-01-01"}, headers=employer.auth)
    await client.post(f"{url}/publish", headers=employer.auth)  # already published: 409
    await client.post("/api/offers", json={"title": "x"}, headers=employer.auth)
    assert await _events() == before


async def test_failed_write_rolls_back_its_outbox_row(
    client: AsyncClient, employer: Org, clock: Any
) -> None:
    """A write that the database itself refuses leaves neither the change nor its outbox row."""
    from piccolo.engine import engine_finder

    offer = await make_offer(client, employer)
    before = await _events()
    engine = engine_finder()
    assert engine is not None
    await engine.run_ddl("ALTER TABLE offer ADD CONSTRAINT test_no_boom CHECK (title <> 'Boom')")
    try:
        principal = Principal(organisation_id=employer.id)
        with pytest.raises(asyncpg.CheckViolationError):
            await offers.update(
                offer["id"], offer_schemas.OfferUpdate(title="Boom"), principal, clock.now()
            )
    finally:
        await engine.run_ddl("ALTER TABLE offer DROP CONSTRAINT test_no_boom")
    assert await _events() == before
    stored = (await client.get(f"/api/offers/{offer['id']}")).json()
    assert stored["title"] == offer["title"]


async def test_session_and_training_changes_are_recorded(client: AsyncClient, school: Org) -> None:
    training = (
        await client.post("/api/trainings", json=training_body(), headers=school.auth)
    ).json()
    session = (
        await client.post("/api/sessions", json=session_body(training["id"]), headers=school.auth)
    ).json()
    await client.patch(
        f"/api/sessions/{session['id']}", json={"seats_taken": 4}, headers=school.auth
    )
    await client.patch(
        f"/api/trainings/{training['id']}", json={"duration_hours": 99}, headers=school.auth
    )
    assert await _events() == [
        ("training", training["id"], "upsert"),
        ("session", session["id"], "upsert"),
        ("session", session["id"], "upsert"),
        ("training", training["id"], "upsert"),
    ]
