"""The same alert asked twice at once: one alert, one confirmation e-mail, no 500."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from httpx import AsyncClient

from app.alerts.tables import Alert
from app.core.clock import FrozenClock
from app.emails.tables import EmailOutbox
from tests.integration.emails.conftest import ask_alert

TRIALS = 10


async def test_the_same_alert_twice_at_once_is_one_alert_and_one_email(
    client: AsyncClient, clock: FrozenClock
) -> None:
    for trial in range(TRIALS):
        email = f"double{trial}@example.fr"
        statuses = await asyncio.gather(ask_alert(client, email), ask_alert(client, email))
        # One records the alert and its e-mail; the other finds them: "sent moments ago".
        assert sorted(statuses) == [202, 429], statuses
        assert await Alert.count().where(Alert.email == email) == 1
        assert await EmailOutbox.count().where(EmailOutbox.recipient == email) == 1
        clock.advance(timedelta(hours=1))  # a new window of the per-client rate limit


async def test_two_different_alerts_of_one_address_at_once_are_two(
    client: AsyncClient,
) -> None:
    statuses = await asyncio.gather(
        ask_alert(client, "lea@example.fr", q="perchman"),
        ask_alert(client, "lea@example.fr", q="serveur"),
    )
    assert list(statuses) == [202, 202]
    assert await Alert.count() == 2
    assert await EmailOutbox.count() == 2
