"""Database-level guards behind the service rules, and indexes for list filters."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T02:16:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "offer check constraints and array indexes"


class RawTable(Table, tablename="offer"):
    """Only a handle for running raw SQL in the migration's transaction."""

FORWARDS = [
    "ALTER TABLE offer ADD CONSTRAINT offer_pay_range CHECK (pay_min IS NULL OR pay_max IS NULL OR pay_min <= pay_max)",
    "ALTER TABLE offer ADD CONSTRAINT offer_dates CHECK (end_date IS NULL OR end_date >= start_date)",
    "ALTER TABLE offer ADD CONSTRAINT offer_positions CHECK (positions >= 1)",
    "ALTER TABLE offer ADD CONSTRAINT offer_seasons CHECK (cardinality(seasons) >= 1)",
    "CREATE INDEX offer_seasons_gin ON offer USING gin (seasons)",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS offer_seasons_gin",
    "ALTER TABLE offer DROP CONSTRAINT IF EXISTS offer_seasons",
    "ALTER TABLE offer DROP CONSTRAINT IF EXISTS offer_positions",
    "ALTER TABLE offer DROP CONSTRAINT IF EXISTS offer_dates",
    "ALTER TABLE offer DROP CONSTRAINT IF EXISTS offer_pay_range",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="offers", description=DESCRIPTION)

    async def run() -> None:
        for statement in FORWARDS:
            await RawTable.raw(statement)

    async def run_backwards() -> None:
        for statement in BACKWARDS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
