"""Alert emails waiting to go (claims not yet sent): found without reading the whole send log."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "alert send log: index of the claims waiting to be sent"


class RawTable(Table, tablename="alert_send"):
    """Only a handle for running raw SQL in the migration's transaction."""


FORWARDS = ["CREATE INDEX alert_send_waiting ON alert_send (alert) WHERE sent_at IS NULL"]
BACKWARDS = ["DROP INDEX IF EXISTS alert_send_waiting"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="alerts", description=DESCRIPTION)

    async def run() -> None:
        for statement in FORWARDS:
            await RawTable.raw(statement)

    async def run_backwards() -> None:
        for statement in BACKWARDS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
