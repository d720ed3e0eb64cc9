"""Alerts found by address whatever its case: an index on lower(email)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "alert: index on lower(email) for case-insensitive lookups"


class RawTable(Table, tablename="alert"):
    """Only a handle for running raw SQL in the migration's transaction."""


FORWARDS = ["CREATE INDEX alert_email_lower ON alert (lower(email))"]
BACKWARDS = ["DROP INDEX IF EXISTS alert_email_lower"]


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
