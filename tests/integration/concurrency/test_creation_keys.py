"""A site form's one-time creation key: two submits at once make one offer, training or
session (both answered with it); the key of another organisation's record is a 409."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
import pytest
from httpx import AsyncClient

from app.core.auth import Principal
from app.core.clock import FrozenClock
from app.core.creation import new_key
from app.core.errors import Conflict
from app.offers import schemas as offer_schemas
from app.offers import services as offers
from app.offers.tables import Offer
from app.trainings import schemas as training_schemas
from app.trainings import services as trainings
from app.trainings.tables import Training, TrainingSession
from tests.integration.conftest import Org, make_org, offer_body, session_body, training_body


async def test_an_offer_submitted_twice_at_once_is_one(
    client: AsyncClient, employer: Org, other_employer: Org, clock: FrozenClock
) -> None:
    data = msgspec.convert(offer_body(), offer_schemas.OfferCreate)
    key = new_key()

    def create(org: Org) -> Any:
        return offers.create(data, Principal(org.id), clock.now(), creation_key=key)

    made = await asyncio.gather(create(employer), create(employer))
    assert made[0].id == made[1].id
    assert await Offer.count().where(Offer.creation_key == key) == 1
    with pytest.raises(Conflict, match="creation_key"):
        await create(other_employer)
    assert await Offer.count().where(Offer.creation_key == key) == 1


async def test_a_training_submitted_twice_at_once_is_one(
    client: AsyncClient, school: Org, clock: FrozenClock
) -> None:
    other_school = await make_org(client, "École du Col", kind="school", place="chamrousse")
    data = msgspec.convert(training_body(), training_schemas.TrainingCreate)
    key = new_key()

    def create(org: Org) -> Any:
        return trainings.create_training(data, Principal(org.id), clock.now(), creation_key=key)

    made = await asyncio.gather(create(school), create(school))
    assert made[0].id == made[1].id
    assert await Training.count().where(Training.creation_key == key) == 1
    with pytest.raises(Conflict, match="creation_key"):
        await create(other_school)
    assert await Training.count().where(Training.creation_key == key) == 1


async def test_a_session_submitted_twice_at_once_is_one(
    client: AsyncClient, school: Org, clock: FrozenClock
) -> None:
    other_school = await make_org(client, "École du Col", kind="school", place="chamrousse")
    ours, theirs = [
        await trainings.create_training(
            msgspec.convert(training_body(), training_schemas.TrainingCreate),
            Principal(org.id),
            clock.now(),
        )
        for org in (school, other_school)
    ]
    key = new_key()

    def create(org: Org, training_id: int) -> Any:
        data = msgspec.convert(session_body(training_id), training_schemas.SessionCreate)
        return trainings.create_session(data, Principal(org.id), clock, creation_key=key)

    made = await asyncio.gather(create(school, ours.id), create(school, ours.id))
    assert made[0].id == made[1].id
    assert await TrainingSession.count().where(TrainingSession.creation_key == key) == 1
    with pytest.raises(Conflict, match="creation_key"):
        await create(other_school, theirs.id)
    assert await TrainingSession.count().where(TrainingSession.creation_key == key) == 1
