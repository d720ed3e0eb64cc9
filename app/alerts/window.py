"""The offers published since the due alerts last ran, and saved searches matched against them.

Every due alert looks at the same few new offers, so their search documents are fetched from
Meilisearch once per run, and each distinct saved search is matched against them here:

- words stay Meilisearch's (typo tolerance, synonyms, stop words, its ranking): one search
  per distinct text, restricted to the new offers, gives the offers it finds, best first;
- filters are the offer contract's (app/offers/search.py OFFER_FILTERS), evaluated in memory
  by search/evaluate.py with the semantics of the expressions Meilisearch is given.

tests/integration/workers/test_alert_window.py proves, with a real Meilisearch, for every
filter the contract declares, that both give the same offers in the same order as
`search_offers`. A set of offers is an int used as a bit set: bit i is the i-th new offer,
newest first.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from meilisearch_python_sdk.models.search import SearchParams

from app.offers.search import OFFER_FILTERS
from app.search_indexes import OFFERS
from search.client import SearchEngine
from search.contract import combine
from search.evaluate import Documents, filter_key
from search.filters import compare
from search.indexes import MATCHING_STRATEGY, MAX_TOTAL_HITS
from search.queries import OFFER_SORTS, SearchQuery

__all__ = ["Matches", "NewOffers", "lowest"]

# What the filters need of each new offer: each declared filter's attribute; no text.
FIELDS = sorted({"id", "published_at"} | {f.attribute for f in OFFER_FILTERS.filters if f.filters})
RECENT = OFFER_SORTS["recent"]
TEXT_SEARCHES_PER_REQUEST = 50


def lowest(bits: int, count: int) -> list[int]:
    """The positions of the `count` lowest set bits."""
    found: list[int] = []
    while bits and len(found) < count:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    return found


class NewOffers(Documents):
    """The live offers published after `since`, newest first, as Meilisearch sorts them."""

    def __init__(self, documents: Sequence[dict[str, Any]], since: datetime, now: datetime):
        super().__init__(documents)
        self.since = since
        self.now = now
        self.ids = [int(d["id"]) for d in self.documents]
        self.position = {offer_id: i for i, offer_id in enumerate(self.ids)}
        # Ascending keys for bisect: minus the publication time.
        self._minus_published = [-float(d["published_at"]) for d in self.documents]
        self._masks: dict[tuple[Any, ...], int] = {}

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
                    matching_strategy=MATCHING_STRATEGY,
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

    def matches(self, query: SearchQuery, ranks: dict[str, list[int]]) -> Matches:
        """The new offers `query` finds, in its order (`ranks` from `rank`, for its words)."""
        bits = self.mask(query)
        if not query.q:
            return Matches(bits, None)
        return Matches(bits, [i for i in ranks.get(query.q, ()) if bits >> i & 1])

    # --- filters: the contract's, evaluated in memory ---------------------------------------

    def mask(self, query: SearchQuery) -> int:
        """The new offers that pass every filter of `query` (its words aside)."""
        key = filter_key(query.contract, query.filters)
        found = self._masks.get(key)
        if found is None:
            found = self.narrow(query.contract, query.filters)
            self._masks[key] = found
        return found


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
