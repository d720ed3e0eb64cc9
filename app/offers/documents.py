"""The offers' search documents: which offers are public, their rows, their documents.

Rows are read with one SQL statement per batch (joins included) as plain dicts: building
Piccolo objects for each offer, its organisation, trade and place took four times as long.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from app.core.clock import timestamp
from app.core.vocabulary import OfferStatus
from app.offers.services import visible
from app.offers.tables import Offer
from app.organisations.tables import IS_PUBLIC_SQL
from app.outbox.searchable import Changed, Document, Row, Searchable
from app.outbox.services import Entity
from app.places.documents import PLACE_COLUMNS, place_fields
from app.search_indexes import OFFERS
from app.trades.tables import TradeTitle

# Monthly equivalents, so "at least 2 000 € a month" compares hourly, monthly and yearly pay.
HOURS_PER_MONTH = 151.67
TITLES_PER_TRADE = 40


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


def offer_is_public(row: Row, now: datetime) -> bool:
    """Published, not expired, and its organisation public (verified by staff): the rule of
    `app.offers.services.visible`, on a row of `load_offers`."""
    return (
        row["status"] == OfferStatus.PUBLISHED
        and row["expires_at"] is not None
        and row["expires_at"] > now
        and bool(row["organisation_public"])
    )


def offer_document(row: Row, trade_titles: Sequence[str]) -> Document:
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
        **place_fields(row),
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


OFFER_ROWS = (
    "SELECT o.id, o.slug, o.title, o.description, o.seasons, o.contract, o.housing, o.meals, "
    "o.languages, o.driving_licence, o.experience, o.positions, o.hours_per_week, "
    "o.start_date, o.end_date, o.pay_min, o.pay_max, o.pay_period, o.status, "
    "o.published_at, o.expires_at, g.id AS organisation_id, g.slug AS organisation_slug, "
    f"g.name AS organisation_name, {IS_PUBLIC_SQL.format('g')} AS organisation_public, "
    "t.id AS trade_id, t.code AS trade_code, t.label AS trade_rome_label, t.mountain_label, "
    f"{PLACE_COLUMNS} "
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


async def offer_documents(rows: Sequence[Row]) -> list[Document]:
    titles = await titles_by_trade(r["trade_id"] for r in rows)
    return [offer_document(r, titles.get(r["trade_id"], [])) for r in rows]


async def public_offer_ids(now: datetime) -> list[int]:
    rows = await Offer.select(Offer.id).where(visible(now)).order_by(Offer.id)
    return [r["id"] for r in rows]


async def affected_offers(changed: Changed) -> set[int]:
    """The offers named, and those of the organisations named."""
    ids = set(changed.get(Entity.OFFER, ()))
    organisations = changed.get(Entity.ORGANISATION)
    if organisations:
        rows = await Offer.select(Offer.id).where(Offer.organisation.is_in(list(organisations)))
        ids.update(r["id"] for r in rows)
    return ids


SEARCHABLE = Searchable(
    spec=OFFERS,
    entities=frozenset({Entity.OFFER, Entity.ORGANISATION}),
    affected=affected_offers,
    load=load_offers,
    is_public=offer_is_public,
    documents=offer_documents,
    public_ids=public_offer_ids,
)
