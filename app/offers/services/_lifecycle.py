"""The offer lifecycle: every transition locks the row and checks the state it found.

Two transitions of one offer at once run one after the other (the second waits for the
first's row lock, then sees what it left): one wins, and the other applies to the new state
or is refused with a 409 naming the state it found. The outbox row is written in the same
transaction as the change. An archived or filled offer never comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from app.core.auth import Principal
from app.core.clock import day_in_france
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.vocabulary import OfferStatus
from app.offers.services._rows import end_of_offer, get
from app.offers.tables import Offer
from app.outbox.services import Entity, Operation, record

MAX_LIFETIME = timedelta(days=365)
S = OfferStatus


def check_dates(row: Offer, now: datetime) -> None:
    """An offer whose work is over cannot go live: its end date is past, or its start date is
    past and it has no end date (400 naming the field)."""
    today = day_in_france(now)
    end: date | None = row.end_date
    start: date = row.start_date
    if end is not None and end < today:
        raise InvalidInput.one(
            "end_date", f"{end} is past: change the offer's dates before publishing it"
        )
    if end is None and start < today:
        raise InvalidInput.one(
            "start_date",
            f"{start} is past and the offer has no end date: change its dates before publishing it",
        )


def expiry(
    requested: datetime | None, now: datetime, lifetime_days: int, end_date: date | None
) -> datetime:
    """The new expiry: the one asked for, or the configured lifetime from now; never past the
    end of the offer's end date (so an offer never stays live after its work is over).
    `requested` is timezone-aware: the API reads it as an AwareDateTime (400 without offset)."""
    last = end_of_offer(end_date)
    if requested is None:
        default = now + timedelta(days=lifetime_days)
        return default if last is None else min(default, last)
    if requested <= now:
        raise InvalidInput.one("expires_at", "must be in the future")
    if requested > now + MAX_LIFETIME:
        raise InvalidInput.one("expires_at", "must be within a year from now")
    if last is not None and requested > last:
        raise InvalidInput.one(
            "expires_at", f"must not be after the offer's end date ({end_date}, in France)"
        )
    return requested


async def _transition(
    offer_id: int,
    principal: Principal | None,
    allowed: tuple[OfferStatus, ...],
    refusal: str,
    change: Callable[[Offer], dict[Any, Any]],
    now: datetime,
) -> Offer:
    """Lock the offer, check the state found, apply `change(found)` and its outbox row."""
    async with Offer._meta.db.transaction():
        found = await Offer.objects().where(Offer.id == offer_id).lock_rows().first()
        if found is None:
            raise NotFound(f"No offer {offer_id}")
        if principal is not None and not principal.may_act_for(found.organisation):
            raise Forbidden("This token belongs to another organisation")
        if found.status not in allowed:
            raise Conflict(f"status: {refusal}; this offer is {found.status}", found=found.status)
        changes = change(found)
        await Offer.update({**changes, Offer.updated_at: now}).where(Offer.id == offer_id)
        await record(Entity.OFFER, offer_id, Operation.UPSERT, now)
    return await get(offer_id)


async def publish(
    offer_id: int,
    expires_at: datetime | None,
    principal: Principal,
    now: datetime,
    lifetime_days: int,
) -> Offer:
    """draft → published. 409 when not a draft (a second publish); 400 naming end_date or
    start_date when the offer's work is over, or expires_at when it is not acceptable."""

    def change(found: Offer) -> dict[Any, Any]:
        check_dates(found, now)
        return {
            Offer.status: S.PUBLISHED.value,
            Offer.published_at: now,
            Offer.expires_at: expiry(expires_at, now, lifetime_days, found.end_date),
        }

    return await _transition(
        offer_id, principal, (S.DRAFT,), "only a draft can be published", change, now
    )


async def renew(
    offer_id: int,
    expires_at: datetime | None,
    principal: Principal,
    now: datetime,
    lifetime_days: int,
) -> Offer:
    """Extend a published or expired offer; an expired one goes back to published.
    409 for any other state; 400 as for publish."""

    def change(found: Offer) -> dict[Any, Any]:
        check_dates(found, now)
        return {
            Offer.status: S.PUBLISHED.value,
            Offer.expires_at: expiry(expires_at, now, lifetime_days, found.end_date),
        }

    refusal = "only a published or expired offer can be renewed"
    return await _transition(offer_id, principal, (S.PUBLISHED, S.EXPIRED), refusal, change, now)


async def mark_filled(offer_id: int, principal: Principal, now: datetime) -> Offer:
    """published | expired → filled; 409 for any other state."""
    return await _transition(
        offer_id,
        principal,
        (S.PUBLISHED, S.EXPIRED),
        "only a published or expired offer can be filled",
        lambda found: {Offer.status: S.FILLED.value},
        now,
    )


async def archive(offer_id: int, principal: Principal, now: datetime) -> Offer:
    """Any state but archived → archived (for good); 409 when already archived."""
    return await _transition(
        offer_id,
        principal,
        (S.DRAFT, S.PUBLISHED, S.EXPIRED, S.FILLED),
        "this offer cannot be archived again",
        lambda found: {Offer.status: S.ARCHIVED.value},
        now,
    )


async def unpublish(offer_id: int, now: datetime) -> Offer:
    """Staff: published → draft, out of the index; 409 for any other state. The caller
    checks staff rights and may wrap this in its own transaction (the audit line)."""
    return await _transition(
        offer_id,
        None,
        (S.PUBLISHED,),
        "only a published offer can be unpublished",
        lambda found: {Offer.status: S.DRAFT.value},
        now,
    )


async def expire(offer_id: int, now: datetime) -> bool:
    """Expire a published offer whose expiry has passed; False when there was nothing to do
    (a conditional update: a renewal that committed first leaves nothing to expire)."""
    async with Offer._meta.db.transaction():
        expired = (
            await Offer.update({Offer.status: S.EXPIRED.value, Offer.updated_at: now})
            .where(
                (Offer.id == offer_id)
                & (Offer.status == S.PUBLISHED.value)
                & (Offer.expires_at <= now)
            )
            .returning(Offer.id)
        )
        if expired:
            await record(Entity.OFFER, offer_id, Operation.UPSERT, now)
    return bool(expired)


def due_for_expiry(now: datetime) -> Any:
    return (Offer.status == S.PUBLISHED.value) & (Offer.expires_at <= now)
