"""The crash window, narrowed: a worker killed after the mail server accepted an alert e-mail
and before its offers were marked sent re-sends that one e-mail at the next run, with the
same Message-ID (the same alert and offers); any other e-mail has an id of its own. And the
two senders (one message, a kept-open session) put DKIM-signed messages on the wire."""

from __future__ import annotations

import asyncio
import re
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

import dkim
from httpx import AsyncClient

from app.alerts import digests
from app.alerts.matching import match_due_alerts
from app.alerts.tables import AlertSend
from app.config import Settings, load_settings
from app.core.clock import FrozenClock
from app.outbox.sync import drain_outbox
from search.client import SearchEngine
from tests import dkim_keys
from tests.integration.conftest import Org
from tests.integration.workers.conftest import RunWorker, listed_titles
from tests.integration.workers.test_alert_delivery import (
    ADDRESSES,
    TITLES,
    HangsAfter,
    confirmed_alerts_and_offers,
)
from tests.integration.workers.test_alerts import cook
from tests.smtp_server import Received, SmtpServer
from workers.alerts import AlertMail
from workers.mail import Email, SmtpMailer
from workers.mail_session import open_session

ALERT_ID = re.compile(r"<alert-(\d+)-[0-9a-f]{16}@[^>\s]+>")


def message_id(email: Received) -> str:
    """The Message-ID as it came over the wire."""
    return email.raw_header("Message-ID")


async def test_a_resend_after_a_crash_carries_the_same_message_id(
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
    now = clock.now()
    assert (await match_due_alerts(engine, now)).claimed == 6

    mailer = SmtpMailer(worker_settings.mail.smtp_url, worker_settings.mail)
    killed = HangsAfter(AlertMail(mailer), 1, before_marking=True)
    sending = asyncio.create_task(digests.send_pending(worker_settings, now, killed))
    await killed.hanging.wait()
    sending.cancel()
    with suppress(asyncio.CancelledError):
        await sending
    [(first_address, [in_flight])] = [(a, smtp.to(a)) for a in ADDRESSES if smtp.to(a)]
    assert await AlertSend.count().where(AlertSend.sent_at.is_null()) == 6  # none marked

    await run_worker("run_alerts")
    [first, resent] = smtp.to(first_address)
    assert first is in_flight  # the e-mail in flight at the crash, and only it, went twice...
    assert message_id(resent) == message_id(in_flight)  # ...with the same Message-ID
    assert sorted(listed_titles(resent.text)) == sorted(TITLES)
    others = [m for a in ADDRESSES if a != first_address for m in smtp.to(a)]
    assert len(others) == 2  # each other alert: one e-mail
    ids = {message_id(m) for m in [in_flight, *others]}
    assert len(ids) == 3  # the same offers to other alerts: other ids
    stored = {r["message_id"] for r in await AlertSend.select(AlertSend.message_id)}
    assert stored == ids  # what the send log records is what went out

    await cook(client, employer, "Commis de cuisine logé")
    await drain_outbox(engine, clock.now)
    await run_worker("run_alerts")
    for address in ADDRESSES:
        [*earlier, latest] = smtp.to(address)
        assert listed_titles(latest.text) == ["Commis de cuisine logé"]
        assert alert_of(message_id(latest)) == alert_of(message_id(earlier[0]))
        assert message_id(latest) not in ids  # the same alert, other offers: another id


def alert_of(message_id: str) -> str:
    """The alert a Message-ID names (<alert-{id}-{hash of its offers}@domain>)."""
    match = ALERT_ID.fullmatch(message_id)
    assert match is not None, message_id
    return match.group(1)


async def test_both_senders_put_dkim_signed_messages_on_the_wire(
    smtp: SmtpServer, worker_settings: Settings, tmp_path: Path
) -> None:
    key, record = dkim_keys.key_pair(tmp_path)
    signing = load_settings(
        {"MAIL_FROM": "Emploi Montagne <alertes@emploi-montagne.fr>", **dkim_keys.dkim_env(key)}
    ).mail
    settings = replace(signing, smtp_url=worker_settings.mail.smtp_url)
    mailer = SmtpMailer(settings.smtp_url, settings)
    unsubscribe = "https://www.emploi-montagne.fr/alertes/desabonner?token=" + "x" * 150
    email = Email(
        to="lea@example.fr",
        subject="Votre offre « Cuisinier·ère de brigade, logé·e et nourri·e à Val-d'Isère » expire",
        text="Bonjour,\n\n" + "Saison d'hiver à Méribel, logé·e et nourri·e. " * 20 + "\n",
        html="<p>" + "Saison d'hiver à Méribel, logé·e et nourri·e. " * 20 + "</p>\n",
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    await mailer.send(email)
    async with open_session(mailer) as session:
        await session.send(replace(email, to="paul@example.fr"))
        await session.send(replace(email, to="zoe@example.fr"))

    for address in ("lea@example.fr", "paul@example.fr", "zoe@example.fr"):
        [received] = smtp.to(address)
        assert dkim.verify(received.raw, dnsfunc=dkim_keys.dns(record)), address
        assert received.raw_header("List-Unsubscribe") == f"<{unsubscribe}>"
        lines = received.raw.split(b"\r\n")
        assert all(len(x) <= 78 for x in lines if not x.startswith(b"List-Unsubscribe: "))
        assert received.subject == email.subject
