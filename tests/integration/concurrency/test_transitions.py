"""Two lifecycle changes of one record at once, over two connections of the pool: one wins,
the other applies to what the first left or is refused with a 409 naming the state it found.
An archived or filled offer, or a cancelled session, never comes back. 20 trials a pair."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any

from httpx import AsyncClient

from app.accounts import users
from app.accounts.users import SignedIn
from app.core.auth import Principal
from app.core.clock import FrozenClock
from app.core.errors import Conflict
from app.moderation.services import unpublish_offer
from app.offers import services as offers
from app.offers.tables import Offer
from app.outbox.tables import OutboxEvent
from app.trainings import schemas as training_schemas
from app.trainings import services as trainings
from app.trainings.tables import TrainingSession
from tests.integration.conftest import Org, make_offer, session_body, training_body

TRIALS = 20
ADMIN = Principal(organisation_id=None, admin=True)
Step = Awaitable[Any]


async def race(first: Step, second: Step) -> list[Any]:
    """Both at once, each in its own task (so on its own connection): results or Conflicts."""
    gate = asyncio.Event()

    async def run(step: Step) -> Any:
        await gate.wait()
        try:
            return await step
        except Conflict as refused:
            return refused

    tasks = [asyncio.create_task(run(first)), asyncio.create_task(run(second))]
    await asyncio.sleep(0)
    gate.set()
    return list(await asyncio.gather(*tasks))


def refused_as(result: Any, *states: str) -> bool:
    return isinstance(result, Conflict) and result.found in states and result.found in result.detail


async def offer_in(client: AsyncClient, org: Org, status: str = "published") -> int:
    offer = await make_offer(client, org, publish=status != "draft")
    return int(offer["id"])


async def status_of(offer_id: int) -> str:
    row = await Offer.select(Offer.status).where(Offer.id == offer_id).first()
    assert row is not None
    return str(row["status"])


async def test_archive_and_renew(client: AsyncClient, employer: Org, clock: FrozenClock) -> None:
    now = clock.now()
    for _ in range(TRIALS):
        offer_id = await offer_in(client, employer)
        archived, renewed = await race(
            offers.archive(offer_id, ADMIN, now),
            offers.renew(offer_id, None, ADMIN, now, 60),
        )
        assert not isinstance(archived, Conflict)  # allowed from published
        assert not isinstance(renewed, Conflict) or refused_as(renewed, "archived")
        assert await status_of(offer_id) == "archived"


async def test_fill_and_renew(client: AsyncClient, employer: Org, clock: FrozenClock) -> None:
    now = clock.now()
    for _ in range(TRIALS):
        offer_id = await offer_in(client, employer)
        filled, renewed = await race(
            offers.mark_filled(offer_id, ADMIN, now),
            offers.renew(offer_id, None, ADMIN, now, 60),
        )
        assert not isinstance(filled, Conflict)
        assert not isinstance(renewed, Conflict) or refused_as(renewed, "filled")
        assert await status_of(offer_id) == "filled"


async def test_publish_twice(client: AsyncClient, employer: Org, clock: FrozenClock) -> None:
    now = clock.now()
    for _ in range(TRIALS):
        offer_id = await offer_in(client, employer, "draft")
        results = await race(
            offers.publish(offer_id, None, ADMIN, now, 60),
            offers.publish(offer_id, None, ADMIN, now, 60),
        )
        assert sum(isinstance(r, Conflict) for r in results) == 1
        assert any(refused_as(r, "published") for r in results)
        assert await status_of(offer_id) == "published"
        # One publication, one outbox row for it (plus the creation's).
        events = await OutboxEvent.count().where(
            (OutboxEvent.entity == "offer") & (OutboxEvent.entity_id == offer_id)
        )
        assert events == 2


async def test_unpublish_and_renew(client: AsyncClient, employer: Org, clock: FrozenClock) -> None:
    now = clock.now()
    staff = await users.create_user("moderation@example.fr", "Mot-de-passe-solide-42", "M", now)
    moderator = SignedIn(staff.id, staff.email, "", True, ())
    for _ in range(TRIALS):
        offer_id = await offer_in(client, employer)
        unpublished, renewed = await race(
            unpublish_offer(offer_id, "Annonce incomplète", moderator, now),
            offers.renew(offer_id, None, ADMIN, now, 60),
        )
        assert not isinstance(unpublished, Conflict)
        assert not isinstance(renewed, Conflict) or refused_as(renewed, "draft")
        assert await status_of(offer_id) == "draft"


async def test_expire_and_renew(client: AsyncClient, employer: Org, clock: FrozenClock) -> None:
    for _ in range(TRIALS):
        clock.set(clock.now() - timedelta(days=61))
        offer_id = await offer_in(client, employer)
        clock.set(clock.now() + timedelta(days=61))  # past its expiry, not yet expired
        now = clock.now()
        expired, renewed = await race(
            offers.expire(offer_id, now),
            offers.renew(offer_id, None, ADMIN, now, 30),
        )
        # Renewal is allowed from published and from expired: it always wins in the end.
        assert not isinstance(renewed, Conflict)
        assert expired in (True, False)
        row = await Offer.select(Offer.status, Offer.expires_at).where(Offer.id == offer_id)
        assert row[0]["status"] == "published"
        assert row[0]["expires_at"] == now + timedelta(days=30)


async def _session(client: AsyncClient, school: Org, **overrides: Any) -> int:
    training = await client.post("/api/trainings", json=training_body(), headers=school.auth)
    assert training.status_code == 201, training.text
    created = await client.post(
        "/api/sessions", json=session_body(training.json()["id"], **overrides), headers=school.auth
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


async def test_cancel_and_seats(client: AsyncClient, school: Org, clock: FrozenClock) -> None:
    for _ in range(TRIALS):
        session_id = await _session(client, school)
        cancelled, seats = await race(
            trainings.cancel_session(session_id, ADMIN, clock),
            trainings.update_session(
                session_id, training_schemas.SessionUpdate(seats_taken=12), ADMIN, clock
            ),
        )
        assert not isinstance(cancelled, Conflict)
        assert not isinstance(seats, Conflict) or refused_as(seats, "cancelled")
        row = await TrainingSession.objects().where(TrainingSession.id == session_id).first()
        assert row is not None
        assert row.status == "cancelled"


async def test_close_and_seats(client: AsyncClient, school: Org, clock: FrozenClock) -> None:
    """Both apply, one after the other: the end state holds both changes, its status worked
    out from both (full: every seat taken, whatever the deadline)."""
    for seats_taken, expected in ((12, "full"), (5, "closed")):
        for _ in range(TRIALS // 2):
            session_id = await _session(client, school)
            closed, seats = await race(
                trainings.close_registrations(session_id, ADMIN, clock),
                trainings.update_session(
                    session_id,
                    training_schemas.SessionUpdate(seats_taken=seats_taken),
                    ADMIN,
                    clock,
                ),
            )
            assert not isinstance(closed, Conflict)
            assert not isinstance(seats, Conflict)
            row = await TrainingSession.objects().where(TrainingSession.id == session_id).first()
            assert row is not None
            assert row.seats_taken == seats_taken
            assert row.registration_deadline == clock.now().date() - timedelta(days=1)
            assert row.status == expected


async def test_a_cancelled_session_takes_no_change(
    client: AsyncClient, school: Org, clock: FrozenClock
) -> None:
    session_id = await _session(client, school)
    cancelled = await client.post(f"/api/sessions/{session_id}/cancel", headers=school.auth)
    assert cancelled.status_code == 200
    seats = await client.patch(
        f"/api/sessions/{session_id}", json={"seats_taken": 3}, headers=school.auth
    )
    assert seats.status_code == 409
    assert "cancelled" in seats.json()["detail"]
    close = await client.post(f"/api/sessions/{session_id}/close", headers=school.auth)
    assert close.status_code == 409
