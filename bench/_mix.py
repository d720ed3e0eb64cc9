"""A seeded, realistic mix of offer searches, as the search page and the API receive them.

Most searches have words and two or three ticked facets; about 15 % look near a resort
(with a radius, a third of them sorted by distance); a few browse without words. Every
search asks for all the facet counts, as the page does. Each search is a dict of the
parameters of `GET /api/offers/search` (lists repeat: `?massif=jura&massif=vosges`).
"""

from __future__ import annotations

from random import Random
from typing import Any
from urllib.parse import urlencode

from bench.generate import (
    ALERT_WORDS,
    BIG_RESORTS,
    MASSIF_SHARE,
    TRADE_WEIGHT,
    Weighted,
    mountain_trades,
    places,
)

Search = dict[str, Any]

GEO_SHARE = 0.15
BROWSE_SHARE = 0.15  # no words: facets (and maybe a place) only
# What people type besides the trade words: typos, places, two-word searches.
EXTRA_WORDS = Weighted(
    [
        ("serveuze", 3.0),
        ("cuisiner", 2.0),
        ("receptioniste", 2.0),
        ("monitrice ski", 2.0),
        ("chamonix", 2.0),
        ("val thorens", 2.0),
        ("serveur logé", 3.0),
        ("cuisinier saison hiver", 2.0),
        ("plonge", 1.0),
        ("remontées mécaniques", 2.0),
        ("vendeur ski", 1.0),
        ("animateur enfants", 1.0),
        ("hôtel", 1.5),
        ("restaurant altitude", 1.0),
        ("boulanger", 1.0),
    ]
)
FACET_WEIGHTS = {"massif": 30.0, "season": 25.0, "trade": 20.0, "housing": 15.0, "contract": 10.0}
FACETS = Weighted(list(FACET_WEIGHTS.items()))
# Near a resort, a massif would only repeat (or contradict) the distance.
GEO_FACETS = Weighted([(f, w) for f, w in FACET_WEIGHTS.items() if f != "massif"])
FACET_COUNT = Weighted([(2, 55.0), (3, 45.0)])
RADII = (10.0, 15.0, 20.0, 30.0, 50.0)
PAGES = Weighted([(1, 85.0), (2, 10.0), (3, 5.0)])


def _facet_values(facet: str, rng: Random, trades: Weighted[str]) -> list[str]:
    if facet == "massif":
        massifs = Weighted(list(MASSIF_SHARE.items()))
        return massifs.sample(rng, 1 if rng.random() < 0.75 else 2)
    if facet == "season":
        return rng.choice([["winter"]] * 12 + [["summer"]] * 4 + [["winter", "summer"]] * 2)
    if facet == "trade":
        return trades.sample(rng, 1 if rng.random() < 0.7 else 2)
    if facet == "housing":
        return ["provided"] if rng.random() < 0.75 else ["provided", "help"]
    return rng.choice([["seasonal"]] * 12 + [["permanent"]] * 3 + [["seasonal", "fixed-term"]] * 3)


def query_mix(seed: int, count: int) -> list[Search]:
    """`count` searches drawn from the seed: the same seed, the same searches."""
    rng = Random(f"{seed}:search-mix")
    codes = mountain_trades()
    trades = Weighted([(c, w) for c, w in TRADE_WEIGHT.items() if c in codes])
    resorts = [p.slug for p in places() if p.slug in BIG_RESORTS]
    searches: list[Search] = []
    for _ in range(count):
        search: Search = {}
        geo = rng.random() < GEO_SHARE
        if rng.random() >= BROWSE_SHARE:
            search["q"] = ALERT_WORDS.pick(rng) if rng.random() < 0.75 else EXTRA_WORDS.pick(rng)
        if geo:
            facets = GEO_FACETS.sample(rng, FACET_COUNT.pick(rng))
            search["near"] = rng.choice(resorts)
            search["radius_km"] = rng.choice(RADII)
            if rng.random() < 0.35:
                search["sort"] = "distance"
        else:
            facets = FACETS.sample(rng, FACET_COUNT.pick(rng))
            if rng.random() < 0.1:
                search["sort"] = "recent"
        for facet in facets:
            search[facet] = _facet_values(facet, rng, trades)
        page = PAGES.pick(rng)
        if page > 1:
            search["page"] = page
        searches.append(search)
    return searches


def query_string(search: Search) -> str:
    """The query string of GET /api/offers/search for a search."""
    pairs: list[tuple[str, str]] = []
    for key, value in search.items():
        if isinstance(value, list):
            pairs.extend((key, str(v)) for v in value)
        else:
            pairs.append((key, str(value)))
    return urlencode(pairs)


def describe(searches: list[Search]) -> dict[str, float]:
    """Shares of the mix, for the report."""
    n = max(len(searches), 1)
    facet_counts = [
        sum(1 for k in ("massif", "season", "trade", "contract", "housing") if k in s)
        for s in searches
    ]
    return {
        "searches": len(searches),
        "with_words": round(sum(1 for s in searches if s.get("q")) / n, 3),
        "geo": round(sum(1 for s in searches if "near" in s) / n, 3),
        "mean_facet_filters": round(sum(facet_counts) / n, 2),
        "sorted_by_distance": round(sum(1 for s in searches if s.get("sort") == "distance") / n, 3),
    }
