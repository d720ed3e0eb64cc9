"""Search tests: the suite's Meilisearch, emptied before each test, and offers made via services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app.core.auth import Principal
from app.core.clock import FrozenClock
from app.offers import schemas as offer_schemas
from app.offers import services as offers
from app.offers.tables import Offer
from app.outbox.sync import drain_outbox
from search.client import SearchEngine

ADMIN = Principal(organisation_id=None, admin=True)


async def sync(engine: SearchEngine, clock: FrozenClock) -> None:
    await drain_outbox(engine, clock.now)


async def offer(
    organisation_id: int, clock: FrozenClock, publish: bool = True, **overrides: Any
) -> Offer:
    """An offer made through the services, published unless told otherwise."""
    values: dict[str, Any] = {
        "organisation_id": organisation_id,
        "title": "Serveur / Serveuse en restaurant d'altitude",
        "description": "Service en salle et en terrasse, au pied des pistes, pour la saison.",
        "trade": "G1803",
        "place": "val-thorens",
        "seasons": ["winter"],
        "contract": "seasonal",
        "start_date": date(2026, 12, 12),
        "end_date": date(2027, 4, 20),
        "pay_min": 1850,
        "pay_max": 2100,
        "pay_period": "month",
        "housing": "provided",
        "apply_email": "jobs@example.fr",
        **overrides,
    }
    import msgspec

    data = msgspec.convert(values, offer_schemas.OfferCreate, strict=False)
    row = await offers.create(data, ADMIN, clock.now())
    if publish:
        row = await offers.publish(row.id, None, ADMIN, clock.now(), 60)
    return row


def days(n: int) -> timedelta:
    return timedelta(days=n)
