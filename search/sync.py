"""Keep Meilisearch in step with PostgreSQL: drain the outbox; rebuild and swap indexes.

A batch of outbox rows is locked (SKIP LOCKED, so several workers share the work), applied
to Meilisearch, and marked processed only once every Meilisearch task has succeeded. A
failure leaves the rows pending with their attempt count and error; the caller retries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from meilisearch_python_sdk.errors import MeilisearchApiError
from meilisearch_python_sdk.models.settings import MeilisearchSettings
from meilisearch_python_sdk.models.task import TaskInfo, TaskResult
from piccolo.engine import engine_finder

from app.offers.tables import Offer
from app.organisations.tables import is_public
from app.outbox.tables import OutboxEvent
from app.trainings.tables import TrainingSession
from search.client import SearchEngine
from search.documents import (
    PUBLIC_SESSION_STATUSES,
    load_offers,
    load_sessions,
    offer_documents,
    offer_is_public,
    session_documents,
    session_is_public,
)
from search.indexes import ALL, OFFERS, SESSIONS, IndexSpec

log = logging.getLogger(__name__)

# A task is waited for as long as Meilisearch is working (a million offers' rebuild is one
# indexing run of many minutes, the tasks queued behind it wait as long); the wait fails when
# Meilisearch stops answering, or has left the task queued this long with nothing processing.
TASK_IDLE_TIMEOUT_S = 120.0
DOCUMENT_BATCH = 2_000
SEND_AT_BYTES = 64 * 1024 * 1024  # documents a rebuild holds before sending (about 25 000)
# Outbox rows a drain applies at once: each batch is one Meilisearch indexing run, whose fixed
# cost dominates small batches (500 rows: about 1 700 changes/s; 2 000: about 3 000).
DRAIN_BATCH = 2_000


class SearchSyncError(RuntimeError):
    """Meilisearch did not apply a change; the outbox rows stay pending."""


async def wait(
    engine: SearchEngine,
    task: TaskInfo | int,
    what: str,
    idle_timeout: float = TASK_IDLE_TIMEOUT_S,
) -> None:
    """Until the task is done; SearchSyncError if it did not succeed."""
    uid = task if isinstance(task, int) else task.task_uid
    result = await finished(engine, uid, what, idle_timeout)
    if result.status != "succeeded":
        raise SearchSyncError(f"{what}: Meilisearch task {uid} {result.status}: {result.error}")


async def finished(
    engine: SearchEngine, uid: int, what: str, idle_timeout: float = TASK_IDLE_TIMEOUT_S
) -> TaskResult:
    """The task once done (succeeded, failed or canceled); SearchSyncError if Meilisearch sat
    idle for `idle_timeout` seconds with the task still queued."""
    started = idle_since = time.monotonic()
    while True:
        result = await engine.client.get_task(uid)
        if result.status not in ("enqueued", "processing"):
            return result
        now = time.monotonic()
        if result.status == "processing" or await _processing(engine):
            idle_since = now
        elif now - idle_since >= idle_timeout:
            raise SearchSyncError(
                f"{what}: Meilisearch task {uid} still enqueued after {idle_timeout:.0f} s "
                "with nothing processing"
            )
        # Often at first (a drain's batch takes a fraction of a second), then less.
        waited = now - started
        await asyncio.sleep(0.02 if waited < 1 else 0.1 if waited < 10 else 0.5)


async def _processing(engine: SearchEngine) -> bool:
    """Whether Meilisearch is processing any task (then the queued ones are moving)."""
    return bool((await engine.client.get_tasks(statuses=["processing"], limit=1)).results)


# --- index creation and settings ---------------------------------------------------------------


async def _create(engine: SearchEngine, uid: str) -> None:
    if not await _exists(engine, uid):
        await engine.client.create_index(uid, primary_key="id", wait=True)


async def _exists(engine: SearchEngine, uid: str) -> bool:
    try:
        await engine.client.get_index(uid)
    except MeilisearchApiError as exc:
        if exc.code == "index_not_found":
            return False
        raise
    return True


async def built_digests(engine: SearchEngine) -> dict[str, str]:
    """The settings digest each live index was built with (empty when unknown)."""
    # A rebuild does not wait for its digest to be written: wait for any still on its way (a
    # failed one is simply missing, and its index rebuilt again).
    pending = await engine.client.get_tasks(
        index_ids=[engine.meta_uid], statuses=["enqueued", "processing"]
    )
    for task in pending.results:
        await finished(engine, task.uid, "settings digest")
    if not await _exists(engine, engine.meta_uid):
        return {}
    documents = await engine.client.index(engine.meta_uid).get_documents(limit=100)
    return {d["id"]: d["digest"] for d in documents.results}


async def _record_digest(engine: SearchEngine, spec: IndexSpec) -> TaskInfo:
    """Note the settings the live index was built with (the meta index is created if missing).

    Not waited for: Meilisearch writes it after the swap that was, and a small write can
    wait a second or more behind its indexing queue (built_digests waits for it instead).
    """
    return await engine.client.index(engine.meta_uid).add_documents(
        [{"id": spec.name, "digest": spec.digest}], primary_key="id"
    )


async def outdated_indexes(engine: SearchEngine) -> list[IndexSpec]:
    """Indexes missing, or built with other settings than the code's: they need a rebuild."""
    digests = await built_digests(engine)
    outdated = []
    for spec in ALL:
        if digests.get(spec.name) != spec.digest or not await _exists(engine, engine.uid(spec)):
            outdated.append(spec)
    return outdated


