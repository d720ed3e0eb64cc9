"""Offers: the rules of creating and changing them, and their lifecycle."""

# Lifecycle: draft → published → filled | expired | archived; expired → published on renewal.

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec
from piccolo.columns.combination import Where

from app.core.auth import Principal
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.pagination import Page, PageRequest
from app.core.text import random_suffix, slugify
from app.core.validation import Checker, email_problem, url_problem
from app.core.vocabulary import (
    Contract,
    Experience,
    Housing,
    Language,
    Massif,
    OfferStatus,
    PayPeriod,
    Season,
)
from app.offers import schemas
from app.offers.tables import Offer, OfferView
from app.organisations.schemas import OrganisationRef
from app.organisations.services import place_ref
from app.organisations.tables import Organisation
from app.outbox.services import Entity, Operation, record
from app.places import services as places
from app.trades import services as trades

MAX_LIFETIME = timedelta(days=365)
RELATED = (Offer.organisation, Offer.trade, Offer.place)


@dataclass(frozen=True)
class OfferFilters:
    organisation: list[int] | None = None
    status: list[OfferStatus] | None = None
    massif: list[Massif] | None = None
    season: list[Season] | None = None
    trade: list[str] | None = None


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


async def _unique_slug(title: str, place_slug: str) -> str:
    base = slugify(f"{title} {place_slug}", 110)
    while True:
        slug = f"{base}-{random_suffix(5)}"
        if not await Offer.exists().where(Offer.slug == slug):
            return slug


async def create(data: schemas.OfferCreate, principal: Principal, now: datetime) -> Offer:
    """A new offer, as a draft."""
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
        slug=await _unique_slug(data.title, place.slug),
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
    async with Offer._meta.db.transaction():
        await row.save()
        await record(Entity.OFFER, row.id, Operation.UPSERT, now)
    return await get(row.id)


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
    await _write(offer_id, changes, now)
    return await get(offer_id)


async def _write(offer_id: int, changes: dict[Any, Any], now: datetime) -> None:
    """Apply changes and their outbox row in one transaction: both or neither."""
    async with Offer._meta.db.transaction():
        await record(Entity.OFFER, offer_id, Operation.UPSERT, now)
        await Offer.update(changes).where(Offer.id == offer_id)


def _expiry(requested: datetime | None, now: datetime, lifetime_days: int) -> datetime:
    if requested is None:
        return now + timedelta(days=lifetime_days)
    if requested.tzinfo is None:
        requested = requested.replace(tzinfo=UTC)
    if requested <= now:
        raise InvalidInput.one("expires_at", "must be in the future")
    if requested > now + MAX_LIFETIME:
        raise InvalidInput.one("expires_at", "must be within a year from now")
    return requested


async def publish(
    offer_id: int,
    expires_at: datetime | None,
    principal: Principal,
    now: datetime,
    lifetime_days: int,
) -> Offer:
    row = await get_for_change(offer_id, principal)
    if row.status != OfferStatus.DRAFT:
        raise Conflict(f"status: only a draft can be published; this offer is {row.status}")
    expiry = _expiry(expires_at, now, lifetime_days)
    await _write(
        offer_id,
        {
            Offer.status: OfferStatus.PUBLISHED.value,
            Offer.published_at: now,
            Offer.expires_at: expiry,
            Offer.updated_at: now,
        },
        now,
    )
    return await get(offer_id)


async def renew(
    offer_id: int,
    expires_at: datetime | None,
    principal: Principal,
    now: datetime,
    lifetime_days: int,
) -> Offer:
    """Extend a published or expired offer; an expired one goes back to published."""
    row = await get_for_change(offer_id, principal)
    if row.status not in (OfferStatus.PUBLISHED, OfferStatus.EXPIRED):
        raise Conflict(
            f"status: only a published or expired offer can be renewed; this offer is {row.status}"
        )
    expiry = _expiry(expires_at, now, lifetime_days)
    await _write(
        offer_id,
        {
            Offer.status: OfferStatus.PUBLISHED.value,
            Offer.expires_at: expiry,
            Offer.updated_at: now,
        },
        now,
    )
    return await get(offer_id)


