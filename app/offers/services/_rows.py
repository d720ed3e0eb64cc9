"""An offer's rows: reading one, creating and changing its fields."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import msgspec

from app.core.auth import Principal
from app.core.clock import FRANCE
from app.core.creation import create_once
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.core.text import random_suffix, slugify
from app.core.validation import Checker, email_problem, url_problem
from app.core.vocabulary import (
    Contract,
    Experience,
    Housing,
    Language,
    OfferStatus,
    PayPeriod,
    Season,
)
from app.offers import schemas
from app.offers.tables import Offer
from app.organisations.schemas import OrganisationRef
from app.organisations.services import place_ref
from app.organisations.tables import Organisation
from app.outbox.services import Entity, Operation, record
from app.places import services as places
from app.trades import services as trades

RELATED = (Offer.organisation, Offer.trade, Offer.place)


def end_of_offer(end_date: date | None) -> datetime | None:
    """The last moment an offer with this end date may be live: the end of that day in France."""
    if end_date is None:
        return None
    return datetime.combine(end_date + timedelta(days=1), time(0), tzinfo=FRANCE)


def to_schema(row: Offer) -> schemas.Offer:
    place = place_ref(row.place)
    assert place is not None
    return schemas.Offer(
        id=row.id,
        slug=row.slug,
        title=row.title,
        description=row.description,
        organisation=OrganisationRef(
            id=row.organisation.id, slug=row.organisation.slug, name=row.organisation.name
        ),
        trade=schemas.TradeRef(code=row.trade.code, label=row.trade.label),
        place=place,
        seasons=[Season(s) for s in row.seasons],
        contract=Contract(row.contract),
        start_date=row.start_date,
        end_date=row.end_date,
        hours_per_week=row.hours_per_week,
        pay_min=float(row.pay_min) if row.pay_min is not None else None,
        pay_max=float(row.pay_max) if row.pay_max is not None else None,
        pay_period=PayPeriod(row.pay_period) if row.pay_period else None,
        housing=Housing(row.housing),
        meals=row.meals,
        languages=[Language(x) for x in row.languages],
        driving_licence=row.driving_licence,
        experience=Experience(row.experience),
        positions=row.positions,
        apply_email=row.apply_email,
        apply_url=row.apply_url,
        status=OfferStatus(row.status),
        published_at=row.published_at,
        expires_at=row.expires_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


def _check(values: dict[str, Any]) -> None:
    """The rules across fields, on the offer as it would be after the change."""
    checker = Checker()
    end, start = values.get("end_date"), values["start_date"]
    checker.require(end is None or end >= start, "end_date", "must be on or after start_date")
    low, high = values.get("pay_min"), values.get("pay_max")
    checker.require(
        low is None or high is None or low <= high, "pay_min", "must not exceed pay_max"
    )
    if low is not None or high is not None:
        checker.require(
            values.get("pay_period") is not None,
            "pay_period",
            "required with pay_min or pay_max: hour, month or year",
        )
    seasons = values["seasons"]
    checker.require(len(set(seasons)) == len(seasons), "seasons", "each season at most once")
    if values.get("apply_email"):
        checker.check("apply_email", email_problem(values["apply_email"]))
    if values.get("apply_url"):
        checker.check("apply_url", url_problem(values["apply_url"]))
    checker.require(
        bool(values.get("apply_email") or values.get("apply_url")),
        "apply_email",
        "say how to apply: apply_email or apply_url",
    )
    checker.require(bool(values["title"].strip()), "title", "expected a non-blank title")
    checker.raise_if_any()


async def create(
    data: schemas.OfferCreate,
    principal: Principal,
    now: datetime,
    creation_key: str | None = None,
) -> Offer:
    """A new offer, as a draft. With a site form's one-time `creation_key`, a second request
    with the same key makes nothing and returns the offer the first made (409 when the key
    belongs to another organisation's offer)."""
    organisation_id = data.organisation_id or principal.organisation_id
    if organisation_id is None:
        raise InvalidInput.one("organisation_id", "required with the admin token")
    if not principal.may_act_for(organisation_id):
        raise Forbidden("This token belongs to another organisation")
    if not await Organisation.exists().where(Organisation.id == organisation_id):
        raise InvalidInput.one("organisation_id", f"no organisation {organisation_id}")
    values = msgspec.structs.asdict(data)
    _check(values)
    trade = await trades.resolve_code(data.trade, "trade")
    place = await places.resolve_slug(data.place, "place")
    row = Offer(
        organisation=organisation_id,
        title=data.title.strip(),
        creation_key=creation_key,
        description=data.description,
        trade=trade.id,
        place=place.id,
        seasons=[s.value for s in data.seasons],
        contract=data.contract.value,
        start_date=data.start_date,
        end_date=data.end_date,
        hours_per_week=data.hours_per_week,
        pay_min=_money(data.pay_min),
        pay_max=_money(data.pay_max),
        pay_period=data.pay_period.value if data.pay_period else None,
        housing=data.housing.value,
        meals=data.meals,
        languages=[x.value for x in data.languages],
        driving_licence=data.driving_licence,
        experience=data.experience.value,
        positions=data.positions,
        apply_email=data.apply_email,
        apply_url=data.apply_url,
        status=OfferStatus.DRAFT.value,
        created_at=now,
        updated_at=now,
    )
    base = slugify(f"{data.title} {place.slug}", 110)
    offer_id = await create_once(
        row,
        owner=(Offer.organisation, organisation_id),
        also=lambda offer_id: record(Entity.OFFER, offer_id, Operation.UPSERT, now),
        slug_base=base,
        first_slug=f"{base}-{random_suffix(5)}",
    )
    return await get(offer_id)


def _current(row: Offer) -> dict[str, Any]:
    return {
        "title": row.title,
        "start_date": row.start_date,
        "end_date": row.end_date,
        "pay_min": float(row.pay_min) if row.pay_min is not None else None,
        "pay_max": float(row.pay_max) if row.pay_max is not None else None,
        "pay_period": row.pay_period,
        "seasons": list(row.seasons),
        "apply_email": row.apply_email,
        "apply_url": row.apply_url,
    }


async def update(
    offer_id: int, data: schemas.OfferUpdate, principal: Principal, now: datetime
) -> Offer:
    row = await get_for_change(offer_id, principal)
    changes: dict[Any, Any] = {
        k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET
    }
    _check({**_current(row), **changes})
    if "trade" in changes:
        changes["trade"] = (await trades.resolve_code(changes["trade"], "trade")).id
    if "place" in changes:
        changes["place"] = (await places.resolve_slug(changes["place"], "place")).id
    for money in ("pay_min", "pay_max"):
        if money in changes:
            changes[money] = _money(changes[money])
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    for key in ("seasons", "languages"):
        if key in changes:
            changes[key] = [v.value for v in changes[key]]
    for key in ("contract", "pay_period", "housing", "experience"):
        if changes.get(key) is not None:
            changes[key] = changes[key].value
    changes["updated_at"] = now
    last = end_of_offer(changes.get("end_date", row.end_date))
    if row.expires_at is not None and last is not None and row.expires_at > last:
        changes["expires_at"] = last  # never live past its new end date
    await _write(offer_id, changes, now)
    return await get(offer_id)


async def _write(offer_id: int, changes: dict[Any, Any], now: datetime) -> None:
    """Apply changes and their outbox row in one transaction: both or neither."""
    async with Offer._meta.db.transaction():
        await record(Entity.OFFER, offer_id, Operation.UPSERT, now)
        await Offer.update(changes).where(Offer.id == offer_id)


async def get(offer_id: int) -> Offer:
    row = await Offer.objects(*RELATED).where(Offer.id == offer_id).first()
    if row is None:
        raise NotFound(f"No offer {offer_id}")
    return row


async def get_for_change(offer_id: int, principal: Principal) -> Offer:
    row = await get(offer_id)
    if not principal.may_act_for(row.organisation.id):
        raise Forbidden("This token belongs to another organisation")
    return row
