"""The facet type-ahead of the offer search: trades or places as people type them, counted
over live offers.

Matching is the shared type-ahead's (app/core/typeahead.py, through `trades.find` and
`places.find`): elisions, accents, feminine and inclusive forms, abbreviations, one typo.
Counting is one Meilisearch query whose facet distribution is filtered to the matched values.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.core.search_params import trade_labels
from app.core.vocabulary import Massif
from app.offers import schemas
from app.offers.search import OFFER_FILTERS, guarded
from app.places import services as places
from app.places.tables import Place
from app.search_indexes import OFFERS
from app.trades import services as trades
from search.client import SearchEngine
from search.contract import combine, expression_parts
from search.filters import compare
from search.queries import facet_counts

LIMIT = 10
# Matches asked of the type-ahead before keeping those that have live offers: "saint" names
# hundreds of communes, and the ones with offers need not be among its first ten.
CANDIDATES = 100


async def _candidates(facet: str, text: str, massif: Sequence[Massif]) -> list[str]:
    """The values `text` names, most relevant first (the type-ahead's order)."""
    if facet == "trade":
        return [m.trade.code for m in await trades.find(text, limit=CANDIDATES)]
    return [p.slug for p in await places.find(text, list(massif), limit=CANDIDATES)]


async def _labels(facet: str, values: Sequence[str]) -> dict[str, str]:
    if not values:
        return {}
    if facet == "trade":
        return await trade_labels(values)
    rows = await Place.select(Place.slug, Place.name).where(Place.slug.is_in(list(values)))
    return {r["slug"]: r["name"] for r in rows}


async def live_facet_values(
    engine: SearchEngine,
    facet: str,
    text: str,
    massif: Sequence[Massif],
    now: datetime,
    limit: int = LIMIT,
) -> list[schemas.FacetValue]:
    """Trades (`facet="trade"`) or places (`"place"`) that `text` names and that live offers
    hold, with the number of those offers, most relevant first; no text: the values with the
    most live offers. `massif` narrows both the places matched and the offers counted.
    Raises Unavailable (503) when Meilisearch does not answer."""
    attribute = OFFER_FILTERS[facet].attribute
    candidates = await _candidates(facet, text, massif) if text.strip() else None
    if candidates == []:
        return []
    parts = expression_parts(
        OFFER_FILTERS, {"massif": [m.value for m in massif], facet: candidates}
    )
    filter_ = combine([*parts.values(), compare("expires_at", ">", now.timestamp())])
    counts = await guarded(facet_counts(engine, OFFERS, attribute, filter_))
    if candidates is None:
        ordered = sorted(counts, key=lambda value: (-counts[value], value))
    else:
        ordered = [value for value in candidates if counts.get(value)]
    kept = ordered[:limit]
    labels = await _labels(facet, kept)
    return [
        schemas.FacetValue(value=value, label=labels.get(value, value), count=counts[value])
        for value in kept
    ]
