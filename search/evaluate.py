"""A contract's filters evaluated in memory over index documents, as Meilisearch evaluates them.

The semantics are those of the expressions search/contract.py writes: `IN` on a value or on
any value of a list (compared case-insensitively, as Meilisearch does), numeric comparisons
(a missing value never matches), and `_geoRadius` with Meilisearch's own haversine (milli's
`distance_between_two_points`, rounded to the millimetre, kept when ≤ the radius).

A set of documents is an int used as a bit set: bit i is the i-th document. Every filter kind
of search/contract.py is handled here; tests/integration/workers/test_alert_window.py checks
every declared filter of every contract against Meilisearch itself.
"""

from __future__ import annotations

import math
import sys
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from search.contract import Circle, Contract, Filter, Kind

EARTH_RADIUS_M = 6371e3  # geoutils, as milli uses it


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Meilisearch's distance (geoutils' haversine), to the millimetre, rounded as Rust does."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    hav_phi = (1.0 - math.cos(phi2 - phi1)) / 2.0
    hav_lambda = (
        math.cos(phi1) * math.cos(phi2) * ((1.0 - math.cos(math.radians(lng2 - lng1))) / 2.0)
    )
    scaled = 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(hav_phi + hav_lambda)) * 1000.0
    whole = math.floor(scaled)
    if scaled - whole >= 0.5:  # f64::round: half away from zero
        whole += 1
    return whole / 1000.0


def _folded(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v).lower() for v in values if v is not None]


def filter_key(contract: Contract, resolved: Mapping[str, Any]) -> tuple[Any, ...]:
    """What the filters of a resolved search depend on (equal keys, equal matches)."""
    key: list[tuple[str, Any]] = []
    for spec in contract.filters:
        value = resolved.get(spec.name)
        if value is None or not spec.filters:
            continue
        if spec.kind is Kind.ANY_OF:
            if value:
                key.append((spec.name, tuple(sorted(set(value)))))
        elif isinstance(value, Circle):
            key.append((spec.name, value.terms()))
        else:
            key.append((spec.name, float(value)))
    return tuple(key)


class Documents:
    """Index documents, each filter's matches computed once and kept."""

    def __init__(self, documents: Sequence[dict[str, Any]]):
        self.documents = list(documents)
        self.everything = (1 << len(self.documents)) - 1
        self._values: dict[str, dict[str, int]] = {}
        self._numbers: dict[tuple[str, str, float], int] = {}
        self._centres: dict[tuple[float, float], tuple[list[float], list[int]]] = {}
        self._points: dict[tuple[float, float], int] | None = None

    def __len__(self) -> int:
        return len(self.documents)

    def narrow(self, contract: Contract, resolved: Mapping[str, Any]) -> int:
        """The documents that pass every filter of the resolved search (its words aside)."""
        bits = self.everything
        for spec in contract.filters:
            value = resolved.get(spec.name)
            if value is not None and spec.filters:
                bits &= self.one(spec, value)
        return bits

    def one(self, spec: Filter, value: Any) -> int:
        """The documents one filter keeps."""
        if spec.kind is Kind.ANY_OF:
            return self.any_of(spec.attribute, value) if value else self.everything
        if spec.kind is Kind.GEO:
            if not isinstance(value, Circle):
                raise TypeError(f"{spec.name}: not a circle")
            return self.within(value)
        if spec.kind is Kind.AT_LEAST:
            return self.compare(spec.attribute, ">=", float(value))
        if spec.kind is Kind.AT_MOST:
            return self.compare(spec.attribute, "<=", float(value))
        raise NotImplementedError(f"{spec.name}: kind {spec.kind} not evaluated")

    def any_of(self, attribute: str, values: Iterable[str]) -> int:
        table = self._values.get(attribute)
        if table is None:
            table = {}
            for i, document in enumerate(self.documents):
                for value in set(_folded(document.get(attribute))):
                    table[value] = table.get(value, 0) | (1 << i)
            self._values[attribute] = table
        bits = 0
        for value in values:
            bits |= table.get(str(value).lower(), 0)
        return bits

    def compare(self, attribute: str, operator: str, value: float) -> int:
        key = (attribute, operator, float(value))
        found = self._numbers.get(key)
        if found is None:
            found = 0
            for i, document in enumerate(self.documents):
                number = document.get(attribute)
                if (
                    isinstance(number, int | float)
                    and not isinstance(number, bool)
                    and _holds(float(number), operator, float(value))
                ):
                    found |= 1 << i
            self._numbers[key] = found
        return found

    def within(self, circle: Circle) -> int:
        """The documents within the circle, as `_geoRadius` finds them."""
        lat, lng, radius = circle.terms()
        centre = self._centres.get((lat, lng))
        if centre is None:
            # Every distinct point by distance from this centre, with the documents within
            # each distance so far: a radius is then one bisect.
            by_distance = sorted(
                (distance_m(lat, lng, p_lat, p_lng), bits)
                for (p_lat, p_lng), bits in self._geo_points().items()
            )
            distances, within, so_far = [], [], 0
            for distance, bits in by_distance:
                so_far |= bits
                distances.append(distance)
                within.append(so_far)
            centre = (distances, within)
            self._centres[(lat, lng)] = centre
        distances, within = centre
        count = bisect_right(distances, radius + sys.float_info.epsilon)
        return within[count - 1] if count else 0

    def _geo_points(self) -> dict[tuple[float, float], int]:
        if self._points is None:
            points: dict[tuple[float, float], int] = {}
            for i, document in enumerate(self.documents):
                geo = document.get("_geo")
                if not isinstance(geo, dict):
                    continue
                try:
                    point = (float(geo["lat"]), float(geo["lng"]))
                except (KeyError, TypeError, ValueError):
                    continue
                points[point] = points.get(point, 0) | (1 << i)
            self._points = points
        return self._points


def _holds(number: float, operator: str, value: float) -> bool:
    if operator == ">=":
        return number >= value
    if operator == "<=":
        return number <= value
    if operator == ">":
        return number > value
    if operator == "<":
        return number < value
    return number == value
