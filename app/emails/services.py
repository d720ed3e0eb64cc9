"""The e-mail outbox: every e-mail the service promises a person, recorded in the transaction
of the change that causes it, then sent by a worker until the mail server accepts it.

- `queue()` records one e-mail in the caller's transaction; `transaction(queue)` is a
  transaction whose e-mails a worker is asked to send once it has committed.
- `send_due()` (the worker's side) claims due rows one at a time with FOR UPDATE SKIP LOCKED
  and holds the row lock while the mail server answers: two workers never send one row, and
  a worker killed mid-send leaves the row to be sent again, with the same Message-ID.
- A temporary failure is retried with a doubling delay (5 s, 10 s … at most 15 minutes) with
  no limit on attempts: until accepted, or until the link the e-mail carries has expired
  (then dropped with a logged reason: the person can ask again). A permanent refusal drops.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from arq.connections import ArqRedis
from piccolo.engine import engine_finder

from app.config import Settings
from app.core.clock import Clock
from app.core.delivery import TryLater, Undeliverable
from app.core.queue import request_emails
from app.emails.tables import EmailOutbox

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=5)
MAX_RETRY = timedelta(minutes=15)
# A run stops after this many temporary failures in a row (the server looks down); the next
# sweep tries again, so a long outage costs a few connection attempts per sweep, not one per row.
STOP_AFTER_FAILURES = 3
KEEP_DONE = timedelta(days=30)


@dataclass(frozen=True)
class Outgoing:
    """One e-mail to send, as the worker's sender gets it."""

    id: int
    template: str
    to: str
    context: dict[str, Any]
    message_id: str


# The Message-ID; TryLater: the row waits and is retried; Undeliverable: the row is dropped.
Send = Callable[[Outgoing], Awaitable[str]]


@dataclass
class SendReport:
    sent: int = 0
    deferred: int = 0
    dropped: int = 0
    stopped: bool = False  # the run stopped early: the server looked down

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "deferred": self.deferred, "dropped": self.dropped}


# --- the request's side --------------------------------------------------------------------------


async def queue(
    template: str,
    to: str,
    context: dict[str, Any],
    now: datetime,
    expires_at: datetime | None = None,
) -> int:
    """Record an e-mail to send; call inside the transaction of the change that causes it.

    `expires_at`: when the link it carries stops working (it is dropped if still unsent then).
    Returns the row id.
    """
    rows = await EmailOutbox.insert(
        EmailOutbox(
            template=template,
            recipient=to,
            context=context,
            created_at=now,
            next_attempt_at=now,
            expires_at=expires_at,
        )
    ).returning(EmailOutbox.id)
    return int(rows[0]["id"])


@asynccontextmanager
async def transaction(jobs: ArqRedis | None) -> AsyncIterator[None]:
    """A database transaction whose e-mails a worker is asked to send once it has committed.

    Inside an enclosing transaction it joins it, and the asking is left to the outermost one
    (a worker asked before the commit would find nothing; the sweep would cover it anyway).
    """
    db: Any = engine_finder()
    assert db is not None
    outermost = db.current_transaction.get() is None
    async with db.transaction():
        yield
    if outermost:
        await request_emails(jobs)


# --- the worker's side ---------------------------------------------------------------------------


