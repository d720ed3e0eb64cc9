"""One notice of each kind per offer and expiry date, enforced by the database."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T03:27:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "offer notice unique"


class RawTable(Table, tablename="offer_notice"):
    """Only a handle for running raw SQL in the migration's transaction."""

FORWARDS = [
    "ALTER TABLE offer_notice ADD CONSTRAINT offer_notice_once UNIQUE (offer, kind, expires_at)",
]
BACKWARDS = [
    "ALTER TABLE offer_notice DROP CONSTRAINT IF EXISTS offer_notice_once",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="notices", description=DESCRIPTION)

    async def run() -> None:
        for statement in FORWARDS:
            await RawTable.raw(statement)

    async def run_backwards() -> None:
        for statement in BACKWARDS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
