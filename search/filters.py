"""Numeric comparisons on attributes the app's own code names (expiry, publication time).

Filters a caller chooses are declared in a domain's contract and written by
search/contract.py, which checks each value against its declared shape before quoting it:
user text never becomes filter syntax. The shapes admit no quote and no backslash, so we never
depend on how Meilisearch un-escapes them (its escaping of quotes in filters has had bugs:
meilisearch issue #6493).
"""

from __future__ import annotations

import math

from search.contract import UnsafeFilter

__all__ = ["NUMERIC", "compare"]

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
