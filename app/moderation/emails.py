"""The e-mails of moderation: their context, recorded in the e-mail outbox. Call inside the
transaction of the change that causes it."""

from __future__ import annotations

from datetime import datetime

from app.config import Settings
from app.emails import services as emails
from app.offers.tables import Offer


async def offer_unpublished(offer_id: int, reason: str, settings: Settings, now: datetime) -> None:
    """Tell the employer why staff took their offer down."""
    row = (
        await Offer.select(Offer.title, Offer.organisation.name, Offer.organisation.contact_email)
        .where(Offer.id == offer_id)
        .first()
    )
    assert row is not None
    context = {
        "title": row["title"],
        "organisation": row["organisation.name"],
        "reason": reason.strip(),
        "space_url": f"{settings.site.base_url}/espace",
    }
    await emails.queue("offer_unpublished", row["organisation.contact_email"], context, now)
