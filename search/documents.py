"""Table rows → search documents, one function per index; and which rows are public."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from app.core.vocabulary import OfferStatus, SessionStatus
from app.offers.tables import Offer
from app.places.tables import Place
from app.trades.tables import Trade, TradeTitle
from app.trainings.tables import Training, TrainingSession

PARIS = ZoneInfo("Europe/Paris")
# Monthly equivalents, so "at least 2 000 € a month" compares hourly, monthly and yearly pay.
HOURS_PER_MONTH = 151.67
TITLES_PER_TRADE = 40
PUBLIC_SESSION_STATUSES = (SessionStatus.OPEN.value, SessionStatus.FULL.value)


def timestamp(day: date | datetime | None) -> int | None:
    """Seconds since the epoch (a day counts from midnight in France), for range filters."""
    if day is None:
        return None
    if isinstance(day, datetime):
        return int(day.timestamp())
    return int(datetime.combine(day, time(0), tzinfo=PARIS).timestamp())


def monthly(amount: Any, period: str | None) -> float | None:
    if amount is None or period is None:
        return None
    value = float(amount)
    if period == "hour":
        value *= HOURS_PER_MONTH
    elif period == "year":
        value /= 12
    return round(value, 2)


def _place_fields(place: Place) -> dict[str, Any]:
    return {
        "place_slug": place.slug,
        "place_name": place.name,
        "commune": place.commune,
        "departement": place.departement_code,
        "massif": place.massif,
        # "Name — key" values: facet search matches the name and hands back the key.
        "place_key": f"{place.name} — {place.slug}",
        "_geo": {"lat": place.latitude, "lng": place.longitude},
    }


def offer_is_public(row: Offer, now: datetime) -> bool:
    """Published, not expired, and its organisation verified by staff."""
    return (
        row.status == OfferStatus.PUBLISHED
        and row.expires_at is not None
        and row.expires_at > now
        and bool(row.organisation.verified)
    )


def offer_document(row: Offer, trade_titles: Sequence[str]) -> dict[str, Any]:
    trade: Trade = row.trade
    return {
        "id": row.id,
        "slug": row.slug,
        "title": row.title,
        "description": row.description,
        "organisation_id": row.organisation.id,
        "organisation_slug": row.organisation.slug,
        "organisation_name": row.organisation.name,
        "trade_code": trade.code,
        "trade_label": trade.mountain_label or trade.label,
        "trade_titles": list(trade_titles),
        "trade_key": f"{trade.mountain_label or trade.label} — {trade.code}",
        **_place_fields(row.place),
        "seasons": list(row.seasons),
        "contract": row.contract,
        "housing": row.housing,
        "meals": row.meals,
        "languages": list(row.languages),
        "driving_licence": row.driving_licence,
        "experience": row.experience,
        "positions": row.positions,
        "hours_per_week": row.hours_per_week,
        "start_date": timestamp(row.start_date),
        "end_date": timestamp(row.end_date),
        "start_day": row.start_date.isoformat(),
        "end_day": row.end_date.isoformat() if row.end_date else None,
        "pay_min": float(row.pay_min) if row.pay_min is not None else None,
        "pay_max": float(row.pay_max) if row.pay_max is not None else None,
        "pay_period": row.pay_period,
        "pay_monthly_min": monthly(
            row.pay_min if row.pay_min is not None else row.pay_max, row.pay_period
        ),
        "published_at": timestamp(row.published_at),
        "expires_at": timestamp(row.expires_at),
    }


def session_is_public(row: TrainingSession) -> bool:
    return row.status in PUBLIC_SESSION_STATUSES


def session_document(row: TrainingSession, trade_labels: dict[str, str]) -> dict[str, Any]:
    training: Training = row.training
    codes = list(training.trade_codes)
    return {
        "id": row.id,
        "training_id": training.id,
        "training_slug": training.slug,
        "training_title": training.title,
        "description": training.description,
        "certification_code": training.certification_code,
        "certification_title": training.certification_title,
        "modality": training.modality,
        "duration_hours": training.duration_hours,
        "funding": list(training.funding),
        "price_incl_vat": float(training.price_incl_vat)
        if training.price_incl_vat is not None
        else None,
        "trade_codes": codes,
        "trade_labels": [trade_labels.get(c, c) for c in codes],
        "organisation_id": training.organisation.id,
        "organisation_slug": training.organisation.slug,
        "organisation_name": training.organisation.name,
        **_place_fields(row.place),
        "start_date": timestamp(row.start_date),
        "end_date": timestamp(row.end_date),
        "registration_deadline": timestamp(row.registration_deadline),
        "start_day": row.start_date.isoformat(),
        "end_day": row.end_date.isoformat(),
        "deadline_day": row.registration_deadline.isoformat(),
        "month": row.start_date.strftime("%Y-%m"),
        "seats_total": row.seats_total,
        "seats_left": max(row.seats_total - row.seats_taken, 0),
        "status": row.status,
    }


# --- loading rows -----------------------------------------------------------------------------


async def load_offers(ids: Iterable[int]) -> list[Offer]:
    wanted = list(set(ids))
    if not wanted:
        return []
    return await Offer.objects(Offer.organisation, Offer.trade, Offer.place).where(
        Offer.id.is_in(wanted)
    )


async def titles_by_trade(trade_ids: Iterable[int]) -> dict[int, list[str]]:
    wanted = list(set(trade_ids))
    titles: dict[int, list[str]] = defaultdict(list)
    if not wanted:
        return titles
    rows = (
        await TradeTitle.select(TradeTitle.trade, TradeTitle.label)
        .where(TradeTitle.trade.is_in(wanted))
        .order_by(TradeTitle.label)
    )
    for row in rows:
        if len(titles[row["trade"]]) < TITLES_PER_TRADE:
            titles[row["trade"]].append(row["label"])
    return titles


async def offer_documents(rows: Sequence[Offer]) -> list[dict[str, Any]]:
    titles = await titles_by_trade(r.trade.id for r in rows)
    return [offer_document(r, titles.get(r.trade.id, [])) for r in rows]


SESSION_RELATED = (
    TrainingSession.training,
    TrainingSession.training._.organisation,
    TrainingSession.place,
)


async def load_sessions(ids: Iterable[int]) -> list[TrainingSession]:
    wanted = list(set(ids))
    if not wanted:
        return []
    return await TrainingSession.objects(*SESSION_RELATED).where(TrainingSession.id.is_in(wanted))


async def session_documents(rows: Sequence[TrainingSession]) -> list[dict[str, Any]]:
    codes = {c for r in rows for c in r.training.trade_codes}
    labels: dict[str, str] = {}
    if codes:
        for trade in await Trade.select(Trade.code, Trade.label, Trade.mountain_label).where(
            Trade.code.is_in(list(codes))
        ):
            labels[trade["code"]] = trade["mountain_label"] or trade["label"]
    return [session_document(r, labels) for r in rows]
