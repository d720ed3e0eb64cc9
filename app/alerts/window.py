"""The offers published since the due alerts last ran, and saved searches matched against them.

Every due alert looks at the same few new offers, so their search documents are fetched from
Meilisearch once per run, and each distinct saved search is matched against them here:

- words stay Meilisearch's (typo tolerance, synonyms, stop words, its ranking): one search
  per distinct text, restricted to the new offers, gives the offers it finds, best first;
- filters are evaluated in Python with the semantics of the expressions search/queries.py
  gives Meilisearch: `IN` on a value or on any value of a list (compared case-insensitively,
  as Meilisearch does), numeric comparisons (a missing value never matches), and
  `_geoRadius` with Meilisearch's own haversine (milli's `distance_between_two_points`,
  rounded to the millimetre, kept when ≤ the radius).

tests/integration/workers/test_alert_window.py proves, with a real Meilisearch, that both
give the same offers in the same order as `search_offers` for a varied set of searches, so
this fast path cannot drift from the search API unnoticed. A set of offers is an int used as
a bit set: bit i is the i-th new offer, newest first.
"""

from __future__ import annotations

import dataclasses
import math
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from meilisearch_python_sdk.models.search import SearchParams

from app.core.clock import timestamp
from search.client import SearchEngine
from search.filters import Circle, combine, compare
from search.indexes import MAX_TOTAL_HITS, OFFERS
from search.queries import OFFER_FACETS, OFFER_SORTS, OfferQuery

# What the filters need of each new offer: no text, no description.
FIELDS = [
    "id",
    "published_at",
    *OFFER_FACETS,
    "departement",
    "place_slug",
    "organisation_slug",
    "_geo",
    "start_date",
    "pay_monthly_min",
]
# The OfferQuery fields this module knows how to evaluate; a new one must be taught here
# (a unit test fails until it is). q is Meilisearch's; the rest do not filter.
EVALUATED = {
    "q",
    "facets",
    "departement",
    "place",
    "organisation",
    "near",
    "start_from",
    "start_to",
    "pay_monthly_min",
}
NOT_FILTERS = {"published_after", "sort", "page", "page_size"}
RECENT = OFFER_SORTS["recent"]
TEXT_SEARCHES_PER_REQUEST = 50
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


def circle_terms(circle: Circle) -> tuple[float, float, int]:
    """The centre and radius exactly as Circle.expression writes them into the filter."""
    return float(f"{circle.lat:.6f}"), float(f"{circle.lng:.6f}"), round(circle.radius_km * 1000)


def lowest(bits: int, count: int) -> list[int]:
    """The positions of the `count` lowest set bits."""
    found: list[int] = []
    while bits and len(found) < count:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    return found


def _folded(value: Any) -> list[str]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [str(v).lower() for v in values if v is not None]


def filter_key(query: OfferQuery) -> tuple[Any, ...]:
    """What the filters of a query depend on (not its words)."""
    return (
        tuple(sorted((k, tuple(sorted(v))) for k, v in query.facets.items() if v)),
        tuple(sorted(query.departement)),
        tuple(sorted(query.place)),
        tuple(sorted(query.organisation)),
        circle_terms(query.near) if query.near is not None else None,
        query.start_from,
        query.start_to,
        query.pay_monthly_min,
    )


