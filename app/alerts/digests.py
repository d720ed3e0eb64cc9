"""Sending what alert runs queued: one email per alert listing its offers claimed, not yet sent.

One run sends at a time (an advisory lock: a run that finds it taken leaves the emails to the
run that holds it, which looks again for waiting emails before it ends). Alerts with waiting
claims are taken by batches by a few senders side by side, each with one connection to the
mail server for all its emails and one database connection; each email's claims are marked
sent (and committed) as soon as the mail server accepted it. An address refused for good
loses this run's offers (as if nothing matched); a mail server that says "later" leaves the
claims waiting for the next run; one that cannot be reached stops the sending.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from app.alerts.services import digest_links
from app.config import Settings
from app.core.catalogue import label
from app.core.db import connection
from app.core.delivery import MailServerDown, Undeliverable
from app.organisations.tables import IS_PUBLIC_SQL

log = logging.getLogger(__name__)

MAX_OFFERS_PER_EMAIL = 30
SEND_BATCH = 100  # alerts a sender takes at a time
SENDERS = 2  # connections to the mail server at once
# Held by the run that sends ("alrt", 0). Released at the end, or with the connection's reset
# or closing when the run fails or is cancelled.
SENDING_LOCK = (0x616C7274, 0)

WAITING = "SELECT DISTINCT alert FROM alert_send WHERE sent_at IS NULL ORDER BY alert"
ALERTS = """
SELECT id, email, key, frequency FROM alert
WHERE id = ANY($1::int[]) AND confirmed_at IS NOT NULL ORDER BY id
"""
CLAIMS = """
SELECT alert, offer FROM alert_send WHERE alert = ANY($1::int[]) AND sent_at IS NULL ORDER BY id
"""
OFFERS = f"""
SELECT o.id, o.slug, o.title, o.start_date, o.end_date, o.pay_min, o.pay_max, o.pay_period,
       o.housing, g.name AS employer, p.name AS place, p.massif
FROM offer o JOIN organisation g ON g.id = o.organisation JOIN place p ON p.id = o.place
WHERE o.id = ANY($1::int[]) AND o.status = 'published' AND o.expires_at > $2
  AND {IS_PUBLIC_SQL.format("g")}