async def mark_filled(offer_id: int, principal: Principal, now: datetime) -> Offer:
    row = await get_for_change(offer_id, principal)
    if row.status not in (OfferStatus.PUBLISHED, OfferStatus.EXPIRED):
        raise Conflict(
            f"status: only a published or expired offer can be filled; this offer is {row.status}"
        )
    await _write(offer_id, {Offer.status: OfferStatus.FILLED.value, Offer.updated_at: now}, now)
    return await get(offer_id)


async def archive(offer_id: int, principal: Principal, now: datetime) -> Offer:
    row = await get_for_change(offer_id, principal)
    if row.status == OfferStatus.ARCHIVED:
        raise Conflict("status: this offer is already archived")
    await _write(offer_id, {Offer.status: OfferStatus.ARCHIVED.value, Offer.updated_at: now}, now)
    return await get(offer_id)


async def expire(offer_id: int, now: datetime) -> bool:
    """Expire a published offer whose expiry has passed; False when there was nothing to do."""
    async with Offer._meta.db.transaction():
        expired = (
            await Offer.update({Offer.status: OfferStatus.EXPIRED.value, Offer.updated_at: now})
            .where(
                (Offer.id == offer_id)
                & (Offer.status == OfferStatus.PUBLISHED.value)
                & (Offer.expires_at <= now)
            )
            .returning(Offer.id)
        )
        if expired:
            await record(Entity.OFFER, offer_id, Operation.UPSERT, now)
    return bool(expired)


def visible(now: datetime) -> Where | Any:
    """The offers the public may see: published, not past their expiry, of a verified
    organisation (staff vet who posts)."""
    return (
        (Offer.status == OfferStatus.PUBLISHED.value)
        & (Offer.expires_at > now)
        & (Offer.organisation._.verified.eq(True))
    )


def due_for_expiry(now: datetime) -> Any:
    return (Offer.status == OfferStatus.PUBLISHED.value) & (Offer.expires_at <= now)


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


async def get_visible_to(offer_id: int, principal: Principal | None, now: datetime) -> Offer:
    """One offer, if the caller may see it: the public sees live offers, owners see all theirs."""
    row = await get(offer_id)
    if principal is not None and principal.may_act_for(row.organisation.id):
        return row
    if is_live(row, now):
        return row
    raise NotFound(f"No offer {offer_id}")


async def list_page(
    page: PageRequest, filters: OfferFilters, principal: Principal | None, now: datetime
) -> Page[schemas.Offer]:
    conditions: list[Any] = []
    if principal is None:
        conditions.append(visible(now))
    elif not principal.admin:
        # An organisation sees every offer of its own and the live offers of the others.
        conditions.append(visible(now) | (Offer.organisation == principal.organisation_id))
    if filters.organisation:
        conditions.append(Offer.organisation.is_in(filters.organisation))
    if filters.status:
        conditions.append(Offer.status.is_in([s.value for s in filters.status]))
    if filters.massif:
        conditions.append(Offer.place._.massif.is_in([m.value for m in filters.massif]))
    if filters.trade:
        conditions.append(Offer.trade._.code.is_in([c.upper() for c in filters.trade]))
    if filters.season:
        season_condition: Any = None
        for season in filters.season:
            one = Offer.seasons.any(season.value)
            season_condition = one if season_condition is None else season_condition | one
        conditions.append(season_condition)
    query = Offer.objects(*RELATED)
    count = Offer.count()
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.order_by(Offer.id, ascending=False).limit(page.page_size).offset(page.offset)
    return Page.of([to_schema(r) for r in rows], int(await count), page)


async def get_public_by_slug(slug: str) -> Offer:
    """An offer the public may have seen: live, or once live (filled, expired, archived)."""
    row = await (
        Offer.objects(*RELATED)
        .where(
            (Offer.slug == slug)
            & (Offer.status != OfferStatus.DRAFT.value)
            & (Offer.organisation._.verified.eq(True))
        )
        .first()
    )
    if row is None:
        raise NotFound(f"No offer {slug}")
    return row


