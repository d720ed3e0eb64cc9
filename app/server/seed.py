"""Reference data: the curated places and France Travail's ROME trades."""

from __future__ import annotations

from dataclasses import dataclass

from app.places import services as places
from app.trades import services as trades


@dataclass(frozen=True)
class ReferenceCounts:
    places: int
    trades: int
    titles: int


async def load_reference() -> ReferenceCounts:
    place_count = await places.load_reference()
    trade_count, title_count = await trades.load_reference()
    return ReferenceCounts(places=place_count, trades=trade_count, titles=title_count)
