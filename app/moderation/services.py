"""Staff moderation: vet new organisations, unpublish an offer with a reason, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from arq.connections import ArqRedis
from piccolo.engine import engine_finder

from app.accounts.tables import AuditEvent
from app.accounts.users import SignedIn, audit

__all__ = ["SignedIn"]
from app.config import Settings
from app.core.auth import Principal
from app.core.errors import Forbidden, InvalidInput
from app.core.vocabulary import OfferStatus
from app.emails import services as emails
from app.moderation import emails as moderation_emails
from app.offers import services as offers
from app.offers.tables import Offer
from app.organisations import services as organisations
from app.organisations.schemas import OrganisationUpdate
from app.organisations.tables import Organisation

MAX_REASON = 1000


def require_staff(person: SignedIn | None) -> SignedIn:
    if person is None or not person.staff:
        raise Forbidden("staff only")
    return person


async def pending_organisations() -> list[Organisation]:
    return (
        await Organisation.objects(Organisation.place)
        .where(Organisation.verified.eq(False))
        .order_by(Organisation.created_at)
    )


async def verify_organisation(organisation_id: int, staff: SignedIn, now: datetime) -> None:
    """Vetted: its offers become public (the search sync re-indexes them)."""
    require_staff(staff)
    await organisations.update(
        organisation_id,
        OrganisationUpdate(verified=True),
        Principal(organisation_id=None, admin=True),
        now,
    )
    await audit("verify-organisation", "organisation", organisation_id, now, actor=staff)


async def live_offers(q: str, limit: int = 50) -> list[Offer]:
    """Published offers whose title contains q, for staff to review."""
    query = Offer.objects(Offer.organisation, Offer.place).where(
        Offer.status == OfferStatus.PUBLISHED.value
    )
    if q.strip():
        query = query.where(Offer.title.ilike(f"%{q.strip().replace('%', '')}%"))
    return await query.order_by(Offer.published_at, ascending=False).limit(limit)


async def unpublish_offer(offer_id: int, reason: str, staff: SignedIn, now: datetime) -> Offer:
    """Back to draft, out of the index, with its audit line; Forbidden for non-staff,
    InvalidInput for a reason too short or long, Conflict unless published. The employer's
    e-mail: unpublish_and_notify."""
    require_staff(staff)
    reason = reason.strip()
    if not 5 <= len(reason) <= MAX_REASON:
        raise InvalidInput.one("reason", f"between 5 and {MAX_REASON} characters")
    db = engine_finder()
    assert db is not None
    async with db.transaction():  # the change and its audit line: both or neither
        row = await offers.unpublish(offer_id, now)
        await audit("unpublish-offer", "offer", offer_id, now, actor=staff, detail=reason)
    return row


async def unpublish_and_notify(
    offer_id: int,
    reason: str,
    staff: SignedIn,
    settings: Settings,
    now: datetime,
    jobs: ArqRedis | None,
) -> Offer:
    """unpublish_offer, and the employer's notice recorded with it: the offer goes back to
    draft and the e-mail is promised together, or neither (app.emails.transaction)."""
    async with emails.transaction(jobs):
        row = await unpublish_offer(offer_id, reason, staff, now)
        await moderation_emails.offer_unpublished(row, reason, settings, now)
    return row


async def recent_events(limit: int = 50) -> list[dict[str, Any]]:
    return list(await AuditEvent.select().order_by(AuditEvent.at, ascending=False).limit(limit))
