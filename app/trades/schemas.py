from __future__ import annotations

import msgspec


class Trade(msgspec.Struct):
    code: str
    label: str
    mountain: bool
    mountain_label: str | None
    matched_title: str | None = None


class TradeDetail(msgspec.Struct):
    code: str
    label: str
    mountain: bool
    mountain_label: str | None
    titles: list[str]
