"""Apply documents to Meilisearch and know when it did: changes in batches, task waits, a
rebuild into a fresh index swapped in atomically, and the settings digest of each index.

Generic over indexes: the documents come from the caller (each domain builds its own, and
the outbox drain that decides what changed is app/outbox/sync.py); nothing here reads the
database.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from meilisearch_python_sdk.errors import MeilisearchApiError
from meilisearch_python_sdk.models.settings import MeilisearchSettings
from meilisearch_python_sdk.models.task import TaskInfo, TaskResult

from search.client import SearchEngine
from search.indexes import IndexSpec

# A task is waited for as long as Meilisearch is working (a million offers' rebuild is one
# indexing run of many minutes, the tasks queued behind it wait as long); the wait fails when
# Meilisearch stops answering, or has left the task queued this long with nothing processing.
TASK_IDLE_TIMEOUT_S = 120.0
SEND_AT_BYTES = 64 * 1024 * 1024  # documents a rebuild holds before sending (about 25 000)


class SearchSyncError(RuntimeError):
    """Meilisearch did not apply a change (the caller keeps it pending and retries)."""


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


async def outdated_indexes(engine: SearchEngine, specs: Iterable[IndexSpec]) -> list[IndexSpec]:
    """Of these indexes, those missing or built with other settings than the code's: they
    need a rebuild."""
    digests = await built_digests(engine)
    outdated = []
    for spec in specs:
        if digests.get(spec.name) != spec.digest or not await _exists(engine, engine.uid(spec)):
            outdated.append(spec)
    return outdated


# --- changes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexChanges:
    """Documents to add or replace, and ids to delete, in one index (`what` names them in
    errors)."""

    spec: IndexSpec
    documents: Sequence[dict[str, Any]] = ()
    deletes: Sequence[int | str] = ()
    what: str = ""


async def apply_changes(engine: SearchEngine, changes: Iterable[IndexChanges]) -> None:
    """Send every change, then wait until Meilisearch applied them all; SearchSyncError if it
    did not (some may have been applied: sending them again is harmless)."""
    tasks: list[tuple[TaskInfo, str]] = []
    for change in changes:
        index, what = engine.index(change.spec), change.what or change.spec.name
        if change.documents:
            tasks.append((await index.add_documents(list(change.documents), "id"), what))
        if change.deletes:
            ids = [str(i) for i in change.deletes]
            tasks.append((await index.delete_documents(ids), f"{what} removal"))
    for task, what in tasks:
        await wait(engine, task, what)


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


Progress = Callable[[str, int, int], None]


async def rebuild_index(
    engine: SearchEngine,
    spec: IndexSpec,
    batches: AsyncIterable[Sequence[dict[str, Any]]],
    total: int | None = None,
    progress: Progress | None = None,
) -> int:
    """Build a fresh copy of an index from these batches of documents, then swap it in
    atomically; the number of documents. `total` (the documents expected) is for progress.

    Searches keep hitting the old index until the swap. Changes made while it ran must be
    applied again afterwards by the caller (applying is idempotent).
    """
    live, fresh = engine.uid(spec), engine.uid(f"{spec.name}_rebuild")
    await engine.client.delete_index_if_exists(fresh)
    await _create(engine, fresh)
    # The settings first, so that the documents are indexed once, with them. Not waited for:
    # Meilisearch runs an index's tasks in order, and the waits below report a failure.
    settings = await engine.client.index(fresh).update_settings(
        MeilisearchSettings.model_validate(spec.settings)
    )
    # The documents are built first, then sent back to back without waiting (at most
    # SEND_AT_BYTES of them at a time): Meilisearch queues the batches and indexes the queued
    # ones together (autobatching), several times faster than one indexing run per batch;
    # and building them while it indexes would take CPU from it on a small machine.
    dump = engine.client.json_handler.dump_bytes
    built: list[tuple[bytes, int]] = []
    sent: list[tuple[int, int]] = []
    async for documents in batches:
        if not documents:
            continue
        built.append((dump(list(documents)), len(documents)))
        if sum(len(body) for body, _ in built) >= SEND_AT_BYTES:
            sent += [(await _send_documents(engine, fresh, body), n) for body, n in built]
            built = []
    sent += [(await _send_documents(engine, fresh, body), n) for body, n in built]
    count = sum(n for _, n in sent)
    await wait(engine, settings, f"settings of {fresh}")
    done = 0
    for task, size in sent:
        await wait(engine, task, f"documents of {fresh}")
        done += size
        if progress:
            progress(spec.name, done, total if total is not None else count)
    if not await _exists(engine, live):
        await _create(engine, live)
    swap = await engine.client.swap_indexes([(live, fresh)])
    await wait(engine, swap, f"swap of {live}")
    await _record_digest(engine, spec)
    # The old copy, now under the fresh name, is deleted in the background (a rebuild starts
    # by deleting it, should it still be there).
    await engine.client.index(fresh).delete()
    return count
