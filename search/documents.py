"""Table rows → search documents, one function per index; and which rows are public.

Rows are read with one SQL statement per batch (joins included) as plain dicts: building
Piccolo objects for each offer, its organisation, trade and place took four times as long.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from app.core.clock import FRANCE
from app.core.vocabulary import OfferStatus, SessionStatus
from app.offers.tables import Offer
from app.organisations.tables import IS_PUBLIC_SQL
from app.trades.tables import Trade, TradeTitle
from app.trainings.tables import TrainingSession

# Monthly equivalents, so "at least 2 000 € a month" compares hourly, monthly and yearly pay.
HOURS_PER_MONTH = 151.67
TITLES_PER_TRADE = 40
PUBLIC_SESSION_STATUSES = (SessionStatus.OPEN.value, SessionStatus.FULL.value)

Row = dict[str, Any]  # a row of load_offers or load_sessions


def timestamp(day: date | datetime | None) -> int | None:
    """Seconds since the epoch (a day counts from midnight in France), for range filters."""
    if day is None:
        return None
    if isinstance(day, datetime):
        return int(day.timestamp())
    return int(datetime.combine(day, time(0), tzinfo=FRANCE).timestamp())


def monthly(amount: Any, period: str | None) -> float | None:
    if amount is None or period is None:
        return None
    value = float(amount)
    if period == "hour":
        value *= HOURS_PER_MONTH
    elif period == "year":
        value /= 12
    return round(value, 2)


def _float(value: Any) -> float | None:
    return float(value) if value is not None else None


def _place_fields(row: Row) -> dict[str, Any]:
    return {
        "place_slug": row["place_slug"],
        "place_name": row["place_name"],
        "commune": row["commune"],
        "departement": row["departement_code"],
        "massif": row["massif"],
        # "Name — key" values: facet search matches the name and hands back the key.
        "place_key": f"{row['place_name']} — {row['place_slug']}",
        "_geo": {"lat": row["latitude"], "lng": row["longitude"]},
    }


def offer_is_public(row: Row, now: datetime) -> bool:
    """Published, not expired, and its organisation public (verified by staff)."""
    return (
        row["status"] == OfferStatus.PUBLISHED
        and row["expires_at"] is not None
        and row["expires_at"] > now
        and bool(row["organisation_public"])
    )


def offer_document(row: Row, trade_titles: Sequence[str]) -> dict[str, Any]:
    """The document of an offer row of `load_offers`."""
    trade_label = row["mountain_label"] or row["trade_rome_label"]
    pay_min, pay_max, period = row["pay_min"], row["pay_max"], row["pay_period"]
    end: date | None = row["end_date"]
    return {
        "id": row["id"],
        "slug": row["slug"],
        "title": row["title"],
        "description": row["description"],
        "organisation_id": row["organisation_id"],
        "organisation_slug": row["organisation_slug"],
        "organisation_name": row["organisation_name"],
        "trade_code": row["trade_code"],
        "trade_label": trade_label,
        "trade_titles": list(trade_titles),
        "trade_key": f"{trade_label} — {row['trade_code']}",
        **_place_fields(row),
        "seasons": list(row["seasons"]),
        "contract": row["contract"],
        "housing": row["housing"],
        "meals": row["meals"],
        "languages": list(row["languages"]),
        "driving_licence": row["driving_licence"],
        "experience": row["experience"],
        "positions": row["positions"],
        "hours_per_week": row["hours_per_week"],
        "start_date": timestamp(row["start_date"]),
        "end_date": timestamp(end),
        "start_day": row["start_date"].isoformat(),
        "end_day": end.isoformat() if end else None,
        "pay_min": _float(pay_min),
        "pay_max": _float(pay_max),
        "pay_period": period,
        "pay_monthly_min": monthly(pay_min if pay_min is not None else pay_max, period),
        "published_at": timestamp(row["published_at"]),
        "expires_at": timestamp(row["expires_at"]),
    }


def session_is_public(row: Row) -> bool:
    """Open or full, and its school public (verified by staff)."""
    return row["status"] in PUBLIC_SESSION_STATUSES and bool(row["organisation_public"])


def session_document(row: Row, trade_labels: dict[str, str]) -> dict[str, Any]:
    """The document of a session row of `load_sessions`."""
    codes = list(row["trade_codes"])
    start: date = row["start_date"]
    return {
        "id": row["id"],
        "training_id": row["training_id"],
        "training_slug": row["training_slug"],
        "training_title": row["training_title"],
        "description": row["description"],
        "certification_code": row["certification_code"],
        "certification_title": row["certification_title"],
        "modality": row["modality"],
        "duration_hours": row["duration_hours"],
        "funding": list(row["funding"]),
        "price_incl_vat": _float(row["price_incl_vat"]),
        "trade_codes": codes,
        "trade_labels": [trade_labels.get(c, c) for c in codes],
        "organisation_id": row["organisation_id"],
        "organisation_slug": row["organisation_slug"],
        "organisation_name": row["organisation_name"],
        **_place_fields(row),
        "start_date": timestamp(start),
        "end_date": timestamp(row["end_date"]),
        "registration_deadline": timestamp(row["registration_deadline"]),
        "start_day": start.isoformat(),
        "end_day": row["end_date"].isoformat(),
        "deadline_day": row["registration_deadline"].isoformat(),
        "month": start.strftime("%Y-%m"),
        "seats_total": row["seats_total"],
        "seats_left": max(row["seats_total"] - row["seats_taken"], 0),
        "status": row["status"],
    }


# --- loading rows -----------------------------------------------------------------------------


PLACE_COLUMNS = (
    "p.slug AS place_slug, p.name AS place_name, p.commune, p.departement_code, p.massif, "
    "p.latitude, p.longitude"
)
# Whether the organisation `g` is public, by the rule of app/organisations/tables.py.
ORGANISATION_PUBLIC = f"{IS_PUBLIC_SQL.format('g')} AS organisation_public"
OFFER_ROWS = (
    "SELECT o.id, o.slug, o.title, o.description, o.seasons, o.contract, o.housing, o.meals, "
    "o.languages, o.driving_licence, o.experience, o.positions, o.hours_per_week, "
    "o.start_date, o.end_date, o.pay_min, o.pay_max, o.pay_period, o.status, "
    "o.published_at, o.expires_at, g.id AS organisation_id, g.slug AS organisation_slug, "
    f"g.name AS organisation_name, {ORGANISATION_PUBLIC}, t.id AS trade_id, "
    f"t.code AS trade_code, t.label AS trade_rome_label, t.mountain_label, {PLACE_COLUMNS} "
    "FROM offer o JOIN organisation g ON g.id = o.organisation "
    "JOIN trade t ON t.id = o.trade JOIN place p ON p.id = o.place "
    "WHERE o.id = ANY({})"
)


async def load_offers(ids: Iterable[int]) -> list[Row]:
    """The offers' rows with their organisation, trade and place, in one statement."""
    wanted = list(set(ids))
    if not wanted:
        return []
    rows: list[Row] = await Offer.raw(OFFER_ROWS, wanted)
    return rows


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


