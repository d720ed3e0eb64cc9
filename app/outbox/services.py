"""The outbox: rows telling the search sync what changed, written with the change itself."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from app.outbox.tables import OutboxEvent


class Entity(StrEnum):
    OFFER = "offer"
    SESSION = "session"
    TRAINING = "training"
    ORGANISATION = "organisation"


class Operation(StrEnum):
    UPSERT = "upsert"
    DELETE = "delete"


async def record(entity: Entity, entity_id: int, operation: Operation, now: datetime) -> None:
    """Write an outbox row; call inside the transaction of the change it records."""
    await OutboxEvent.insert(
        OutboxEvent(
            entity=entity.value, entity_id=entity_id, operation=operation.value, created_at=now
        )
    )


async def pending_count() -> int:
    return int(await OutboxEvent.count().where(OutboxEvent.processed_at.is_null()))
