"""Two lifecycle changes of one record as two real HTTP requests at once, each on its own
connection to a live uvicorn server of the app: every answer is 200 or 409 (never 500), a
409 names the state it found, and the end state is one a request asked for (an archived or
filled offer never comes back, a cancelled session stays cancelled). 20 trials a pair."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from httpx import AsyncClient

from app.offers.tables import Offer
from app.trainings.tables import TrainingSession
from tests.integration.conftest import Org, make_offer, session_body, training_body

TRIALS = 20
Call = tuple[str, str, dict[str, Any] | None]  # method, path, JSON body


class Pair:
    """Two clients of the live server with one kept-alive connection each."""

    def __init__(self, first: httpx.AsyncClient, second: httpx.AsyncClient) -> None:
        self.clients = (first, second)

    async def race(self, org: Org, first: Call, second: Call) -> list[httpx.Response]:
        """Both requests at once, each on its own connection."""
        gate = asyncio.Event()

        async def send(client: httpx.AsyncClient, call: Call) -> httpx.Response:
            method, path, body = call
            request = client.build_request(method, path, json=body, headers=org.auth)
            await gate.wait()
            return await client.send(request)

        tasks = [
            asyncio.create_task(send(client, call))
            for client, call in zip(self.clients, (first, second), strict=True)
        ]
        await asyncio.sleep(0)
        gate.set()
        answers = list(await asyncio.gather(*tasks))
        for answer in answers:
            assert answer.status_code in (200, 409), answer.text
        return answers


@pytest.fixture
async def pair(live_server: str) -> AsyncIterator[Pair]:
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with (
        httpx.AsyncClient(base_url=live_server, limits=one, timeout=10) as first,
        httpx.AsyncClient(base_url=live_server, limits=one, timeout=10) as second,
    ):
        for client in (first, second):  # each connection open before the first race
            assert (await client.get("/health")).status_code == 200
        yield Pair(first, second)


def refused_naming(answer: httpx.Response, state: str) -> bool:
    return answer.status_code == 409 and state in answer.json()["detail"]


async def status_of(offer_id: int) -> str:
    row = await Offer.select(Offer.status).where(Offer.id == offer_id).first()
    assert row is not None
    return str(row["status"])


async def test_archive_and_renew(client: AsyncClient, employer: Org, pair: Pair) -> None:
    for _ in range(TRIALS):
        offer_id = (await make_offer(client, employer))["id"]
        archived, renewed = await pair.race(
            employer,
            ("POST", f"/api/offers/{offer_id}/archive", None),
            ("POST", f"/api/offers/{offer_id}/renew", None),
        )
        assert archived.status_code == 200  # allowed from published, renewed or not
        assert renewed.status_code == 200 or refused_naming(renewed, "archived")
        assert await status_of(offer_id) == "archived"


async def test_fill_and_renew(client: AsyncClient, employer: Org, pair: Pair) -> None:
    for _ in range(TRIALS):
        offer_id = (await make_offer(client, employer))["id"]
        filled, renewed = await pair.race(
            employer,
            ("POST", f"/api/offers/{offer_id}/fill", None),
            ("POST", f"/api/offers/{offer_id}/renew", None),
        )
        assert filled.status_code == 200
        assert renewed.status_code == 200 or refused_naming(renewed, "filled")
        assert await status_of(offer_id) == "filled"


async def test_publish_twice(client: AsyncClient, employer: Org, pair: Pair) -> None:
    for _ in range(TRIALS):
        offer_id = (await make_offer(client, employer, publish=False))["id"]
        publish = ("POST", f"/api/offers/{offer_id}/publish", None)
        answers = await pair.race(employer, publish, publish)
        assert sorted(a.status_code for a in answers) == [200, 409]
        assert any(refused_naming(a, "published") for a in answers)
        assert await status_of(offer_id) == "published"


async def test_cancel_and_seats(client: AsyncClient, school: Org, pair: Pair) -> None:
    made = await client.post("/api/trainings", json=training_body(), headers=school.auth)
    assert made.status_code == 201, made.text
    body = session_body(made.json()["id"])
    for _ in range(TRIALS):
        created = await client.post("/api/sessions", json=body, headers=school.auth)
        assert created.status_code == 201, created.text
        session_id = created.json()["id"]
        cancelled, seats = await pair.race(
            school,
            ("POST", f"/api/sessions/{session_id}/cancel", None),
            ("PATCH", f"/api/sessions/{session_id}", {"seats_taken": 12}),
        )
        assert cancelled.status_code == 200
        assert cancelled.json()["status"] == "cancelled"
        assert seats.status_code == 200 or refused_naming(seats, "cancelled")
        row = await TrainingSession.select().where(TrainingSession.id == session_id).first()
        assert row is not None
        assert row["status"] == "cancelled"
        # Applied before the cancel, or refused after it: never half of it.
        assert row["seats_taken"] == (12 if seats.status_code == 200 else 0)
