"""Promised e-mails are never lost: SMTP down for far longer than the old job's retries, Redis
unreachable at request time, links that expire, refusals, two workers, a crash mid-send."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest
from arq.connections import ArqRedis
from httpx import AsyncClient

from app.core.clock import FrozenClock
from app.emails import services as emails
from app.emails.tables import EmailOutbox
from tests.integration.conftest import RunWorker, confirmed_account, link
from tests.integration.emails.conftest import LEA, ask_alert, ask_reset
from tests.smtp_server import SmtpServer
from workers import emails as email_jobs
from workers.settings import WorkerSettings

RH = "rh@chalet.example"


async def rows() -> dict[str, EmailOutbox]:
    return {r.template: r for r in await EmailOutbox.objects().order_by(EmailOutbox.id)}


async def test_smtp_down_far_past_the_old_retries_then_each_delivered_once(
    client: AsyncClient,
    run_worker: RunWorker,
    smtp: SmtpServer,
    smtp_down: Any,
    clock: FrozenClock,
    worker_ctx: dict[str, Any],
    queue: ArqRedis,
) -> None:
    await confirmed_account(RH, clock)
    await ask_reset(client, RH)
    assert await ask_alert(client) == 202
    assert set(await rows()) == {"password_reset", "alert_confirm"}
    assert "send_emails" in [j.function for j in await queue.queued_jobs()]
    # Asked again: "a confirmation was sent moments ago" is true, the e-mail is recorded.
    assert await ask_alert(client) == 429
    assert await EmailOutbox.count() == 2

    # The worker keeps trying while the server is down: 45 minutes, ten times the old budget.
    for _ in range(10):
        await email_jobs.send_emails(worker_ctx)
        clock.advance(timedelta(minutes=5))
    for row in (await rows()).values():
        waiting: Any = (row.sent_at, row.dropped_at)  # nullable, typed as not null
        assert waiting == (None, None)
        assert row.attempts == 8  # as many as the old job had before it dropped the mail
        assert "unreachable" in (row.last_error or "")
    assert not smtp.handler.received

    smtp_down()  # the server is back
    clock.set(max(r.next_attempt_at for r in (await rows()).values()))
    await run_worker("send_emails")
    await run_worker("send_emails")  # nothing left: nothing sent twice
    [reset] = smtp.to(RH)
    [confirmation] = smtp.to(LEA)
    sent = await rows()
    for row, mail in ((sent["password_reset"], reset), (sent["alert_confirm"], confirmation)):
        assert row.sent_at == clock.now()
        assert row.message_id == mail.message["Message-ID"]
        assert row.message_id == emails.message_id(row.id, worker_ctx["settings"])
        assert row.context in ({}, "{}")  # no live link kept once sent
    # The links still work: the reset within its hour, the alert's within its week.
    new_password = await client.get(link(reset.text, "/mot-de-passe/nouveau"))
    assert new_password.status_code == 200
    assert (await client.get(link(confirmation.text, "/alertes/confirmer"))).status_code == 200


async def test_redis_unreachable_at_request_time_the_sweep_delivers(
    offline_client: AsyncClient,
    run_worker: RunWorker,
    smtp: SmtpServer,
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await confirmed_account(RH, clock)
    with caplog.at_level(logging.WARNING):
        await ask_reset(offline_client, RH)
        assert await ask_alert(offline_client) == 202
    assert "could not ask for the e-mails to be sent" in caplog.text
    assert await emails.waiting() == 2

    await run_worker()  # nothing was enqueued: nothing sent
    assert not smtp.handler.received
    await run_worker("send_emails")  # what the sweep runs
    assert len(smtp.to(RH)) == 1
    assert len(smtp.to(LEA)) == 1
    assert await emails.waiting() == 0


def test_the_sweep_runs_every_few_seconds() -> None:
    [sweep] = [c for c in WorkerSettings.cron_jobs if c.coroutine is email_jobs.send_emails_cron]
    assert sweep.minute is None
    assert sweep.hour is None
    assert isinstance(sweep.second, set)
    assert len(sweep.second) >= 4


async def test_a_mail_whose_link_expired_is_dropped_with_a_reason_and_can_be_asked_again(
    client: AsyncClient,
    smtp: SmtpServer,
    smtp_down: Any,
    clock: FrozenClock,
    worker_ctx: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await confirmed_account(RH, clock)
    await ask_reset(client, RH)
    assert await ask_alert(client) == 202
    await email_jobs.send_emails(worker_ctx)  # SMTP down: both wait
    clock.advance(timedelta(hours=2))  # the reset link (1 h) expired, the alert's (7 days) not
    smtp_down()
    with caplog.at_level(logging.WARNING):
        report = await email_jobs.send_emails(worker_ctx)
    assert report == {"sent": 1, "deferred": 0, "dropped": 1}
    dropped = (await rows())["password_reset"]
    assert dropped.dropped_at == clock.now()
    assert (dropped.drop_reason or "").startswith("its link expired at")
    assert f"e-mail {dropped.id} (password_reset) dropped: its link expired" in caplog.text
    assert not smtp.to(RH)
    assert len(smtp.to(LEA)) == 1

    await ask_reset(client, RH)  # the person asks again
    await email_jobs.send_emails(worker_ctx)
    [reset] = smtp.to(RH)
    assert (await client.get(link(reset.text, "/mot-de-passe/nouveau"))).status_code == 200


async def test_a_permanent_refusal_drops_and_a_deferral_backs_off(
    client: AsyncClient, smtp: SmtpServer, clock: FrozenClock, worker_ctx: dict[str, Any]
) -> None:
    smtp.handler.refuse.add(LEA)
    smtp.handler.defer["paul@example.fr"] = 2
    assert await ask_alert(client) == 202
    assert await ask_alert(client, "paul@example.fr") == 202
    await email_jobs.send_emails(worker_ctx)
    by_to = {r.recipient: r for r in await EmailOutbox.objects()}
    refused, deferred = by_to[LEA], by_to["paul@example.fr"]
    assert refused.dropped_at == clock.now()
    assert "refused by the mail server" in (refused.drop_reason or "")
    assert deferred.next_attempt_at == clock.now() + timedelta(seconds=5)

    clock.advance(timedelta(seconds=5))
    await email_jobs.send_emails(worker_ctx)
    [deferred] = await EmailOutbox.objects().where(EmailOutbox.recipient == "paul@example.fr")
    state: Any = (deferred.attempts, deferred.sent_at)
    assert state == (2, None)
    assert deferred.next_attempt_at == clock.now() + timedelta(seconds=10)
    clock.advance(timedelta(seconds=9))
    assert (await email_jobs.send_emails(worker_ctx))["sent"] == 0  # not due yet
    clock.advance(timedelta(seconds=1))
    assert (await email_jobs.send_emails(worker_ctx))["sent"] == 1
    clock.advance(timedelta(days=1))
    await email_jobs.send_emails(worker_ctx)
    assert len(smtp.to("paul@example.fr")) == 1
    assert not smtp.to(LEA)  # refused once, never tried again


def test_retries_double_from_seconds_to_a_cap() -> None:
    delays = [emails.retry_delay(n).total_seconds() for n in range(1, 12)]
    assert delays[:4] == [5, 10, 20, 40]
    assert max(delays) == delays[-1] == 15 * 60


async def test_two_workers_at_once_send_each_mail_once(
    client: AsyncClient, smtp: SmtpServer, clock: FrozenClock, worker_ctx: dict[str, Any]
) -> None:
    addresses = [f"person{i}@example.fr" for i in range(24)]
    async with emails.transaction(None):
        for address in addresses:
            await emails.queue("account_exists", address, _exists_context(), clock.now())
    reports = await asyncio.gather(
        email_jobs.send_emails(dict(worker_ctx)), email_jobs.send_emails(dict(worker_ctx))
    )
    assert sum(r["sent"] for r in reports) == len(addresses)
    assert sorted(len(smtp.to(a)) for a in addresses) == [1] * len(addresses)


async def test_a_crash_mid_send_resends_with_the_same_message_id(
    client: AsyncClient, smtp: SmtpServer, clock: FrozenClock, worker_ctx: dict[str, Any]
) -> None:
    async with emails.transaction(None):
        await emails.queue("account_exists", LEA, _exists_context(), clock.now())
    send = email_jobs.sender(worker_ctx)

    async def accepted_then_killed(mail: emails.Outgoing) -> str:
        await send(mail)  # the server accepted it …
        raise asyncio.CancelledError  # … and the worker died before recording it

    with pytest.raises(asyncio.CancelledError):
        await emails.send_due(clock, worker_ctx["settings"], accepted_then_killed)
    [row] = await EmailOutbox.objects()
    sent_at: Any = row.sent_at
    assert sent_at is None  # its lock went with the transaction: sent again
    await email_jobs.send_emails(worker_ctx)
    first, again = smtp.to(LEA)
    assert first.message["Message-ID"] == again.message["Message-ID"]
    [row] = await EmailOutbox.objects()
    assert row.message_id == first.message["Message-ID"]


def _exists_context() -> dict[str, str]:
    return {
        "sign_in_url": "http://testserver.local/connexion",
        "reset_url": "http://testserver.local/mot-de-passe-oublie",
    }
