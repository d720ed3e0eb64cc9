"""Keep Meilisearch in step with PostgreSQL: drain the outbox; rebuild indexes from the rows.

A batch of outbox rows is locked (SKIP LOCKED, so several workers share the work), turned
into each searchable domain's documents and deletes, applied to Meilisearch, and marked
processed only once every Meilisearch task has succeeded. A failure leaves the rows pending
with their attempt count and error; the caller retries. What each index holds and how its
documents are built is its domain's (`Searchable` in app/offers/documents.py,
app/trainings/documents.py); applying them is search/sync.py's.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from piccolo.engine import engine_finder

from app.offers.documents import SEARCHABLE as OFFERS
from app.outbox.searchable import Document, Searchable
from app.outbox.tables import OutboxEvent
from app.trainings.documents import SEARCHABLE as SESSIONS
from search import sync
from search.client import SearchEngine
from search.indexes import IndexSpec
from search.sync import IndexChanges, Progress, SearchSyncError

log = logging.getLogger(__name__)

# Every index the sync keeps: adding a searchable domain is adding its Searchable here.
SEARCHABLES: tuple[Searchable, ...] = (OFFERS, SESSIONS)
# Rows a rebuild turns into documents at once.
DOCUMENT_BATCH = 2_000
# Outbox rows a drain applies at once: each batch is one Meilisearch indexing run, whose fixed
# cost dominates small batches (500 rows: about 1 700 changes/s; 2 000: about 3 000).
DRAIN_BATCH = 2_000


def _names() -> dict[str, int]:
    return {s.spec.name: 0 for s in SEARCHABLES}


@dataclass
class DrainReport:
    """Outbox rows applied, and documents upserted and deleted by index name."""

    batches: int = 0
    events: int = 0
    upserted: dict[str, int] = field(default_factory=_names)
    deleted: dict[str, int] = field(default_factory=_names)


async def _changes(
    searchable: Searchable, changed: dict[str, set[int]], now: datetime, report: DrainReport
) -> IndexChanges:
    """The documents to upsert and the ids to delete in one index for these outbox rows."""
    ids = await searchable.affected(changed)
    rows = [r for r in await searchable.load(sorted(ids)) if searchable.is_public(r, now)]
    gone = sorted(ids - {r["id"] for r in rows})
    documents = await searchable.documents(rows) if rows else []
    name = searchable.spec.name
    report.upserted[name] += len(rows)
    report.deleted[name] += len(gone)
    return IndexChanges(searchable.spec, documents, gone, what=name)


async def apply_events(
    engine: SearchEngine, events: Sequence[dict[str, Any]], now: datetime, report: DrainReport
) -> None:
    """Bring the documents these outbox rows name in line with the database."""
    changed: dict[str, set[int]] = defaultdict(set)
    for event in events:
        changed[event["entity"]].add(event["entity_id"])
    counted = DrainReport()
    changes = [await _changes(s, changed, now, counted) for s in SEARCHABLES]
    await sync.apply_changes(engine, changes)
    for name in counted.upserted:  # counted once Meilisearch applied them
        report.upserted[name] += counted.upserted[name]
        report.deleted[name] += counted.deleted[name]


async def drain_outbox(
    engine: SearchEngine,
    clock_now: Callable[[], datetime],
    batch_size: int = DRAIN_BATCH,
    max_batches: int | None = None,
) -> DrainReport:
    """Apply pending outbox rows in batches until none is left (or max_batches);
    SearchSyncError when a batch failed (its rows stay pending, their error recorded)."""
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
                await apply_events(engine, events, now, report)
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


def searchable(spec: IndexSpec | str) -> Searchable:
    """The searchable domain of an index (by spec or name); KeyError if none."""
    name = spec if isinstance(spec, str) else spec.name
    for candidate in SEARCHABLES:
        if candidate.spec.name == name:
            return candidate
    raise KeyError(name)


async def _batches(source: Searchable, ids: list[int]) -> AsyncIterator[list[Document]]:
    for start in range(0, len(ids), DOCUMENT_BATCH):
        yield await source.documents(await source.load(ids[start : start + DOCUMENT_BATCH]))


async def rebuild(
    engine: SearchEngine, spec: IndexSpec | str, now: datetime, progress: Progress | None = None
) -> int:
    """Build a fresh copy of an index from the database, then swap it in atomically; the
    number of documents.

    Searches keep hitting the old index until the swap. Outbox rows written meanwhile are
    replayed afterwards (the sync is idempotent), so no change made during the build is lost.
    """
    source = searchable(spec)
    ids = await source.public_ids(now)
    count = await sync.rebuild_index(engine, source.spec, _batches(source, ids), len(ids), progress)
    await OutboxEvent.update({OutboxEvent.processed_at: None}).where(
        (OutboxEvent.created_at >= now)
        & OutboxEvent.processed_at.is_not_null()
        & OutboxEvent.entity.is_in(sorted(source.entities))
    )
    return count


async def outdated_indexes(engine: SearchEngine) -> list[IndexSpec]:
    """Indexes missing, or built with other settings than the code's: they need a rebuild."""
    return await sync.outdated_indexes(engine, [s.spec for s in SEARCHABLES])


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