class NewOffers:
    """The live offers published after `since`, newest first, as Meilisearch sorts them."""

    def __init__(self, documents: Sequence[dict[str, Any]], since: datetime, now: datetime):
        self.documents = list(documents)
        self.since = since
        self.now = now
        self.ids = [int(d["id"]) for d in self.documents]
        self.position = {offer_id: i for i, offer_id in enumerate(self.ids)}
        # Ascending keys for bisect: minus the publication time.
        self._minus_published = [-float(d["published_at"]) for d in self.documents]
        self.everything = (1 << len(self.documents)) - 1
        self._values: dict[str, dict[str, int]] = {}
        self._numbers: dict[tuple[str, str, float], int] = {}
        self._centres: dict[tuple[float, float], tuple[list[float], list[int]]] = {}
        self._points: dict[tuple[float, float], int] | None = None
        self._masks: dict[tuple[Any, ...], int] = {}

    def __len__(self) -> int:
        return len(self.documents)

    @staticmethod
    def window_filter(since: datetime, now: datetime) -> str:
        """The offers published after `since` that search_offers would still show at `now`."""
        window = combine(
            [
                compare("published_at", ">", since.timestamp()),
                compare("expires_at", ">", now.timestamp()),
            ]
        )
        assert window is not None
        return window

    @classmethod
    async def load(cls, engine: SearchEngine, since: datetime, now: datetime) -> NewOffers:
        query = SearchParams(
            index_uid=engine.uid(OFFERS),
            q=None,
            filter=cls.window_filter(since, now),
            sort=RECENT,
            limit=MAX_TOTAL_HITS,
            attributes_to_retrieve=FIELDS,
        )
        results = await engine.client.multi_search([query])
        assert isinstance(results, list)
        return cls(results[0].hits, since, now)

    def keep(self, offer_ids: Iterable[int]) -> NewOffers:
        """Only these offers (those the database still says are live), in the same order."""
        wanted = set(offer_ids)
        return NewOffers([d for d in self.documents if d["id"] in wanted], self.since, self.now)

    def published_after(self, moment: datetime) -> int:
        """How many of the new offers were published after `moment` (they come first)."""
        return bisect_left(self._minus_published, -moment.timestamp())

    # --- words: Meilisearch's ----------------------------------------------------------------

    async def rank(self, engine: SearchEngine, texts: Iterable[str]) -> dict[str, list[int]]:
        """For each text, the positions of the new offers it finds, best first (relevance,
        then newest: search_offers' order for an alert)."""
        wanted = sorted({t for t in texts if t})
        ranks: dict[str, list[int]] = {}
        if not wanted or not self.documents:
            return {t: [] for t in wanted}
        window = self.window_filter(self.since, self.now)
        # Offers indexed since the window was read may also be found: leave room for them,
        # and ask again with more room in the unlikely case it was all used.
        limit = 2 * len(self.documents) + 100
        while wanted:
            batch, wanted = wanted[:TEXT_SEARCHES_PER_REQUEST], wanted[TEXT_SEARCHES_PER_REQUEST:]
            queries = [
                SearchParams(
                    index_uid=engine.uid(OFFERS),
                    q=text,
                    filter=window,
                    sort=RECENT,
                    limit=limit,
                    attributes_to_retrieve=["id"],
                )
                for text in batch
            ]
            results = await engine.client.multi_search(queries)
            assert isinstance(results, list)
            for text, result in zip(batch, results, strict=True):
                if len(result.hits) >= limit:
                    limit *= 2
                    wanted.append(text)
                    continue
                position = self.position
                ranks[text] = [position[h["id"]] for h in result.hits if h["id"] in position]
        return ranks

    def matches(self, query: OfferQuery, ranks: dict[str, list[int]]) -> Matches:
        """The new offers `query` finds, in its order (`ranks` from `rank`, for its words)."""
        bits = self.mask(query)
        if not query.q:
            return Matches(bits, None)
        return Matches(bits, [i for i in ranks.get(query.q, ()) if bits >> i & 1])

    # --- filters: evaluated here ---------------------------------------------------------------

    def mask(self, query: OfferQuery) -> int:
        """The new offers that pass every filter of `query` (its words aside)."""
        key = filter_key(query)
        found = self._masks.get(key)
        if found is None:
            found = self._mask(query)
            self._masks[key] = found
        return found

    def _mask(self, query: OfferQuery) -> int:
        unknown = {f.name for f in dataclasses.fields(query)} - EVALUATED - NOT_FILTERS
        if unknown:  # a filter search_offers knows and this module does not: refuse
            raise NotImplementedError(f"filters not evaluated for alerts: {sorted(unknown)}")
        bits = self.everything
        for name in OFFER_FACETS:
            values = query.facets.get(name, ())
            if values:
                bits &= self._any(name, values)
        for attribute, values in (
            ("departement", query.departement),
            ("place_slug", query.place),
            ("organisation_slug", query.organisation),
        ):
            if values:
                bits &= self._any(attribute, values)
        if query.near is not None:
            bits &= self.within(query.near)
        if query.start_from is not None:
            bits &= self._compare("start_date", ">=", timestamp(query.start_from) or 0)
        if query.start_to is not None:
            bits &= self._compare("start_date", "<=", timestamp(query.start_to) or 0)
        if query.pay_monthly_min is not None:
            bits &= self._compare("pay_monthly_min", ">=", query.pay_monthly_min)
        return bits

    def _any(self, attribute: str, values: Iterable[str]) -> int:
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

    def _compare(self, attribute: str, operator: str, value: float) -> int:
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
        """The new offers within the circle, as `_geoRadius` finds them."""
        lat, lng, radius = circle_terms(circle)
        centre = self._centres.get((lat, lng))
        if centre is None:
            # Every distinct point of the new offers by distance from this centre, with the
            # offers within each distance so far: a radius is then one bisect.
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


@dataclasses.dataclass(frozen=True)
class Matches:
    """The new offers one saved search finds: a bit set, and their order when it has words
    (without words, newest first: the order of the bits)."""

    bits: int
    ranked: list[int] | None

    def first(self, newer: int, count: int) -> list[int]:
        """The first `count` positions among the `newer` newest offers."""
        if self.ranked is None:
            return lowest(self.bits & ((1 << newer) - 1), count)
        found: list[int] = []
        for i in self.ranked:
            if i < newer:
                found.append(i)
                if len(found) == count:
                    break
        return found


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
