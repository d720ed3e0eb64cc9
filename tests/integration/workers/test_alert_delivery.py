"""Alert emails queued by a run survive a worker killed while sending, or a mail server down:
the next run sends each of them, once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import replace
from pathlib import Path

import pytest
from httpx import AsyncClient

from app.alerts import digests
from app.alerts.matching import AlertRunError, match_due_alerts, run_due_alerts
from app.alerts.tables import AlertSend
from app.config import Settings
from app.core.clock import FrozenClock
from app.offers.tables import Offer
from app.outbox.sync import drain_outbox
from search.client import SearchEngine
from tests.integration.conftest import Org
from tests.integration.workers.conftest import RunWorker, listed_titles
from tests.integration.workers.test_alerts import confirm_from_email, cook, subscribe
from tests.meilisearch_server import free_port
from tests.smtp_server import SmtpServer
from workers.alerts import AlertMail
from workers.mail import CaptureMailer, SmtpMailer

ADDRESSES = ("a@example.fr", "b@example.fr", "c@example.fr")
TITLES = ["Cuisinier de brigade, logé", "Second de cuisine logé"]


async def confirmed_alerts_and_offers(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org
) -> None:
    for address in ADDRESSES:
        await subscribe(client, address)
    await run_worker()
    for address in ADDRESSES:
        await confirm_from_email(client, smtp, address)
    for title in TITLES:
        await cook(client, employer, title)


class HangsAfter:
    """The worker's alert mail, frozen after `count` e-mails (as a worker killed mid-run): as
    the next one starts, or with `before_marking`, right after the mail server accepted the
    last of them and before the run could mark its offers sent (the crash window)."""

    def __init__(self, mail: digests.Mail, count: int, before_marking: bool = False) -> None:
        self.mail = mail
        self.count = count
        self.before_marking = before_marking
        self.hanging = asyncio.Event()

    async def hang(self) -> None:
        self.hanging.set()
        await asyncio.Event().wait()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[digests.Send]:
        async with self.mail.session() as send:

            async def send_or_hang(digest: digests.Digest) -> str:
                if self.count == 0:
                    await self.hang()
                self.count -= 1
                message_id = await send(digest)
                if self.count == 0 and self.before_marking:
                    await self.hang()
                return message_id

            yield send_or_hang


async def test_a_worker_killed_while_sending_loses_and_repeats_nothing(
    client: AsyncClient,
    run_worker: RunWorker,
    smtp: SmtpServer,
    employer: Org,
    engine: SearchEngine,
    clock: FrozenClock,
    worker_settings: Settings,
) -> None:
    await confirmed_alerts_and_offers(client, run_worker, smtp, employer)
    await drain_outbox(engine, clock.now)  # the offers are searchable; no alert has run yet
    now = clock.now()

    matched = await match_due_alerts(engine, now)  # step 1 done, then the worker is killed
    assert (matched.run, matched.claimed) == (3, 6)
    assert await AlertSend.count().where(AlertSend.sent_at.is_null()) == 6
    assert not any(smtp.to(a) for a in ADDRESSES)

    mailer = SmtpMailer(worker_settings.mail.smtp_url, worker_settings.mail)
    frozen = HangsAfter(AlertMail(mailer), 1)
    sending = asyncio.create_task(digests.send_pending(worker_settings, now, frozen))
    await frozen.hanging.wait()
    meanwhile = await digests.send_pending(worker_settings, now, AlertMail(mailer))
    assert meanwhile.busy  # one run sends at a time: this one leaves the emails to it
    assert meanwhile.emails == 0
    sending.cancel()  # killed after one email went out and was marked sent
    with suppress(asyncio.CancelledError):
        await sending
    assert sum(len(smtp.to(a)) for a in ADDRESSES) == 1
    assert await AlertSend.count().where(AlertSend.sent_at.is_null()) == 4

    await run_worker("run_alerts")  # the next run sends what waits, and only that
    for address in ADDRESSES:
        [email] = smtp.to(address)
        assert sorted(listed_titles(email.text)) == sorted(TITLES)
    assert await AlertSend.count().where(AlertSend.sent_at.is_null()) == 0

    await run_worker("run_alerts")
    assert sum(len(smtp.to(a)) for a in ADDRESSES) == 3


async def test_a_mail_server_down_keeps_every_email_queued(
    client: AsyncClient,
    run_worker: RunWorker,
    smtp: SmtpServer,
    employer: Org,
    engine: SearchEngine,
    clock: FrozenClock,
    worker_settings: Settings,
) -> None:
    await confirmed_alerts_and_offers(client, run_worker, smtp, employer)
    await drain_outbox(engine, clock.now)
    nowhere = replace(worker_settings.mail, smtp_url=f"smtp://127.0.0.1:{free_port()}")
    down = AlertMail(SmtpMailer(nowhere.smtp_url, nowhere))
    with pytest.raises(AlertRunError, match="cannot be reached"):
        await run_due_alerts(engine, worker_settings, clock.now(), down)
    assert await AlertSend.count().where(AlertSend.sent_at.is_null()) == 6

    await run_worker("run_alerts")
    for address in ADDRESSES:
        [email] = smtp.to(address)
        assert sorted(listed_titles(email.text)) == sorted(TITLES)
    assert await AlertSend.count().where(AlertSend.sent_at.is_null()) == 0


async def test_an_offer_withdrawn_before_its_email_is_not_listed(
    client: AsyncClient,
    run_worker: RunWorker,
    smtp: SmtpServer,
    employer: Org,
    engine: SearchEngine,
    clock: FrozenClock,
) -> None:
    await confirmed_alerts_and_offers(client, run_worker, smtp, employer)
    await drain_outbox(engine, clock.now)
    await match_due_alerts(engine, clock.now())  # queued, not sent yet
    withdrawn = await Offer.select(Offer.id).where(Offer.title == TITLES[1]).first()
    assert withdrawn is not None
    archived = await client.post(f"/api/offers/{withdrawn['id']}/archive", headers=employer.auth)
    assert archived.status_code == 200, archived.text

    await run_worker("run_alerts")
    for address in ADDRESSES:
        [email] = smtp.to(address)
        assert listed_titles(email.text) == [TITLES[0]]
    assert await AlertSend.count() == 3


async def test_without_smtp_alert_emails_are_captured_as_files(
    client: AsyncClient,
    run_worker: RunWorker,
    smtp: SmtpServer,
    employer: Org,
    engine: SearchEngine,
    clock: FrozenClock,
    worker_settings: Settings,
    tmp_path: Path,
) -> None:
    """make run's mailer (no SMTP_URL) needs no connection: each email is an .eml file."""
    await confirmed_alerts_and_offers(client, run_worker, smtp, employer)
    await drain_outbox(engine, clock.now)
    mail = AlertMail(CaptureMailer(tmp_path, worker_settings.mail))
    report = await run_due_alerts(engine, worker_settings, clock.now(), mail)
    assert (report["emails"], report["offers"]) == (3, 6)
    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 3
    assert all(b"Cuisinier de brigade" in f.read_bytes() for f in files)
    assert await AlertSend.count().where(AlertSend.sent_at.is_null()) == 0
