"""One search contract per searchable domain: its filters declared once, as plain data.

A domain (app/offers/search.py, app/trainings/search.py) instantiates `Filter`s; everything
that reads or runs a search derives from that declaration: the canonical form of a search
(`Contract.canonical`, the identity of a saved search and of a feed URL), the Meilisearch
filter expression (`expression`), and the in-memory evaluator of the alerts
(search/evaluate.py). This module imports nothing from app/.

Values come in two shapes:
- *raw*: what a URL or a saved search holds, strings by public name
  (`{"massif": ["jura", "vosges"], "q": "serveur"}`), checked and put in canonical form here;
- *resolved*: what the index understands, by public name, once the domain looked up what
  needs the database (a place slug near which to search becomes a `Circle`, a date a
  timestamp): `{"massif": ["jura"], "near": Circle(…), "start_from": 1798671600}`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

# How many hits a search lets one page to: past it, one refines the search. The site and the
# API both derive their last page from it (`last_page`).
REACHABLE_HITS = 1_000
MAX_VALUES = 20  # values of one any-of filter
MAX_RADIUS_KM = 200.0  # the widest circle a geo filter draws around its point


class Kind(StrEnum):
    """How a filter narrows a search."""

    TEXT = "text"  # the words (q): Meilisearch's, never a filter expression
    ANY_OF = "any-of"  # attribute IN [values]; repeat the parameter for "any of"
    AT_LEAST = "at-least"  # attribute >= value
    AT_MOST = "at-most"  # attribute <= value
    GEO = "geo"  # _geoRadius around a point; resolved by the domain into a Circle
    OPTION = "option"  # a single value that does not filter by itself (radius_km, sort)


@dataclass(frozen=True)
class Filter:
    """One public search parameter.

    name: the public name (URL, API, saved search); attribute: the index attribute it filters
    (empty for text and options); values: the closed list it accepts, or pattern: the shape
    of each value; bounds: (low, high) of a number, low excluded when `low_open`; upper:
    values compared upper-cased (ROME codes, départements); default: the value that is the
    same as not giving it (dropped from the canonical form); value_type: "str", "float",
    "date".
    """

    name: str
    kind: Kind
    attribute: str = ""
    values: tuple[str, ...] = ()
    pattern: str | None = None
    bounds: tuple[float, float] | None = None
    low_open: bool = False
    upper: bool = False
    default: str | None = None
    value_type: str = "str"
    max_length: int = 200
    needs: tuple[str, ...] = ()  # kept only when one of these is given (radius_km: near)

    @property
    def many(self) -> bool:
        return self.kind is Kind.ANY_OF

    @property
    def filters(self) -> bool:
        """Whether the filter narrows the index by itself (text and options do not)."""
        return self.kind in (Kind.ANY_OF, Kind.AT_LEAST, Kind.AT_MOST, Kind.GEO)

    def check(self, value: str) -> str | None:
        """The value in canonical form, or None when it does not fit."""
        if self.kind is Kind.TEXT:
            folded = " ".join(value.split()).casefold()
            return folded if len(folded) <= self.max_length and "\x00" not in folded else None
        value = value.strip()
        if self.upper:
            value = value.upper()
        if self.values and value not in self.values:
            return None
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return None
        if self.value_type == "float":
            return _number(value, self.bounds, self.low_open)
        if self.value_type == "date":
            try:
                return date.fromisoformat(value).isoformat() if len(value) == 10 else None
            except ValueError:
                return None
        return value


def _number(value: str, bounds: tuple[float, float] | None, low_open: bool) -> str | None:
    try:
        number = float(value)
    except ValueError:
        return None
    if not math.isfinite(number):
        return None
    if bounds is not None:
        low, high = bounds
        if number > high or number < low or (low_open and number == low):
            return None
    return f"{number:g}" if number.is_integer() and abs(number) < 1e15 else repr(number)


@dataclass(frozen=True)
class Problem:
    """A raw value the contract refuses: the parameter, and why (an English reason)."""

    name: str
    reason: str
    value: str = ""


@dataclass(frozen=True)
class Canonical:
    """A search in canonical form: sets sorted and deduplicated, text trimmed, case-folded and
    whitespace-collapsed, defaults dropped. Two searches that mean the same are equal."""

    values: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def get(self, name: str, default: str | None = None) -> str | None:
        for key, values in self.values:
            if key == name:
                return values[0]
        return default

    def getall(self, name: str) -> tuple[str, ...]:
        for key, values in self.values:
            if key == name:
                return values
        return ()

    def pairs(self) -> list[tuple[str, str]]:
        return [(k, v) for k, vs in self.values for v in vs]

    def as_dict(self, contract: Contract) -> dict[str, Any]:
        """JSON of a saved search: lists for any-of filters, a value for the others."""
        out: dict[str, Any] = {}
        for key, values in self.values:
            spec = contract.get(key)
            if spec is None:
                continue
            if spec.many:
                out[key] = list(values)
            elif spec.value_type == "float":
                number = float(values[0])
                out[key] = int(number) if number.is_integer() else number
            else:
                out[key] = values[0]
        return out


@dataclass(frozen=True)
class Contract:
    """The filters of one searchable domain, in the order they are shown and written."""

    filters: tuple[Filter, ...]
    facets: tuple[str, ...] = ()  # any-of filters whose counts a search returns
    _by_name: dict[str, Filter] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({f.name: f for f in self.filters})

    def __getitem__(self, name: str) -> Filter:
        return self._by_name[name]

    def get(self, name: str) -> Filter | None:
        return self._by_name.get(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.filters)

    def canonical(
        self, raw: Mapping[str, Any], *, only: Iterable[str] | None = None
    ) -> tuple[Canonical, list[Problem]]:
        """The canonical form of `raw` (a multi-dict of strings, or a saved search's JSON),
        and a Problem for each value that does not fit and each single-valued parameter given
        more than once (`q=serveur&q=moniteur` is refused, not read as one of them)."""
        wanted = set(self.names if only is None else only)
        problems: list[Problem] = []
        kept: list[tuple[str, tuple[str, ...]]] = []
        for spec in self.filters:
            if spec.name not in wanted or spec.name not in raw:
                continue
            given = raw[spec.name]
            items = [given] if given is None or isinstance(given, str | int | float) else given
            texts = [str(v) for v in items if v is not None]
            texts = [t for t in texts if t.strip()]
            if not spec.many and len(texts) > 1:
                problems.append(Problem(spec.name, "give this parameter once"))
                continue
            if len(texts) > MAX_VALUES:
                problems.append(Problem(spec.name, f"at most {MAX_VALUES} values"))
                continue
            values: set[str] = set()
            for text in texts:
                checked = spec.check(text)
                if checked is None:
                    problems.append(Problem(spec.name, "value not accepted", text[:60]))
                elif checked != "":
                    values.add(checked)
            if spec.default is not None and values == {spec.default}:
                continue
            if values:
                kept.append((spec.name, tuple(sorted(values))))
        given = {name for name, _ in kept}
        kept = [
            (name, values)
            for name, values in kept
            if not self[name].needs or given.intersection(self[name].needs)
        ]
        return Canonical(tuple(kept)), problems


# --- Meilisearch filter expressions, from resolved values --------------------------------------


@dataclass(frozen=True)
class Circle:
    """Within radius_km of a point."""

    lat: float
    lng: float
    radius_km: float

    def terms(self) -> tuple[float, float, int]:
        """The centre and radius exactly as the expression writes them."""
        return float(f"{self.lat:.6f}"), float(f"{self.lng:.6f}"), round(self.radius_km * 1000)

    def expression(self) -> str:
        inside = -90 <= self.lat <= 90 and -180 <= self.lng <= 180
        if not (inside and 0 < self.radius_km <= MAX_RADIUS_KM):
            raise UnsafeFilter("geo: latitude, longitude or radius out of range")
        return f"_geoRadius({self.lat:.6f}, {self.lng:.6f}, {round(self.radius_km * 1000)})"


class UnsafeFilter(ValueError):
    """A value that does not have the shape of its filter; it never reaches Meilisearch."""


def quote(value: str) -> str:
    """A filter string literal: double-quoted, with backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def part(spec: Filter, value: Any) -> str | None:
    """The expression of one filter for its resolved value (None: it does not narrow)."""
    if value is None or not spec.filters:
        return None
    if spec.kind is Kind.ANY_OF:
        values = sorted(set(value))
        if not values:
            return None
        for v in values:
            if spec.check(v) != v:
                raise UnsafeFilter(f"{spec.name}: unexpected value {v!r}")
        return f"{spec.attribute} IN [{', '.join(quote(v) for v in values)}]"
    if spec.kind is Kind.GEO:
        if not isinstance(value, Circle):
            raise UnsafeFilter(f"{spec.name}: not a circle")
        return value.expression()
    number = float(value)
    if not math.isfinite(number):
        raise UnsafeFilter(f"{spec.name}: not a finite number")
    operator = ">=" if spec.kind is Kind.AT_LEAST else "<="
    return f"{spec.attribute} {operator} {_literal(number)}"


def _literal(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def expression_parts(
    contract: Contract, resolved: Mapping[str, Any], without: str | None = None
) -> dict[str, str]:
    """The expression of each narrowing filter by name (all but `without`)."""
    parts: dict[str, str] = {}
    for spec in contract.filters:
        if spec.name == without:
            continue
        found = part(spec, resolved.get(spec.name))
        if found:
            parts[spec.name] = found
    return parts


def combine(parts: Sequence[str | None]) -> str | None:
    """AND of the non-empty parts, each in parentheses."""
    kept = [f"({p})" for p in parts if p]
    return " AND ".join(kept) if kept else None


def last_page(page_size: int) -> int:
    """The last page one can reach with this page size (REACHABLE_HITS hits in all)."""
    return max(1, -(-REACHABLE_HITS // page_size))


def reachable_pages(total: int, page_size: int) -> int:
    """How many pages a search of `total` hits shows: never past `last_page`."""
    return min(-(-total // page_size), last_page(page_size))