"""
MARK_SENT = """
UPDATE alert_send SET sent_at = $3, message_id = $4
WHERE alert = $1 AND offer = ANY($2::int[]) AND sent_at IS NULL
"""
FORGET = "DELETE FROM alert_send WHERE alert = $1 AND offer = ANY($2::int[]) AND sent_at IS NULL"


@dataclass(frozen=True)
class Digest:
    """One alert email: to whom, the offers it lists, its links, its Message-ID."""

    alert_id: int
    email: str
    frequency: str
    offers: list[dict[str, Any]]
    urls: dict[str, str]
    message_id: str


def alert_message_id(alert_id: int, offer_ids: Iterable[int], domain: str) -> str:
    """The Message-ID of the alert email listing these offers: the same for the same alert
    and offers, so the one email a crash can repeat (accepted by the mail server, not yet
    marked sent) goes again with the same id, which mail clients show once."""
    listed = ",".join(str(offer) for offer in sorted(offer_ids)).encode()
    return f"<alert-{alert_id}-{hashlib.sha256(listed).hexdigest()[:16]}@{domain}>"


# The Message-ID; Undeliverable when refused for good, MailServerDown when it cannot be reached.
Send = Callable[[Digest], Awaitable[str]]


class Mail(Protocol):
    def session(self) -> AbstractAsyncContextManager[Send]:
        """One connection to the mail server for many emails."""
        ...


@dataclass
class SendReport:
    waiting: int = 0  # alerts with claims waiting
    emails: int = 0
    offers: int = 0
    undeliverable: int = 0
    failed: int = 0  # emails left waiting for the next run
    server_down: bool = False
    complete: bool = True  # False: stopped at its budget, emails left waiting
    busy: bool = False  # another run was sending: the emails are its


def offer_line(row: Any, base_url: str) -> dict[str, Any]:
    """What an alert email shows of an offer."""
    bounds = (row["pay_min"], row["pay_max"])
    amounts = [f"{float(v):,.0f}".replace(",", " ") for v in bounds if v is not None]
    pay = None
    if amounts:
        pay = f"{' – '.join(amounts)} € {label('pay_period', row['pay_period'] or '')}"
    start: date = row["start_date"]
    return {
        "title": row["title"],
        "employer": row["employer"],
        "place": row["place"],
        "massif": label("massif", row["massif"]),
        "start_date": start,
        "end_date": row["end_date"],
        "pay": pay,
        "housing": label("housing", row["housing"]),
        "url": f"{base_url}/offres/{row['slug']}",
    }


class _Run:
    def __init__(self, settings: Settings, now: datetime, mail: Mail, deadline: float):
        self.settings = settings
        self.now = now
        self.mail = mail
        self.deadline = deadline
        self.batches: list[list[int]] = []
        self.taken: set[int] = set()  # alerts this run took: at most one email each
        self.lines: dict[int, dict[str, Any] | None] = {}  # offer → its lines; None: not live
        self.report = SendReport()

    @property
    def stopping(self) -> bool:
        if self.report.server_down:
            return True
        if time.monotonic() > self.deadline:
            self.report.complete = False
            return True
        return False

    def take(self, waiting: list[int]) -> None:
        fresh = [a for a in waiting if a not in self.taken]
        self.taken.update(fresh)
        self.report.waiting += len(fresh)
        self.batches = [fresh[i : i + SEND_BATCH] for i in range(0, len(fresh), SEND_BATCH)]

    async def sender(self) -> None:
        async with self.mail.session() as send, connection() as conn:
            while self.batches and not self.stopping:
                batch = self.batches.pop(0)
                try:
                    await self.batch(conn, send, batch)
                except Exception as exc:  # logged with its reason; these emails wait
                    log.warning("alert emails failed: %s: %s", type(exc).__name__, exc)
                    self.report.failed += len(batch)
                    return  # this connection may be unusable; the others go on

    async def batch(self, conn: Any, send: Send, alert_ids: list[int]) -> None:
        alerts = await conn.fetch(ALERTS, alert_ids)
        if not alerts:
            return
        claims: dict[int, list[int]] = {}
        for row in await conn.fetch(CLAIMS, [a["id"] for a in alerts]):
            claims.setdefault(row["alert"], []).append(row["offer"])
        unknown = list({o for offers in claims.values() for o in offers} - self.lines.keys())
        if unknown:
            found = {r["id"]: r for r in await conn.fetch(OFFERS, unknown, self.now)}
            base = self.settings.site.base_url
            for offer_id in unknown:
                row = found.get(offer_id)
                self.lines[offer_id] = offer_line(row, base) if row is not None else None
        for alert in alerts:
            if self.stopping:
                return
            await self.one(conn, send, alert, claims.get(alert["id"], []))

    async def one(self, conn: Any, send: Send, alert: Any, claimed: list[int]) -> None:
        live = [o for o in claimed if self.lines.get(o) is not None]
        listed = live[:MAX_OFFERS_PER_EMAIL]
        kept = set(listed)
        dropped = [o for o in claimed if o not in kept]
        if dropped:  # gone from the site meanwhile, or past the most one email lists
            await conn.execute(FORGET, alert["id"], dropped)
        if not listed:
            return
        digest = Digest(
            alert_id=alert["id"],
            email=alert["email"],
            frequency=alert["frequency"],
            offers=[line for o in listed if (line := self.lines[o]) is not None],
            urls=digest_links(alert["id"], alert["key"], alert["email"], self.settings, self.now),
            message_id=alert_message_id(alert["id"], listed, self.settings.mail.domain),
        )
        try:
            message_id = await send(digest)
        except Undeliverable as exc:  # the address is refused: skip this run
            log.warning("alert %s undeliverable: %s", alert["id"], exc)
            await conn.execute(FORGET, alert["id"], listed)
            self.report.undeliverable += 1
        except MailServerDown as exc:
            log.warning("alert emails stopped, the mail server cannot be reached: %s", exc)
            self.report.server_down = True
        except Exception as exc:  # logged with its reason; the claims wait for the next run
            log.warning("alert %s email failed: %s: %s", alert["id"], type(exc).__name__, exc)
            self.report.failed += 1
        else:
            await conn.execute(MARK_SENT, alert["id"], listed, self.now, message_id)
            self.report.emails += 1
            self.report.offers += len(listed)


async def send_pending(
    settings: Settings, now: datetime, mail: Mail, budget: float | None = None
) -> SendReport:
    """Send every alert email waiting: claims not yet marked sent, grouped by alert. With a
    budget (seconds), no email starts after it is spent; the others wait for the next run."""
    deadline = time.monotonic() + budget if budget is not None else math.inf
    run = _Run(settings, now, mail, deadline)
    async with connection() as conn:
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", *SENDING_LOCK):
            run.report.busy = True
            return run.report
        # Then emails queued meanwhile (instant alerts matched by another run) go out too.
        while True:
            run.take([r["alert"] for r in await conn.fetch(WAITING)])
            if not run.batches or run.stopping:
                break
            async with asyncio.TaskGroup() as senders:  # a sender never outlives this call
                for _ in range(min(SENDERS, len(run.batches))):
                    senders.create_task(run.sender())
        await conn.execute("SELECT pg_advisory_unlock($1, $2)", *SENDING_LOCK)
    return run.report
