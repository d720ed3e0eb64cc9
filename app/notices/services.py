"""Telling employers about expiry: a reminder N days before, and a notice when it expired.

Expiring an offer never waits on mail. Like alerts, each notice is claimed (unique per
offer, kind and expiry date) in a transaction that commits only once the email was
accepted: a failed send claims nothing and is tried again by the next sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from piccolo.engine import engine_finder

from app.config import Settings
from app.core.auth import Principal
from app.core.delivery import Undeliverable
from app.core.signing import BadLink, BadSignature, sign, unsign
from app.notices.tables import OfferNotice
from app.offers import services as offers
from app.offers.tables import Offer

log = logging.getLogger(__name__)

REMINDER = "reminder"
EXPIRED = "expired"
RENEW_LINK_LIFETIME = timedelta(days=60)
# Offers that expired longer ago than this get no notice (e.g. the first run after an outage).
NOTICE_WINDOW = timedelta(days=7)

SendNotice = Callable[[str, Offer, dict[str, Any]], Awaitable[str]]


def renew_token(offer: Offer, settings: Settings, now: datetime) -> str:
    return sign(settings.site.secret_key, "offer-renew", {"o": offer.id}, now + RENEW_LINK_LIFETIME)


def offer_of_renew_token(token: str, settings: Settings, now: datetime) -> int:
    return int(unsign(settings.site.secret_key, "offer-renew", token, now)["o"])


async def renew_by_link(token: str, settings: Settings, now: datetime) -> Offer:
    """Renew the offer of a reminder or expiry email's signed link."""
    try:
        offer_id = offer_of_renew_token(token, settings, now)
    except BadSignature as exc:
        raise BadLink(str(exc)) from exc
    return await offers.renew(
        offer_id,
        None,
        Principal(organisation_id=None, admin=True),
        now,
        settings.site.offer_lifetime_days,
    )


def context(offer: Offer, settings: Settings, now: datetime) -> dict[str, Any]:
    base = settings.site.base_url
    return {
        "title": offer.title,
        "organisation": offer.organisation.name,
        "expires_at": offer.expires_at,
        "offer_url": f"{base}/offres/{offer.slug}",
        "renew_url": f"{base}/offres/prolonger?token={renew_token(offer, settings, now)}",
    }


async def _notify(
    offer_id: int, kind: str, settings: Settings, now: datetime, send: SendNotice
) -> bool:
    """Claim and send one notice in one transaction; False when already sent (or given up)."""
    db = engine_finder()
    assert db is not None
    async with db.transaction():
        offer = await Offer.objects(Offer.organisation).where(Offer.id == offer_id).first()
        if offer is None:
            return False
        claimed = await OfferNotice.raw(
            "INSERT INTO offer_notice (offer, kind, expires_at, claimed_at) "
            "VALUES ({}, {}, {}, {}) ON CONFLICT DO NOTHING RETURNING id",
            offer_id,
            kind,
            offer.expires_at,
            now,
        )
        if not claimed:
            return False
        try:
            await send(kind, offer, context(offer, settings, now))
        except Undeliverable as exc:  # keep the claim, unsent: never tried again
            log.warning("%s notice for offer %s undeliverable: %s", kind, offer_id, exc)
            return False
        await OfferNotice.update({OfferNotice.sent_at: now}).where(
            OfferNotice.id == claimed[0]["id"]
        )
    return True


async def expire_due_offers(now: datetime) -> int:
    """Expire every published offer past its expiry (each leaves the index via the outbox)."""
    rows = await Offer.select(Offer.id).where(offers.due_for_expiry(now))
    return sum([await offers.expire(row["id"], now) for row in rows])


async def _send_all(
    offer_ids: list[int], kind: str, settings: Settings, now: datetime, send: SendNotice
) -> int:
    done = 0
    for offer_id in offer_ids:
        try:
            done += await _notify(offer_id, kind, settings, now, send)
        except Exception as exc:  # logged; nothing claimed, the next sweep tries again
            log.warning(
                "%s notice for offer %s failed: %s: %s", kind, offer_id, type(exc).__name__, exc
            )
    return done


async def send_expiry_notices(settings: Settings, now: datetime, send: SendNotice) -> int:
    """Tell employers their offer expired (offers that expired in the last week, once each)."""
    rows = await Offer.raw(
        "SELECT o.id FROM offer o WHERE o.status = 'expired' "
        "AND o.expires_at > {} AND o.expires_at <= {} AND NOT EXISTS ("
        "SELECT 1 FROM offer_notice n WHERE n.offer = o.id AND n.kind = 'expired' "
        "AND n.expires_at = o.expires_at) ORDER BY o.expires_at",
        now - NOTICE_WINDOW,
        now,
    )
    return await _send_all([r["id"] for r in rows], EXPIRED, settings, now, send)


async def send_reminders(
    settings: Settings, now: datetime, days_before: int, send: SendNotice
) -> int:
    """Remind employers whose published offers expire within `days_before` days, once each."""
    rows = await Offer.raw(
        "SELECT o.id FROM offer o WHERE o.status = 'published' "
        "AND o.expires_at > {} AND o.expires_at <= {} AND NOT EXISTS ("
        "SELECT 1 FROM offer_notice n WHERE n.offer = o.id AND n.kind = 'reminder' "
        "AND n.expires_at = o.expires_at) ORDER BY o.expires_at",
        now,
        now + timedelta(days=days_before),
    )
    return await _send_all([r["id"] for r in rows], REMINDER, settings, now, send)


__all__ = [
    "EXPIRED",
    "REMINDER",
    "BadLink",
    "BadSignature",
    "expire_due_offers",
    "offer_of_renew_token",
    "renew_by_link",
    "send_expiry_notices",
    "send_reminders",
]
