"""Relevance, measured: the judged queries (judged.py) over the seeded catalogue (catalogue.py),
offers made through the services and indexed by the worker's outbox drain, searched through
the API. Asserts precision@10 ≥ 0.9 and recall ≥ 0.95 (means over the set), and that no
query naming a trade returns an offer of another trade (what a typo would bring in).

With RELEVANCE_FIGURES=path the figures are also written there as JSON (`make bench` prints
them, NDCG@10 included).
"""

from __future__ import annotations

import json
import os
import statistics
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from httpx import AsyncClient

from app.core.clock import FrozenClock
from search.client import SearchEngine
from tests.integration.conftest import make_org
from tests.integration.search.conftest import offer, sync
from tests.integration.search.relevance.catalogue import EMPLOYERS, Spec, build
from tests.integration.search.relevance.judged import QUERIES, Outcome, outcome

MIN_PRECISION_AT_10 = 0.9
MIN_RECALL = 0.95
PAGE_SIZE = 50


async def _seed(client: AsyncClient, clock: FrozenClock) -> dict[int, Spec]:
    employers = [await make_org(client, name, place=place) for name, place in EMPLOYERS]
    made: dict[int, Spec] = {}
    for spec in build():
        start = date(2027, 6, 15) if spec.season == "summer" else date(2026, 12, 12)
        row = await offer(
            employers[spec.employer].id,
            clock,
            title=spec.title,
            description=spec.description,
            trade=spec.trade,
            place=spec.place,
            seasons=[spec.season],
            housing=spec.housing,
            meals=spec.meals,
            start_date=start,
            end_date=start + timedelta(days=120),
        )
        made[row.id] = spec
    return made


async def _returned(client: AsyncClient, q: str) -> list[int]:
    """Every offer the search returns for q, in order, all pages."""
    ids: list[int] = []
    page = 1
    while True:
        answer = await client.get(
            "/api/offers/search", params={"q": q, "page": page, "page_size": PAGE_SIZE}
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        ids.extend(hit["id"] for hit in body["hits"])
        if page >= body["pages"]:
            return ids
        page += 1


def _figures(outcomes: list[Outcome]) -> dict[str, Any]:
    return {
        "queries": len(outcomes),
        "precision_at_10": statistics.fmean(o.precision_at_10 for o in outcomes),
        "recall": statistics.fmean(o.recall for o in outcomes),
        "ndcg_at_10": statistics.fmean(o.ndcg_at_10 for o in outcomes),
        "per_query": [
            {
                "q": o.query.q,
                "precision_at_10": round(o.precision_at_10, 3),
                "recall": round(o.recall, 3),
                "ndcg_at_10": round(o.ndcg_at_10, 3),
            }
            for o in outcomes
        ],
    }


def _explain(outcomes: list[Outcome], catalogue: dict[int, Spec]) -> str:
    lines = []
    for o in outcomes:
        if o.wrong or o.missed or o.intruders:
            wrong = [f"{catalogue[i].trade} {catalogue[i].title!r}" for i in o.wrong]
            intruders = [f"{catalogue[i].trade} {catalogue[i].title!r}" for i in o.intruders]
            lines.append(
                f"{o.query.q!r}: P@10 {o.precision_at_10:.2f} R {o.recall:.2f}; "
                f"wrong {wrong}; missed {len(o.missed)}; intruders {intruders}"
            )
    return "\n".join(lines)


async def test_judged_queries(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock
) -> None:
    assert len(QUERIES) >= 60
    catalogue = await _seed(client, clock)
    assert not [q.q for q in QUERIES if not any(q.relevant(s) for s in catalogue.values())]
    await sync(engine, clock)
    outcomes = [outcome(q, await _returned(client, q.q), catalogue) for q in QUERIES]
    figures = _figures(outcomes)
    if target := os.environ.get("RELEVANCE_FIGURES"):
        Path(target).write_text(json.dumps(figures, indent=1, ensure_ascii=False), "utf-8")
    report = _explain(outcomes, catalogue)
    summary = (
        f"P@10 {figures['precision_at_10']:.3f} R {figures['recall']:.3f} "
        f"NDCG@10 {figures['ndcg_at_10']:.3f}\n{report}"
    )
    assert not [o for o in outcomes if o.intruders], summary
    assert figures["precision_at_10"] >= MIN_PRECISION_AT_10, summary
    assert figures["recall"] >= MIN_RECALL, summary
    # Every judged query is reachable at all: none comes back empty-handed.
    assert not [o.query.q for o in outcomes if o.recall == 0], summary
