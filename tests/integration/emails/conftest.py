"""E-mail outbox tests: a verified account to reset, the worker's ctx, a queue that fails."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis
from httpx import ASGITransport, AsyncClient

from app.accounts import users
from app.accounts.tables import User
from app.core.clock import FrozenClock
from tests.integration.conftest import close_clients
from tests.integration.web.test_accounts import PASSWORD, post_form
from tests.meilisearch_server import free_port
from tests.smtp_server import SmtpServer
from workers.mail import SmtpMailer

LEA = "lea@example.fr"
# More than the old job's whole retry budget (8 tries, 2 … 256 s: about 4.5 minutes) many
# times over, and still within the reset link's hour.
WELL_PAST_THE_OLD_RETRIES = timedelta(minutes=50)


async def make_account(email: str, clock: FrozenClock) -> User:
    """A verified account (built through the service, as sign-up would)."""
    user = await users.create_user(email, PASSWORD, "Camille", clock.now())
    await User.update({User.email_verified_at: clock.now()}).where(User.id == user.id)
    return user


async def ask_reset(client: AsyncClient, email: str) -> None:
    answer = await post_form(client, "/mot-de-passe-oublie", {"email": email})
    assert answer.status_code == 200, answer.text


async def ask_alert(client: AsyncClient, email: str = LEA, q: str = "perchman") -> int:
    body = {"email": email, "frequency": "daily", "search": {"q": q, "massif": ["vosges"]}}
    answer = await client.post("/api/alerts", json=body)
    return answer.status_code


@pytest.fixture
def worker_ctx(worker_settings: Any, clock: FrozenClock, smtp: SmtpServer) -> dict[str, Any]:
    """What the worker's jobs find in ctx (see workers.settings.startup)."""
    return {
        "settings": worker_settings,
        "clock": clock,
        "mailer": SmtpMailer(worker_settings.mail.smtp_url, worker_settings.mail),
    }


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
    from app.config import get_settings
    from app.main import create_app

    app = create_app(get_settings(), clock)
    app.state.queue = dead_queue
    try:
        async with AsyncClient(
            transport=ASGITransport(app=app),  # type: ignore[arg-type]
            base_url="http://testserver.local",
        ) as http:
            yield http
    finally:
        await close_clients(app)
