"""Numeric comparisons on attributes the app's own code names (expiry, publication time).

Filters a caller chooses are declared in a domain's contract and written by
search/contract.py, which checks each value against its declared shape before quoting it:
user text never becomes filter syntax. The shapes admit no quote and no backslash, so we never
depend on how Meilisearch un-escapes them (its escaping of quotes in filters has had bugs:
meilisearch issue #6493).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from search.contract import Circle, UnsafeFilter, combine, quote

__all__ = ["NUMERIC", "Circle", "UnsafeFilter", "any_of", "combine", "compare", "quote"]

_ATTRIBUTE = re.compile(r"^[a-z_][a-z0-9_]{0,63}$")
# Every value an any-of filter holds (enums, slugs, ROME codes, départements, months).
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,119}$")

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


def compare(attribute: str, operator: str, value: float) -> str:
    if attribute not in NUMERIC:
        raise UnsafeFilter(f"unknown numeric attribute {attribute!r}")
    if operator not in ("<", "<=", ">", ">=", "="):
        raise UnsafeFilter(f"unknown operator {operator!r}")
    if not math.isfinite(value):
        raise UnsafeFilter(f"{attribute}: not a finite number")
    number = int(value) if float(value).is_integer() else float(value)
    return f"{attribute} {operator} {number}"


def any_of(attribute: str, values: Sequence[str]) -> str | None:
    """`attribute IN ["a", "b"]` for values the app chose (a contract's filters go through
    search/contract.py, which checks each value's declared shape); None without values."""
    if not _ATTRIBUTE.match(attribute):
        raise UnsafeFilter(f"unexpected attribute {attribute!r}")
    for value in values:
        if not _TOKEN.match(value):
            raise UnsafeFilter(f"{attribute}: unexpected value {value!r}")
    if not values:
        return None
    return f"{attribute} IN [{', '.join(quote(v) for v in sorted(set(values)))}]"