def message_id(row_id: int, settings: Settings) -> str:
    """The row's Message-ID, the same at every attempt; not guessable from the id alone."""
    mac = hmac.new(
        settings.site.secret_key.encode(), f"email-outbox:{row_id}".encode(), hashlib.sha256
    ).hexdigest()[:12]
    return f"<email-{row_id}-{mac}@{settings.mail.domain}>"


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 5 s, 10 s, 20 s … at most 15 minutes."""
    delay: timedelta = FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20)
    return min(delay, MAX_RETRY)


_CLAIM = (
    "SELECT id, template, recipient, context, attempts, expires_at FROM email_outbox "
    "WHERE sent_at IS NULL AND dropped_at IS NULL AND next_attempt_at <= {} "
    "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
)


async def send_due(clock: Clock, settings: Settings, send: Send, limit: int = 500) -> SendReport:
    """Send every e-mail due now (at most `limit` attempts), one row lock at a time."""
    report = SendReport()
    db: Any = engine_finder()
    assert db is not None
    failures_in_a_row = 0
    for _ in range(limit):
        async with db.transaction():
            now = clock.now()
            rows = await EmailOutbox.raw(_CLAIM, now)
            if not rows:
                break
            outcome = await _attempt(rows[0], now, settings, send)
        if outcome == "sent":
            report.sent += 1
            failures_in_a_row = 0
        elif outcome == "dropped":
            report.dropped += 1
        else:
            report.deferred += 1
            failures_in_a_row += 1
            if failures_in_a_row >= STOP_AFTER_FAILURES:
                report.stopped = True
                break
    return report


async def _attempt(row: dict[str, Any], now: datetime, settings: Settings, send: Send) -> str:
    """Try one claimed row (its lock held by the caller's transaction): sent, dropped, deferred."""
    row_id, template = row["id"], row["template"]
    expires_at: datetime | None = row["expires_at"]
    if expires_at is not None and expires_at <= now:
        await _drop(row_id, template, now, f"its link expired at {expires_at.isoformat()}")
        return "dropped"
    raw = row["context"]
    context = json.loads(raw) if isinstance(raw, str | bytes) else dict(raw)
    mail = Outgoing(row_id, template, row["recipient"], context, message_id(row_id, settings))
    try:
        sent_id = await send(mail)
    except Undeliverable as exc:
        await _drop(row_id, template, now, f"refused by the mail server: {exc}")
        return "dropped"
    except Exception as exc:  # TryLater, or anything unforeseen: one row never blocks the rest
        if not isinstance(exc, TryLater):
            log.exception("e-mail %d (%s) could not be sent", row_id, template)
        attempts = row["attempts"] + 1
        delay = retry_delay(attempts)
        log.warning(
            "e-mail %d (%s) deferred (attempt %d, next in %d s): %s",
            row_id,
            template,
            attempts,
            delay.total_seconds(),
            exc,
        )
        await EmailOutbox.update(
            {
                EmailOutbox.attempts: attempts,
                EmailOutbox.last_error: f"{type(exc).__name__}: {exc}"[:2000],
                EmailOutbox.next_attempt_at: now + delay,
            }
        ).where(EmailOutbox.id == row_id)
        return "deferred"
    await EmailOutbox.update(
        {
            EmailOutbox.sent_at: now,
            EmailOutbox.message_id: sent_id[:200],
            EmailOutbox.attempts: EmailOutbox.attempts + 1,
            EmailOutbox.context: {},  # its links are in the recipient's hands, not ours
        }
    ).where(EmailOutbox.id == row_id)
    return "sent"


async def _drop(row_id: int, template: str, now: datetime, reason: str) -> None:
    log.warning("e-mail %d (%s) dropped: %s", row_id, template, reason)
    await EmailOutbox.update(
        {
            EmailOutbox.dropped_at: now,
            EmailOutbox.drop_reason: reason[:2000],
            EmailOutbox.context: {},
        }
    ).where(EmailOutbox.id == row_id)


async def prune(now: datetime) -> int:
    """Forget e-mails sent or dropped more than 30 days ago."""
    deleted = await EmailOutbox.raw(
        "DELETE FROM email_outbox WHERE (sent_at IS NOT NULL OR dropped_at IS NOT NULL) "
        "AND created_at < {} RETURNING id",
        now - KEEP_DONE,
    )
    return len(deleted)


async def waiting() -> int:
    """E-mails not yet sent nor dropped."""
    return int(
        await EmailOutbox.count().where(
            EmailOutbox.sent_at.is_null() & EmailOutbox.dropped_at.is_null()
        )
    )
