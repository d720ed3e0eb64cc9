"""What a searchable domain hands the search sync: its index and how to build its documents.

Each searchable domain declares one `Searchable` beside its tables (app/offers/documents.py,
app/trainings/documents.py); the outbox drain and the rebuild (app/outbox/sync.py) work over
the list of them, and search/ only applies the documents they build.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from search.indexes import IndexSpec

Row = dict[str, Any]  # a row as the domain's `load` reads it
Document = dict[str, Any]
# The ids the outbox rows of a batch name, by entity ("offer", "organisation" …).
Changed = Mapping[str, set[int]]


@dataclass(frozen=True)
class Searchable:
    """One index kept in step with the database by the outbox drain and the rebuild."""

    spec: IndexSpec
    # The outbox entities whose change can change a document of this index (a rebuild
    # replays those written while it ran).
    entities: frozenset[str]
    # The ids of this index's documents that the named changes may have changed.
    affected: Callable[[Changed], Awaitable[set[int]]]
    # The rows of these ids (those that still exist), as `is_public` and `documents` read them.
    load: Callable[[Sequence[int]], Awaitable[list[Row]]]
    # Whether a loaded row belongs in the index at this moment.
    is_public: Callable[[Row, datetime], bool]
    # The documents of loaded public rows.
    documents: Callable[[Sequence[Row]], Awaitable[list[Document]]]
    # Every id the index holds at this moment, in order: what a rebuild loads.
    public_ids: Callable[[datetime], Awaitable[list[int]]]