def is_live(row: Offer, now: datetime) -> bool:
    """What `visible` selects, for one loaded offer (its organisation loaded with it)."""
    expires: datetime | None = row.expires_at
    return (
        row.status == OfferStatus.PUBLISHED
        and expires is not None
        and expires > now
        and bool(row.organisation.verified)
    )


async def other_live_offers(
    organisation_id: int, exclude_id: int, now: datetime, limit: int = 5
) -> list[Offer]:
    """The organisation's other live offers, newest first."""
    return await (
        Offer.objects(Offer.place)
        .where(visible(now) & (Offer.organisation == organisation_id) & (Offer.id != exclude_id))
        .order_by(Offer.published_at, ascending=False)
        .limit(limit)
    )


async def live_of_organisation(organisation_id: int, now: datetime) -> list[Offer]:
    """An employer's live offers, most recently published first, for its public page."""
    return (
        await Offer.objects(*RELATED)
        .where(visible(now) & (Offer.organisation == organisation_id))
        .order_by(Offer.published_at, ascending=False)
        .order_by(Offer.id, ascending=False)
    )


async def live_for_sitemap(now: datetime) -> list[dict[str, Any]]:
    """Every live offer's slug and last change, with its employer's slug and last change."""
    return await (
        Offer.select(
            Offer.slug,
            Offer.updated_at,
            Offer.organisation._.slug.as_alias("organisation_slug"),
            Offer.organisation._.updated_at.as_alias("organisation_updated_at"),
        )
        .where(visible(now))
        .order_by(Offer.id)
    )


# --- the organisation space ------------------------------------------------------------------


async def alert_email_counts(offer_ids: list[int]) -> dict[int, int]:
    """How many alert emails included each offer (only sends the mail server accepted)."""
    from piccolo.query.functions.aggregate import Count

    from app.alerts.tables import AlertSend  # alerts build on offers, not the other way round

    if not offer_ids:
        return {}
    rows = (
        await AlertSend.select(AlertSend.offer, Count(AlertSend.id, alias="sends"))
        .where(AlertSend.offer.is_in(offer_ids) & AlertSend.sent_at.is_not_null())
        .group_by(AlertSend.offer)
    )
    return {r["offer"]: r["sends"] for r in rows}


def _a_year_later(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


async def duplicate(offer_id: int, principal: Principal, today: date, now: datetime) -> Offer:
    """A new draft copying an offer: last season's offer for the new season. Past dates move
    on by a year (as many years as it takes for the start not to be past), keeping the span."""
    row = await get_for_change(offer_id, principal)
    start: date = row.start_date
    end: date | None = row.end_date
    while start < today:
        start, end = _a_year_later(start), _a_year_later(end) if end else None
    copy = to_schema(row)
    data = schemas.OfferCreate(
        organisation_id=row.organisation.id,
        title=copy.title,
        description=copy.description,
        trade=copy.trade.code,
        place=copy.place.slug,
        seasons=copy.seasons,
        contract=copy.contract,
        start_date=start,
        end_date=end,
        hours_per_week=copy.hours_per_week,
        pay_min=copy.pay_min,
        pay_max=copy.pay_max,
        pay_period=copy.pay_period,
        housing=copy.housing,
        meals=copy.meals,
        languages=copy.languages,
        driving_licence=copy.driving_licence,
        experience=copy.experience,
        positions=copy.positions,
        apply_email=copy.apply_email,
        apply_url=copy.apply_url,
    )
    return await create(data, principal, now)


async def record_view(offer_id: int, now: datetime) -> None:
    """One more view of the offer's public page."""
    await OfferView.raw(
        "INSERT INTO offer_view (offer, views, last_viewed_at) VALUES ({}, 1, {}) "
        "ON CONFLICT (offer) DO UPDATE SET views = offer_view.views + 1, "
        "last_viewed_at = EXCLUDED.last_viewed_at",
        offer_id,
        now,
    )


async def view_counts(offer_ids: list[int]) -> dict[int, int]:
    if not offer_ids:
        return {}
    rows = await OfferView.select(OfferView.offer, OfferView.views).where(
        OfferView.offer.is_in(offer_ids)
    )
    return {r["offer"]: r["views"] for r in rows}
