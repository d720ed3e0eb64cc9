"""The in-memory side of alert matching: bit sets, filters, Meilisearch's distance.

Whether these filters agree with Meilisearch's is proven against Meilisearch itself in
tests/integration/workers/test_alert_window.py.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.alerts.window import Matches, NewOffers, lowest
from app.core.clock import timestamp
from app.offers.search import OFFER_FILTERS
from search.contract import Circle
from search.evaluate import Documents, distance_m
from search.queries import SearchQuery


def OfferQuery(**filters: Any) -> SearchQuery:
    """A resolved offer search: filter values by public name."""
    return SearchQuery(contract=OFFER_FILTERS, filters=filters)


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def document(offer_id: int, hours_ago: float, **values: object) -> dict[str, object]:
    return {
        "id": offer_id,
        "published_at": int((NOW - timedelta(hours=hours_ago)).timestamp()),
        "massif": "alpes-nord",
        "seasons": ["winter"],
        "trade_code": "G1602",
        "contract": "seasonal",
        "housing": "provided",
        "departement": "73",
        "place_slug": "val-thorens",
        "organisation_slug": "hotel-des-cimes",
        "_geo": {"lat": 45.298, "lng": 6.58},
        "start_date": timestamp(date(2026, 12, 12)),
        "pay_monthly_min": 1850.0,
        **values,
    }


WINDOW = NewOffers(
    [
        document(10, 1),
        document(11, 2, massif="vosges", seasons=["winter", "summer"], departement="88"),
        document(12, 3, housing="none", pay_monthly_min=None, _geo=None),
        document(13, 4, trade_code="G1803", departement="2A", start_date=None),
        document(14, 5, contract="permanent", _geo={"lat": 48.05352, "lng": 6.903504}),
    ],
    NOW - timedelta(days=1),
    NOW,
)


def ids(bits: int) -> list[int]:
    return [WINDOW.ids[i] for i in lowest(bits, 100)]


def test_every_kind_of_filter_declared_is_evaluated() -> None:
    """Every narrowing filter of the contract has an in-memory evaluation (no hand-kept list)."""
    values = {"massif": ["jura"], "near": Circle(45.3, 6.6, 20), "start_from": 0}
    for spec in OFFER_FILTERS.filters:
        if spec.filters:
            value = values.get(spec.name, ["x"] if spec.many else values.get(spec.kind, 1.0))
            Documents([]).one(spec, value)


def test_lowest_bits_and_the_first_matches() -> None:
    assert lowest(0b101101, 3) == [0, 2, 3]
    assert lowest(0, 3) == []
    assert Matches(0b11011, None).first(newer=4, count=10) == [0, 1, 3]
    assert Matches(0b11011, [4, 3, 0, 1]).first(newer=4, count=2) == [3, 0]


def test_facets_lists_and_missing_values() -> None:
    assert ids(WINDOW.mask(OfferQuery())) == [10, 11, 12, 13, 14]
    assert ids(WINDOW.mask(OfferQuery(massif=["vosges"]))) == [11]
    assert ids(WINDOW.mask(OfferQuery(season=["summer"]))) == [11]
    assert ids(WINDOW.mask(OfferQuery(trade=["g1803"]))) == [13]  # any case
    assert ids(WINDOW.mask(OfferQuery(departement=["2A", "88"]))) == [11, 13]
    both = OfferQuery(housing=["provided"], contract=["seasonal"])
    assert ids(WINDOW.mask(both)) == [10, 11, 13]
    assert ids(WINDOW.mask(OfferQuery(pay_min=1800))) == [10, 11, 13, 14]
    assert ids(WINDOW.mask(OfferQuery(start_from=timestamp(date(2026, 12, 1))))) == [10, 11, 12, 14]
    near = OfferQuery(near=Circle(45.3, 6.6, 20))
    assert ids(WINDOW.mask(near)) == [10, 11, 13]  # no point, no match; Gérardmer is far


def test_published_after_counts_the_newest() -> None:
    assert WINDOW.published_after(NOW - timedelta(hours=2, minutes=30)) == 2
    assert WINDOW.published_after(NOW) == 0
    assert WINDOW.published_after(NOW - timedelta(days=2)) == 5


def test_distance_is_meilisearch_s_haversine() -> None:
    # geoutils' own test (the crate milli uses): 56.36 m.
    assert distance_m(27.740068, 85.337576, 27.740286, 85.337059) == 56.36
    assert distance_m(45.298, 6.58, 45.298, 6.58) == 0.0
    paris_lyon = distance_m(48.8566, 2.3522, 45.764, 4.8357)
    assert 390_000 < paris_lyon < 393_000
    assert math.isclose(paris_lyon, distance_m(45.764, 4.8357, 48.8566, 2.3522))
