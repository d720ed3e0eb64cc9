"""E-mail outbox jobs: render and send what is due; the rules live in app.emails.services."""

from __future__ import annotations

import logging
from typing import Any

from app.emails import services as emails
from workers.mail import render

log = logging.getLogger(__name__)


def sender(ctx: dict[str, Any]) -> emails.Send:
    async def send(mail: emails.Outgoing) -> str:
        """The mailer's errors are app.core.delivery's TryLater and Undeliverable."""
        email = render(mail.template, mail.context, to=mail.to, message_id=mail.message_id)
        message_id: str = await ctx["mailer"].send(email)
        return message_id

    return send


async def send_emails(ctx: dict[str, Any]) -> dict[str, int]:
    """Send every e-mail due (enqueued after a request commits, and by the sweep)."""
    report = await emails.send_due(ctx["clock"], ctx["settings"], sender(ctx))
    if report.sent or report.dropped:
        log.info(
            "e-mails: %d sent, %d deferred, %d dropped",
            report.sent,
            report.deferred,
            report.dropped,
        )
    return report.as_dict()


async def send_emails_cron(ctx: dict[str, Any]) -> dict[str, int]:
    """The sweep: retries come due, and it covers a lost enqueue (Redis down at request time)."""
    return await send_emails(ctx)


async def prune_emails(ctx: dict[str, Any]) -> dict[str, int]:
    """Forget e-mails sent or dropped a month ago (once a day)."""
    return {"deleted": await emails.prune(ctx["clock"].now())}
