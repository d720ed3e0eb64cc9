"""Honest paging: the API and the site page as far as the contract's REACHABLE_HITS."""

from __future__ import annotations

from httpx import AsyncClient

from app.web.query import MAX_PAGE
from search.client import SearchEngine
from search.contract import REACHABLE_HITS, last_page, reachable_pages


def test_pages_never_pass_what_page_accepts() -> None:
    assert REACHABLE_HITS == 1_000
    assert reachable_pages(1_255, 20) == last_page(20) == MAX_PAGE == 50
    assert reachable_pages(1_255, 1) == 1_000
    assert reachable_pages(1_255, 30) == 34
    assert reachable_pages(45, 20) == 3


async def test_the_api_refuses_a_page_past_the_reachable_hits(
    client: AsyncClient, engine: SearchEngine
) -> None:
    ok = await client.get("/api/offers/search", params={"page": 50, "page_size": 20})
    assert ok.status_code == 200, ok.text
    refused = await client.get("/api/offers/search", params={"page": 51, "page_size": 20})
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json()["errors"]] == ["page"]
    sessions = await client.get("/api/sessions/search", params={"page": 21, "page_size": 50})
    assert sessions.status_code == 400
