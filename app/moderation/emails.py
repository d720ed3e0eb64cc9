"""The e-mails of moderation: their context, recorded in the e-mail outbox. Call inside the
transaction of the change that causes it."""

from __future__ import annotations

from datetime import datetime

from app.config import Settings
from app.emails import services as emails
from app.offers.tables import Offer


async def offer_unpublished(offer: Offer, reason: str, settings: Settings, now: datetime) -> None:
    """Tell the employer why staff took their offer down (`offer` with its organisation, as
    app.offers.services returns it)."""
    context = {
        "title": offer.title,
        "organisation": offer.organisation.name,
        "reason": reason.strip(),
        "space_url": f"{settings.site.base_url}/espace",
    }
    await emails.queue("offer_unpublished", offer.organisation.contact_email, context, now)
