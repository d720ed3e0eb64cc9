"""E-mail outbox tests: requests that queue e-mails, an SMTP server down, a queue that fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis
from httpx import AsyncClient

from app.config import get_settings
from app.core.clock import FrozenClock
from tests.integration.conftest import app_client
from tests.integration.web.test_accounts import post_form
from tests.meilisearch_server import free_port
from tests.smtp_server import SmtpServer

LEA = "lea@example.fr"
# More than the old job's whole retry budget (8 tries, 2 … 256 s: about 4.5 minutes) many
# times over, and still within the reset link's hour.
WELL_PAST_THE_OLD_RETRIES = timedelta(minutes=50)


async def ask_reset(client: AsyncClient, email: str) -> None:
    answer = await post_form(client, "/mot-de-passe-oublie", {"email": email})
    assert answer.status_code == 200, answer.text


async def ask_alert(client: AsyncClient, email: str = LEA, q: str = "perchman") -> int:
    body = {"email": email, "frequency": "daily", "search": {"q": q, "massif": ["vosges"]}}
    answer = await client.post("/api/alerts", json=body)
    return answer.status_code


@pytest.fixture
async def dead_queue() -> AsyncIterator[ArqRedis]:
    """A job queue whose Redis does not answer (nothing listens on its port)."""
    pool = ArqRedis(host="127.0.0.1", port=free_port(), socket_connect_timeout=1)
    try:
        yield pool
    finally:
        await pool.aclose()


@pytest.fixture
def smtp_down(smtp: SmtpServer) -> Any:
    """Stop the SMTP server now; it is started again at the end whatever happens."""
    smtp.stop()
    stopped = [True]

    def back() -> None:
        if stopped:
            smtp.start()
            stopped.clear()

    yield back
    back()


@pytest.fixture
async def offline_client(
    clean: None, clock: FrozenClock, dead_queue: ArqRedis
) -> AsyncIterator[AsyncClient]:
    """The app whose job queue does not answer at request time (sessions still work)."""
    async with app_client(get_settings(), clock, dead_queue) as http:
        yield http