# --- outbox drain ------------------------------------------------------------------------------


@dataclass
class DrainReport:
    batches: int = 0
    events: int = 0
    upserted: dict[str, int] = field(default_factory=lambda: {"offers": 0, "sessions": 0})
    deleted: dict[str, int] = field(default_factory=lambda: {"offers": 0, "sessions": 0})


async def _affected(events: list[dict[str, Any]]) -> tuple[set[int], set[int]]:
    """The offer and session ids whose documents the events may have changed."""
    offer_ids: set[int] = set()
    session_ids: set[int] = set()
    organisations: set[int] = set()
    trainings: set[int] = set()
    for event in events:
        entity, entity_id = event["entity"], event["entity_id"]
        if entity == "offer":
            offer_ids.add(entity_id)
        elif entity == "session":
            session_ids.add(entity_id)
        elif entity == "training":
            trainings.add(entity_id)
        elif entity == "organisation":
            organisations.add(entity_id)
    if organisations:
        rows = await Offer.select(Offer.id).where(Offer.organisation.is_in(list(organisations)))
        offer_ids.update(r["id"] for r in rows)
        rows = await TrainingSession.select(TrainingSession.id).where(
            TrainingSession.training._.organisation.is_in(list(organisations))
        )
        session_ids.update(r["id"] for r in rows)
    if trainings:
        rows = await TrainingSession.select(TrainingSession.id).where(
            TrainingSession.training.is_in(list(trainings))
        )
        session_ids.update(r["id"] for r in rows)
    return offer_ids, session_ids


async def apply_changes(
    engine: SearchEngine,
    offer_ids: set[int],
    session_ids: set[int],
    now: datetime,
    report: DrainReport,
) -> None:
    """Bring the documents of these offers and sessions in line with the database."""
    offers = await load_offers(offer_ids)
    public_offers = [o for o in offers if offer_is_public(o, now)]
    gone_offers = sorted(offer_ids - {o["id"] for o in public_offers})
    sessions = await load_sessions(session_ids)
    public_sessions = [s for s in sessions if session_is_public(s)]
    gone_sessions = sorted(session_ids - {s["id"] for s in public_sessions})

    tasks: list[tuple[TaskInfo, str]] = []
    if public_offers:
        documents = await offer_documents(public_offers)
        tasks.append((await engine.index(OFFERS).add_documents(documents, "id"), "offers"))
    if gone_offers:
        ids = [str(i) for i in gone_offers]
        tasks.append((await engine.index(OFFERS).delete_documents(ids), "offer removal"))
    if public_sessions:
        documents = await session_documents(public_sessions)
        tasks.append((await engine.index(SESSIONS).add_documents(documents, "id"), "sessions"))
    if gone_sessions:
        ids = [str(i) for i in gone_sessions]
        tasks.append((await engine.index(SESSIONS).delete_documents(ids), "session removal"))
    for task, what in tasks:
        await wait(engine, task, what)
    report.upserted["offers"] += len(public_offers)
    report.deleted["offers"] += len(gone_offers)
    report.upserted["sessions"] += len(public_sessions)
    report.deleted["sessions"] += len(gone_sessions)


async def drain_outbox(
    engine: SearchEngine,
    clock_now: Callable[[], datetime],
    batch_size: int = DRAIN_BATCH,
    max_batches: int | None = None,
) -> DrainReport:
    """Apply pending outbox rows in batches until none is left (or max_batches)."""
    report = DrainReport()
    db = engine_finder()
    assert db is not None
    while max_batches is None or report.batches < max_batches:
        failed: tuple[list[int], str] | None = None
        async with db.transaction():
            events = await OutboxEvent.raw(
                "SELECT id, entity, entity_id FROM outbox_event WHERE processed_at IS NULL "
                "ORDER BY id LIMIT {} FOR UPDATE SKIP LOCKED",
                batch_size,
            )
            if not events:
                break
            ids = [e["id"] for e in events]
            now = clock_now()
            try:
                offer_ids, session_ids = await _affected(events)
                await apply_changes(engine, offer_ids, session_ids, now, report)
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"[:2000]
                log.warning("search sync of %d outbox rows failed: %s", len(ids), error)
                # Count the attempt in its own statement, once this transaction has ended.
                failed = (ids, error)
            else:
                await OutboxEvent.update(
                    {OutboxEvent.processed_at: now, OutboxEvent.attempts: OutboxEvent.attempts + 1}
                ).where(OutboxEvent.id.is_in(ids))
        if failed is not None:
            failed_ids, error = failed
            await OutboxEvent.update(
                {OutboxEvent.attempts: OutboxEvent.attempts + 1, OutboxEvent.last_error: error}
            ).where(OutboxEvent.id.is_in(failed_ids))
            raise SearchSyncError(error)
        report.batches += 1
        report.events += len(ids)
    return report