async def offer_documents(rows: Sequence[Row]) -> list[dict[str, Any]]:
    titles = await titles_by_trade(r["trade_id"] for r in rows)
    return [offer_document(r, titles.get(r["trade_id"], [])) for r in rows]


SESSION_ROWS = (
    "SELECT s.id, s.start_date, s.end_date, s.registration_deadline, s.seats_total, "
    "s.seats_taken, s.status, tr.id AS training_id, tr.slug AS training_slug, "
    "tr.title AS training_title, tr.description, tr.certification_code, "
    "tr.certification_title, tr.modality, tr.duration_hours, tr.funding, tr.price_incl_vat, "
    "tr.trade_codes, g.id AS organisation_id, g.slug AS organisation_slug, "
    f"g.name AS organisation_name, {ORGANISATION_PUBLIC}, {PLACE_COLUMNS} "
    "FROM training_session s JOIN training tr ON tr.id = s.training "
    "JOIN organisation g ON g.id = tr.organisation JOIN place p ON p.id = s.place "
    "WHERE s.id = ANY({})"
)


async def load_sessions(ids: Iterable[int]) -> list[Row]:
    """The sessions' rows with their training, organisation and place, in one statement."""
    wanted = list(set(ids))
    if not wanted:
        return []
    rows: list[Row] = await TrainingSession.raw(SESSION_ROWS, wanted)
    return rows


async def session_documents(rows: Sequence[Row]) -> list[dict[str, Any]]:
    codes = {c for r in rows for c in r["trade_codes"]}
    labels: dict[str, str] = {}
    if codes:
        for trade in await Trade.select(Trade.code, Trade.label, Trade.mountain_label).where(
            Trade.code.is_in(list(codes))
        ):
            labels[trade["code"]] = trade["mountain_label"] or trade["label"]
    return [session_document(r, labels) for r in rows]
