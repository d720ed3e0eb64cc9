"""Expiry jobs: expire offers, tell and remind employers, refresh sessions; thin wrappers."""

from __future__ import annotations

from typing import Any

from app.core.queue import request_drain
from app.notices import services as notices
from app.offers.tables import Offer
from app.trainings.services import refresh_statuses
from workers.mail import render


def notice_sender(ctx: dict[str, Any]) -> notices.SendNotice:
    async def send(kind: str, offer: Offer, context: dict[str, Any]) -> str:
        template = "offer_expired" if kind == notices.EXPIRED else "offer_reminder"
        email = render(template, context, to=offer.organisation.contact_email)
        message_id: str = await ctx["mailer"].send(email)  # a 5xx is an Undeliverable
        return message_id

    return send


async def expire_offers(ctx: dict[str, Any]) -> dict[str, int]:
    """Expire what is due, then send the expiry notices and the reminders still owed."""
    settings = ctx["settings"]
    now = ctx["clock"].now()
    send = notice_sender(ctx)
    expired = await notices.expire_due_offers(now)
    if expired:
        await request_drain(ctx["redis"])  # offers leave the index now, not at the next cron
    told = await notices.send_expiry_notices(settings, now, send)
    reminded = await notices.send_reminders(settings, now, settings.site.reminder_days, send)
    return {"expired": expired, "told": told, "reminded": reminded}


async def refresh_sessions(ctx: dict[str, Any]) -> dict[str, int]:
    """Close sessions at their deadline or when full, reopen, archive past ones."""
    changed = await refresh_statuses(ctx["clock"])
    if changed:
        await request_drain(ctx["redis"])
    return {"changed": changed}
