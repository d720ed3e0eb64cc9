"""The sync: lifecycle changes reach search, no change is lost, reindex swaps under reads."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import pytest
from arq.connections import ArqRedis
from arq.worker import Worker
from httpx import AsyncClient

from app.config import get_settings
from app.core.auth import Principal
from app.core.clock import FrozenClock
from app.core.queue import drain_job_id, open_queue, request_drain
from app.offers import services as offers
from app.outbox.services import pending_count
from app.outbox.sync import ensure_indexes, outdated_indexes, rebuild
from app.search_indexes import OFFERS
from search.client import SearchEngine
from search.sync import SearchSyncError, wait
from tests.integration.conftest import Org, make_offer
from tests.integration.search.conftest import ADMIN, days, offer, sync
from tests.meilisearch_server import MeilisearchServer
from workers.settings import WorkerSettings


async def _found(client: AsyncClient, **params: Any) -> set[int]:
    response = await client.get("/api/offers/search", params={"page_size": 50, **params})
    assert response.status_code == 200, response.text
    return {h["id"] for h in response.json()["hits"]}


async def test_lifecycle_reaches_search(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, employer: Org
) -> None:
    expiring, filled, archived, draft = [
        await offer(employer.id, clock, title=f"Offre {n}") for n in range(4)
    ]
    await offers.archive(draft.id, ADMIN, clock.now())
    draft = await offer(employer.id, clock, publish=False, title="Brouillon")
    await sync(engine, clock)
    assert await _found(client) == {expiring.id, filled.id, archived.id}

    await offers.mark_filled(filled.id, ADMIN, clock.now())
    await offers.archive(archived.id, ADMIN, clock.now())
    await sync(engine, clock)
    assert await _found(client) == {expiring.id}

    clock.advance(days(61))  # past the expiry: hidden at once, before any worker runs
    assert await _found(client) == set()
    assert await offers.expire(expiring.id, clock.now())
    await sync(engine, clock)
    assert await _found(client) == set()
    index = engine.index(OFFERS)
    assert (await index.get_stats()).number_of_documents == 0, "expired offers leave the index"

    await offers.renew(expiring.id, None, ADMIN, clock.now(), 60)
    await sync(engine, clock)
    assert await _found(client) == {expiring.id}


async def test_organisation_rename_reaches_its_offers(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, employer: Org
) -> None:
    row = await offer(employer.id, clock)
    await sync(engine, clock)
    response = await client.patch(
        f"/api/organisations/{employer.id}",
        json={"name": "Hôtel Les Sérac"},
        headers=employer.auth,
    )
    assert response.status_code == 200
    await sync(engine, clock)
    hits = (await client.get("/api/offers/search?q=serac")).json()["hits"]
    assert [(h["id"], h["organisation"]["name"]) for h in hits] == [(row.id, "Hôtel Les Sérac")]


async def test_no_change_is_lost_while_search_is_down(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
    employer: Org,
    meilisearch_server: MeilisearchServer,
) -> None:
    kept = await offer(employer.id, clock, title="Offre publiée plus tôt")
    await sync(engine, clock)
    meilisearch_server.stop()
    try:
        ready = await client.get("/ready")
        assert ready.status_code == 503
        assert ready.json()["checks"]["search"] != "ok"
        assert (await client.get("/api/offers/search")).status_code == 503
        made = []
        for n in range(25):  # 25 creations + 25 publications = 50 changes
            made.append(await make_offer(client, employer, title=f"Pendant la panne {n}"))
        assert await pending_count() == 50
        with contextlib.suppress(Exception):  # the drain fails while Meilisearch is down
            await sync(engine, clock)
        assert await pending_count() == 50, "nothing is marked done while search is down"
    finally:
        meilisearch_server.start()
    await sync(engine, clock)
    assert await pending_count() == 0
    assert await _found(client, q="panne") == {o["id"] for o in made}
    assert kept.id in await _found(client)
    assert len(await _found(client)) == 26


async def test_reindex_keeps_serving_searches(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, employer: Org
) -> None:
    for n in range(120):
        await offer(employer.id, clock, title=f"Offre {n}")
    await sync(engine, clock)
    totals: list[int] = []
    done = asyncio.Event()

    async def read() -> None:
        while not done.is_set():
            response = await client.get("/api/offers/search?q=offre")
            assert response.status_code == 200, response.text
            totals.append(response.json()["total"])
            await asyncio.sleep(0)

    async def reindex() -> None:
        try:
            for _ in range(2):
                await rebuild(engine, OFFERS, clock.now())
        finally:
            done.set()

    await asyncio.gather(read(), reindex())
    assert len(totals) >= 5
    assert set(totals) == {120}, "searches during a rebuild never fail or come back empty"


async def test_changed_settings_call_for_a_rebuild(
    engine: SearchEngine, clock: FrozenClock, employer: Org
) -> None:
    assert await outdated_indexes(engine) == []
    await offer(employer.id, clock)
    meta = engine.client.index(engine.meta_uid)
    task = await meta.add_documents([{"id": "offers", "digest": "old-settings"}])
    await engine.client.wait_for_task(task.task_uid)
    assert [s.name for s in await outdated_indexes(engine)] == ["offers"]
    assert await ensure_indexes(engine, clock.now()) == ["offers"]
    assert await outdated_indexes(engine) == []
    assert (await engine.index(OFFERS).get_stats()).number_of_documents == 1


async def test_a_long_indexing_run_is_waited_for_however_long_it_takes(
    engine: SearchEngine,
) -> None:
    """A rebuild of a million offers is one indexing run of many minutes: a wait gives up only
    when Meilisearch sits idle, never because the work is long (here the idle limit is a tiny
    fraction of the run, which goes on processing throughout)."""
    scratch = engine.index("wait_scratch")
    idle_timeout = 0.05
    try:
        tasks = [
            await scratch.add_documents(
                [{"id": i, "title": f"Offre {i}", "n": i % 7} for i in range(s, s + 10_000)],
                primary_key="id",
            )
            for s in range(0, 40_000, 10_000)
        ]
        started = time.monotonic()
        await wait(engine, tasks[-1], "scratch documents", idle_timeout=idle_timeout)
        assert time.monotonic() - started > 4 * idle_timeout
        assert (await scratch.get_stats()).number_of_documents == 40_000
        failing = await scratch.add_documents([{"title": "no id"}])
        with pytest.raises(SearchSyncError, match="failed"):
            await wait(engine, failing, "a document without id")
    finally:
        await engine.client.delete_index_if_exists(engine.uid("wait_scratch"))


async def test_a_worker_drains_what_the_app_enqueued(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
    employer: Org,
    queue: ArqRedis,
) -> None:
    queue_name = queue.default_queue_name
    await queue.delete(queue_name, f"arq:job:{drain_job_id(queue)}")
    try:
        row = await offer(employer.id, clock, title="Pisteur secouriste")
        assert await request_drain(queue)
        assert not await _found(client, q="pisteur")
        worker = Worker(
            functions=WorkerSettings.functions,
            # The worker closes its pool when done: give it one of its own.
            redis_pool=await open_queue(get_settings().redis.url, queue_name),
            queue_name=queue_name,
            burst=True,
            poll_delay=0,
            ctx={"search_engine": engine, "clock": clock, "owns_search_engine": False},
            on_startup=WorkerSettings.on_startup,
            on_shutdown=WorkerSettings.on_shutdown,
            handle_signals=False,
        )
        await worker.main()
        await worker.close()
        # The drain, then the alert run it asks for once offers changed.
        assert worker.jobs_complete == 2
        assert worker.jobs_failed == 0
        assert await _found(client, q="pisteur") == {row.id}
    finally:
        await queue.delete(queue_name, f"arq:job:{drain_job_id(queue)}")


def test_principal_of_tests_is_admin() -> None:
    assert Principal(organisation_id=None, admin=True).may_act_for(1)