# --- full reindex ------------------------------------------------------------------------------


async def _send_documents(engine: SearchEngine, uid: str, body: bytes) -> int:
    """POST documents already encoded as a JSON array; the uid of Meilisearch's task."""
    response = await engine.client.http_client.post(
        f"indexes/{uid}/documents",
        params={"primaryKey": "id"},
        content=body,
        headers={"Content-Type": "application/json"},
    )
    if response.is_error:
        raise SearchSyncError(f"documents of {uid}: HTTP {response.status_code}: {response.text}")
    return int(response.json()["taskUid"])


async def _all_public_offer_ids(now: datetime) -> list[int]:
    rows = (
        await Offer.select(Offer.id)
        .where(
            (Offer.status == "published")
            & (Offer.expires_at > now)
            & is_public(Offer.organisation._)
        )
        .order_by(Offer.id)
    )
    return [r["id"] for r in rows]


async def _all_public_session_ids() -> list[int]:
    rows = (
        await TrainingSession.select(TrainingSession.id)
        .where(
            TrainingSession.status.is_in(list(PUBLIC_SESSION_STATUSES))
            & is_public(TrainingSession.training._.organisation._)
        )
        .order_by(TrainingSession.id)
    )
    return [r["id"] for r in rows]


Progress = Callable[[str, int, int], None]


async def rebuild(
    engine: SearchEngine, spec: IndexSpec, now: datetime, progress: Progress | None = None
) -> int:
    """Build a fresh copy of an index from the database, then swap it in atomically.

    Searches keep hitting the old index until the swap. Outbox rows written meanwhile are
    replayed afterwards (the sync is idempotent), so no change made during the build is lost.
    """
    started = now
    live, fresh = engine.uid(spec), engine.uid(f"{spec.name}_rebuild")
    await engine.client.delete_index_if_exists(fresh)
    await _create(engine, fresh)
    # The settings first, so that the documents are indexed once, with them. Not waited for:
    # Meilisearch runs an index's tasks in order, and the waits below report a failure.
    settings = await engine.client.index(fresh).update_settings(
        MeilisearchSettings.model_validate(spec.settings)
    )
    if spec is OFFERS:
        ids = await _all_public_offer_ids(now)
    else:
        ids = await _all_public_session_ids()
    # The documents are built first, then sent back to back without waiting (at most
    # SEND_AT_BYTES of them at a time): Meilisearch queues the batches and indexes the queued
    # ones together (autobatching), several times faster than one indexing run per batch;
    # and building them while it indexes would take CPU from it on a small machine.
    built: list[tuple[bytes, int]] = []
    sent: list[tuple[int, int]] = []
    for start in range(0, len(ids), DOCUMENT_BATCH):
        chunk = ids[start : start + DOCUMENT_BATCH]
        if spec is OFFERS:
            documents = await offer_documents(await load_offers(chunk))
        else:
            documents = await session_documents(await load_sessions(chunk))
        built.append((engine.client.json_handler.dump_bytes(documents), len(chunk)))
        if sum(len(body) for body, _ in built) >= SEND_AT_BYTES:
            sent += [(await _send_documents(engine, fresh, body), n) for body, n in built]
            built = []
    sent += [(await _send_documents(engine, fresh, body), n) for body, n in built]
    await wait(engine, settings, f"settings of {fresh}")
    done = 0
    for task, size in sent:
        await wait(engine, task, f"documents of {fresh}")
        done += size
        if progress:
            progress(spec.name, done, len(ids))
    if not await _exists(engine, live):
        await _create(engine, live)
    swap = await engine.client.swap_indexes([(live, fresh)])
    await wait(engine, swap, f"swap of {live}")
    await _record_digest(engine, spec)
    # The old copy, now under the fresh name, is deleted in the background (a rebuild starts
    # by deleting it, should it still be there).
    await engine.client.index(fresh).delete()
    entity = "offer" if spec is OFFERS else "session"
    await OutboxEvent.update({OutboxEvent.processed_at: None}).where(
        (OutboxEvent.created_at >= started)
        & OutboxEvent.processed_at.is_not_null()
        & OutboxEvent.entity.is_in([entity, "organisation", "training"])
    )
    return len(ids)


async def ensure_indexes(
    engine: SearchEngine, now: datetime, progress: Progress | None = None
) -> list[str]:
    """Rebuild the indexes that are missing or whose settings changed; returns their names."""
    rebuilt = []
    for spec in await outdated_indexes(engine):
        log.info("rebuilding search index %s", spec.name)
        await rebuild(engine, spec, now, progress)
        rebuilt.append(spec.name)
    return rebuilt
