"""Filter expressions built only from known attributes and checked values.

Values are first checked against the pattern of their attribute (enums, slugs, ROME codes),
then quoted and escaped as a second line of defence: user text never becomes filter syntax.
The patterns admit no quote and no backslash, so we never depend on how Meilisearch
un-escapes them (its escaping of quotes in filters has had bugs: meilisearch issue #6493).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.vocabulary import Contract, Housing, Massif, Modality, Season, SessionStatus

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
_ROME = re.compile(r"^[A-Z][0-9]{4}$")
_DEPARTEMENT = re.compile(r"^(?:[0-9]{2,3}|2A|2B)$")
_MONTH = re.compile(r"^20[0-9]{2}-(?:0[1-9]|1[0-2])$")


def _enum(values: type[object]) -> re.Pattern[str]:
    names = "|".join(re.escape(str(v)) for v in values)  # type: ignore[attr-defined]
    return re.compile(rf"^(?:{names})$")


# Every attribute a filter may name, with the shape its values must have.
ATTRIBUTES: dict[str, re.Pattern[str]] = {
    "massif": _enum(Massif),
    "seasons": _enum(Season),
    "trade_code": _ROME,
    "trade_codes": _ROME,
    "contract": _enum(Contract),
    "housing": _enum(Housing),
    "departement": _DEPARTEMENT,
    "place_slug": _SLUG,
    "organisation_slug": _SLUG,
    "modality": _enum(Modality),
    "status": _enum(SessionStatus),
    "month": _MONTH,
}
NUMERIC = {
    "start_date",
    "end_date",
    "pay_monthly_min",
    "published_at",
    "expires_at",
    "registration_deadline",
    "seats_left",
    "training_id",
    "organisation_id",
}


class UnsafeFilter(ValueError):
    """A value that does not have the shape of its attribute; it never reaches Meilisearch."""


def quote(value: str) -> str:
    """A filter string literal: double-quoted, with backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def any_of(attribute: str, values: Sequence[str]) -> str | None:
    """`attribute IN ["a", "b"]`, or None when there are no values."""
    pattern = ATTRIBUTES.get(attribute)
    if pattern is None:
        raise UnsafeFilter(f"unknown filter attribute {attribute!r}")
    for value in values:
        if not pattern.match(value):
            raise UnsafeFilter(f"{attribute}: unexpected value {value!r}")
    if not values:
        return None
    return f"{attribute} IN [{', '.join(quote(v) for v in sorted(set(values)))}]"


def compare(attribute: str, operator: str, value: float) -> str:
    if attribute not in NUMERIC:
        raise UnsafeFilter(f"unknown numeric attribute {attribute!r}")
    if operator not in ("<", "<=", ">", ">=", "="):
        raise UnsafeFilter(f"unknown operator {operator!r}")
    if not math.isfinite(value):
        raise UnsafeFilter(f"{attribute}: not a finite number")
    number = int(value) if float(value).is_integer() else float(value)
    return f"{attribute} {operator} {number}"


@dataclass(frozen=True)
class Circle:
    """Within radius_km of a point."""

    lat: float
    lng: float
    radius_km: float

    def expression(self) -> str:
        if not (-90 <= self.lat <= 90 and -180 <= self.lng <= 180 and 0 < self.radius_km <= 500):
            raise UnsafeFilter("geo: latitude, longitude or radius out of range")
        return f"_geoRadius({self.lat:.6f}, {self.lng:.6f}, {round(self.radius_km * 1000)})"


def combine(parts: Sequence[str | None]) -> str | None:
    """AND of the non-empty parts, each in parentheses."""
    kept = [f"({p})" for p in parts if p]
    return " AND ".join(kept) if kept else None
