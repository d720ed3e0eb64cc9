"""Trades: France Travail's ROME v4.60, the mountain trades, and finding a trade by job title."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import InvalidInput, NotFound
from app.core.text import like_escape, search_key
from app.trades.tables import Trade, TradeTitle

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class TradeMatch:
    trade: Trade
    title: str | None


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


async def load_reference() -> tuple[int, int]:
    """Insert or update every ROME code and job title (idempotent); returns both counts."""
    codes = _read("rome_codes_v460.csv")
    titles = _read("rome_titles_v460.csv")
    mountain = {r["code"]: r["label"] for r in _read("mountain_trades.csv")}
    aliases: dict[str, list[str]] = defaultdict(list)
    for record in _read("search_aliases.csv"):
        aliases[record["code"]].append(record["alias"])
    titles_by_code: dict[str, list[str]] = defaultdict(list)
    for record in titles:
        titles_by_code[record["code"]].append(record["label"])

    trade_rows = [
        Trade(
            code=r["code"],
            label=r["label"],
            mountain=r["code"] in mountain,
            mountain_label=mountain.get(r["code"]),
            search_text=search_key(
                r["code"],
                r["label"],
                mountain.get(r["code"], ""),
                *titles_by_code[r["code"]],
                *aliases[r["code"]],
            ),
        )
        for r in codes
    ]
    for start in range(0, len(trade_rows), 500):
        await Trade.insert(*trade_rows[start : start + 500]).on_conflict(
            target=Trade.code,
            action="DO UPDATE",
            values=[Trade.label, Trade.mountain, Trade.mountain_label, Trade.search_text],
        )
    ids = {r["code"]: r["id"] for r in await Trade.select(Trade.code, Trade.id)}
    title_rows = [
        TradeTitle(
            code_ogr=int(r["code_ogr"]),
            trade=ids[r["code"]],
            label=r["label"],
            short_label=r["short_label"],
            search_text=search_key(r["label"], r["short_label"]),
        )
        for r in titles
    ]
    for start in range(0, len(title_rows), 1000):
        await TradeTitle.insert(*title_rows[start : start + 1000]).on_conflict(
            target=TradeTitle.code_ogr,
            action="DO UPDATE",
            values=[
                TradeTitle.trade,
                TradeTitle.label,
                TradeTitle.short_label,
                TradeTitle.search_text,
            ],
        )
    return len(trade_rows), len(title_rows)


async def find(q: str, mountain_only: bool = False, limit: int = 20) -> list[TradeMatch]:
    """Trades whose code, label, job titles or aliases hold every word of q."""
    words = search_key(q).split()
    if not words:
        query = Trade.objects().where(Trade.mountain.eq(True)).order_by(Trade.mountain_label)
        return [TradeMatch(t, None) for t in await query.limit(limit)]
    trade_query = Trade.objects()
    title_query = TradeTitle.select(TradeTitle.trade, TradeTitle.label)
    for word in words:
        pattern = f"%{like_escape(word)}%"
        trade_query = trade_query.where(Trade.search_text.like(pattern))
        title_query = title_query.where(TradeTitle.search_text.like(pattern))
    if mountain_only:
        trade_query = trade_query.where(Trade.mountain.eq(True))
    trades = await trade_query.limit(300)
    matched_titles: dict[int, list[str]] = defaultdict(list)
    for row in await title_query.limit(2000):
        matched_titles[row["trade"]].append(row["label"])
    key = " ".join(words)

    def rank(trade: Trade) -> tuple[int, int, int, str]:
        titles = matched_titles.get(trade.id, [])
        exact = any(search_key(t).startswith(key) for t in titles)
        return (0 if trade.mountain else 1, 0 if exact else 1, -len(titles), trade.code)

    ranked = sorted(trades, key=rank)[:limit]
    return [
        TradeMatch(t, min(matched_titles[t.id], key=len) if matched_titles.get(t.id) else None)
        for t in ranked
    ]


async def mountain_trades() -> list[Trade]:
    return await Trade.objects().where(Trade.mountain.eq(True)).order_by(Trade.code)


async def get_by_code(code: str) -> Trade:
    trade = await Trade.objects().where(Trade.code == code.upper()).first()
    if trade is None:
        raise NotFound(f"No trade with ROME code {code!r}")
    return trade


async def titles_of(trade_id: int) -> list[str]:
    rows = (
        await TradeTitle.select(TradeTitle.label)
        .where(TradeTitle.trade == trade_id)
        .order_by(TradeTitle.label)
    )
    return [r["label"] for r in rows]


async def resolve_code(code: str, field: str) -> Trade:
    """The trade a request names, or an InvalidInput error naming the field."""
    trade = await Trade.objects().where(Trade.code == code.upper()).first()
    if trade is None:
        raise InvalidInput.one(
            field, f"unknown ROME code {code!r}; find trades with GET /api/trades?q="
        )
    return trade
