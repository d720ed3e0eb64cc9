"""Trades: France Travail's ROME v4.60, the mountain trades, and finding a trade by job title."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from app.core.errors import InvalidInput, NotFound
from app.core.text import search_key
from app.core.typeahead import CachedIndex, Index
from app.trades.synonyms import search_aliases
from app.trades.tables import Trade, TradeTitle

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class TradeMatch:
    trade: Trade
    title: str | None


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _aliases() -> list[tuple[str, str]]:
    """(alias, ROME code): search_aliases.csv, and the titles in six languages of the
    search's vocabulary (trade_titles_i18n.csv) that are not ROME titles."""
    own = [(r["alias"], r["code"]) for r in _read("search_aliases.csv")]
    return own + search_aliases()


async def load_reference() -> tuple[int, int]:
    """Insert or update every ROME code and job title (idempotent); returns both counts."""
    codes = _read("rome_codes_v460.csv")
    titles = _read("rome_titles_v460.csv")
    mountain = {r["code"]: r["label"] for r in _read("mountain_trades.csv")}
    aliases: dict[str, list[str]] = defaultdict(list)
    for alias, code in _aliases():
        aliases[code].append(alias)
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
    forget_index()
    return len(trade_rows), len(title_rows)


@dataclass
class TradeIndex:
    """The words of every trade's label, mountain label, job titles and search aliases;
    entry i names trades[i], and titles[i] is the job title it is (or None)."""

    index: Index = field(default_factory=Index)
    trades: list[int] = field(default_factory=list)
    titles: list[str | None] = field(default_factory=list)
    mountain: set[int] = field(default_factory=set)
    labels: set[int] = field(default_factory=set)  # entries that are a mountain label


async def _version() -> tuple[int, int]:
    rows = await TradeTitle.raw(
        "SELECT count(*) AS n, coalesce(max(id), 0) AS top FROM trade_title"
    )
    return rows[0]["n"], rows[0]["top"]


async def _build() -> TradeIndex:
    built = TradeIndex()

    def add(trade_id: int, text: str, code: str, title: str | None) -> None:
        built.index.add(text, [code])
        built.trades.append(trade_id)
        built.titles.append(title)

    codes: dict[int, str] = {}
    for row in await Trade.select(Trade.id, Trade.code, Trade.label, Trade.mountain_label):
        codes[row["id"]] = row["code"]
        add(row["id"], row["label"], row["code"], None)
        if row["mountain_label"]:
            built.mountain.add(row["id"])
            built.labels.add(len(built.trades))
            add(row["id"], row["mountain_label"], row["code"], None)
    for row in await TradeTitle.select(TradeTitle.trade, TradeTitle.label).order_by(TradeTitle.id):
        add(row["trade"], row["label"], codes[row["trade"]], row["label"])
    by_code = {code: trade_id for trade_id, code in codes.items()}
    for alias, code in _aliases():
        if code in by_code:
            add(by_code[code], alias, code, None)
    return built


_index = CachedIndex(_build, _version)


def forget_index() -> None:
    """Build the type-ahead again at its next use (after a new `seed reference`)."""
    _index.forget()


async def trade_index() -> TradeIndex:
    """The type-ahead's index, built again when the titles changed (checked every INDEX_TTL)."""
    return await _index.get()


async def find(q: str, mountain_only: bool = False, limit: int = 20) -> list[TradeMatch]:
    """Trades as people type them: a code, a label, a job title or alias, in the masculine,
    feminine or inclusive form ("monitrice", "serveur·se", "moniteur/monitrice"), with one
    typo in words of five letters or more; mountain trades first, those whose label matches
    before those matched by a job title. No q: mountain trades."""
    if not q.strip():
        query = Trade.objects().where(Trade.mountain.eq(True)).order_by(Trade.mountain_label)
        return [TradeMatch(t, None) for t in await query.limit(limit)]
    built = await trade_index()
    hits = built.index.search(
        q,
        limit,
        keep=(lambda e: built.trades[e] in built.mountain) if mountain_only else None,
        boost=lambda e: 0 if e in built.labels else 1 if built.trades[e] in built.mountain else 2,
        group=lambda e: built.trades[e],
    )
    ids = [built.trades[h.entry] for h in hits]
    if not ids:
        return []
    rows = {t.id: t for t in await Trade.objects().where(Trade.id.is_in(ids))}
    return [
        TradeMatch(rows[built.trades[h.entry]], built.titles[h.entry])
        for h in hits
        if built.trades[h.entry] in rows
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
