"""The organisation space: counts, duplicates, page views."""

from __future__ import annotations

from datetime import date, datetime

from app.core.auth import Principal
from app.offers import schemas
from app.offers.services._rows import create, get_for_change, to_schema
from app.offers.tables import Offer, OfferView


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
