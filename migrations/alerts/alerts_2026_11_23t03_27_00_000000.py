"""The send log's guarantee: one row per (alert, offer), enforced by the database."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T03:27:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "alert send log unique pair"


class RawTable(Table, tablename="alert_send"):
    """Only a handle for running raw SQL in the migration's transaction."""

FORWARDS = [
    "ALTER TABLE alert_send ADD CONSTRAINT alert_send_once UNIQUE (alert, offer)",
    "CREATE UNIQUE INDEX alert_one_per_search ON alert (email, md5(search::text), frequency)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS alert_one_per_search",
    "ALTER TABLE alert_send DROP CONSTRAINT IF EXISTS alert_send_once",
]


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
