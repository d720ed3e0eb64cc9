"""Alert jobs: alert runs and the send log; thin wrappers over app.alerts (the confirmation
e-mail goes through the e-mail outbox, workers.emails)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from arq import Retry

from app.alerts import digests, matching, send_log
from workers.indexing import backoff
from workers.mail import Mailer, render
from workers.mail_session import open_session

log = logging.getLogger(__name__)


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST to the link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


class AlertMail:
    """Alert emails rendered here and sent over one connection per session (app.alerts.digests)."""

    def __init__(self, mailer: Mailer) -> None:
        self.mailer = mailer

    @asynccontextmanager
    async def session(self) -> AsyncIterator[digests.Send]:
        async with open_session(self.mailer) as connection:

            async def send(digest: digests.Digest) -> str:
                """The session's errors are app.core.delivery's (SmtpUnreachable is a
                MailServerDown, a 5xx an Undeliverable), as digests expects them."""
                email = render(
                    "alert_digest",
                    {"offers": digest.offers, "urls": digest.urls, "frequency": digest.frequency},
                    to=digest.email,
                    headers=unsubscribe_headers(digest.urls["unsubscribe"]),
                    message_id=digest.message_id,  # a re-send carries the same Message-ID
                )
                return await connection.send(email)

            yield send


async def run_alerts(ctx: dict[str, Any]) -> dict[str, int]:
    """Run every due alert (instant ones after each sync, daily and weekly on schedule)."""
    try:
        return await matching.run_due_alerts(
            ctx["search_engine"], ctx["settings"], ctx["clock"].now(), AlertMail(ctx["mailer"])
        )
    except matching.AlertRunError as exc:
        job_try = int(ctx.get("job_try", 1))
        raise Retry(defer=backoff(job_try)) from exc


async def prune_alert_send_log(ctx: dict[str, Any]) -> dict[str, int]:
    """Forget the emailed (alert, offer) pairs that can never match again (once a day)."""
    report = await send_log.prune_send_log(ctx["clock"].now())
    if report.deleted:
        log.info("alert send log: %d rows pruned", report.deleted)
    return {"deleted": report.deleted}
