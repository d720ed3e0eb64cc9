"""The sync reads pending rows in id order: a partial index keeps that cheap."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T02:16:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "pending outbox index"


class RawTable(Table, tablename="outbox_event"):
    """Only a handle for running raw SQL in the migration's transaction."""

FORWARDS = [
    "CREATE INDEX outbox_event_pending ON outbox_event (id) WHERE processed_at IS NULL",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS outbox_event_pending",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="outbox", description=DESCRIPTION)

    async def run() -> None:
        for statement in FORWARDS:
            await RawTable.raw(statement)

    async def run_backwards() -> None:
        for statement in BACKWARDS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
