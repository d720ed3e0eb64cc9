"""search/sync.py on its own: any index, documents handed in by the caller, no database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from search.client import SearchEngine
from search.indexes import IndexSpec
from search.sync import IndexChanges, apply_changes, outdated_indexes, rebuild_index

SCRATCH = IndexSpec("adapter_scratch", {"filterableAttributes": ["n"]})


def _documents(start: int, stop: int) -> list[dict[str, Any]]:
    return [{"id": i, "title": f"Document {i}", "n": i % 3} for i in range(start, stop)]


async def _batches(*ranges: tuple[int, int]) -> AsyncIterator[list[dict[str, Any]]]:
    for start, stop in ranges:
        yield _documents(start, stop)


async def _ids(engine: SearchEngine) -> set[int]:
    found = await engine.index(SCRATCH).get_documents(limit=1000, fields=["id"])
    return {int(d["id"]) for d in found.results}


async def test_rebuild_swaps_in_the_batches_and_applies_changes(engine: SearchEngine) -> None:
    try:
        assert await outdated_indexes(engine, [SCRATCH]) == [SCRATCH], "missing: outdated"
        progress: list[tuple[str, int, int]] = []
        count = await rebuild_index(
            engine, SCRATCH, _batches((0, 5), (5, 5), (5, 12)), 12, lambda *p: progress.append(p)
        )
        assert count == 12
        assert progress == [("adapter_scratch", 5, 12), ("adapter_scratch", 12, 12)]
        assert await _ids(engine) == set(range(12))
        assert await outdated_indexes(engine, [SCRATCH]) == [], "built with these settings"
        settings = await engine.index(SCRATCH).get_settings()
        assert settings.filterable_attributes == ["n"]

        await apply_changes(engine, [IndexChanges(SCRATCH, _documents(20, 22), deletes=[0, 1, 99])])
        assert await _ids(engine) == set(range(2, 12)) | {20, 21}

        # A second rebuild replaces the whole index: what its batches lack is gone.
        assert await rebuild_index(engine, SCRATCH, _batches((100, 103))) == 3
        assert await _ids(engine) == {100, 101, 102}
        other = IndexSpec(SCRATCH.name, {"filterableAttributes": ["n", "title"]})
        assert await outdated_indexes(engine, [other]) == [other], "other settings: outdated"
    finally:
        await engine.client.delete_index_if_exists(engine.uid(SCRATCH))
        task = await engine.client.index(engine.meta_uid).delete_document(SCRATCH.name)
        await engine.client.wait_for_task(task.task_uid)
