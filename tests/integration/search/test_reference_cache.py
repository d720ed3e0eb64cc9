"""Searches check trades and places against an in-memory copy of the reference data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import AsyncClient

from app.core import search_params
from app.places.tables import Place
from app.trades.tables import Trade
from search.client import SearchEngine
from tests.integration.conftest import Org
from tests.integration.search.conftest import offer, sync

NEW_CODE = "Z9998"


@pytest.fixture
async def no_new_trade() -> AsyncIterator[None]:
    search_params.forget_reference()
    try:
        yield
    finally:
        await Trade.delete().where(Trade.code == NEW_CODE)
        search_params.forget_reference()


async def test_a_search_reads_no_reference_table_once_loaded(
    client: AsyncClient,
    engine: SearchEngine,
    clock: Any,
    employer: Org,
    no_new_trade: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await offer(employer.id, clock, trade="G1803", place="val-thorens")
    await sync(engine, clock)
    url = (
        "/api/offers/search?trade=G1803&place=val-thorens&departement=73"
        "&near=val-thorens&radius_km=30"
    )
    first = await client.get(url)
    assert first.status_code == 200

    def no_query(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a reference table was read during a search")

    monkeypatch.setattr(Trade, "select", no_query)
    monkeypatch.setattr(Place, "select", no_query)
    again = await client.get(url)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.json()["facets"]["trade"] == [
        {"value": "G1803", "label": "Serveur·euse", "count": 1}
    ]


async def test_a_trade_loaded_after_the_copy_is_known_at_once(
    client: AsyncClient, engine: SearchEngine, no_new_trade: None
) -> None:
    assert (await client.get("/api/offers/search?trade=G1803")).status_code == 200
    unknown = await client.get(f"/api/offers/search?trade={NEW_CODE}")
    assert unknown.status_code == 400
    await Trade.insert(Trade(code=NEW_CODE, label="Métier de test", search_text="metier test"))
    assert (await client.get(f"/api/offers/search?trade={NEW_CODE}")).status_code == 200
