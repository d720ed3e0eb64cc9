"""Database-level guards behind the session rules."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T02:16:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "session check constraints"


class RawTable(Table, tablename="training_session"):
    """Only a handle for running raw SQL in the migration's transaction."""

FORWARDS = [
    "ALTER TABLE training_session ADD CONSTRAINT session_dates CHECK (end_date >= start_date)",
    "ALTER TABLE training_session ADD CONSTRAINT session_deadline CHECK (registration_deadline <= start_date)",
    "ALTER TABLE training_session ADD CONSTRAINT session_seats CHECK (seats_total >= 1 AND seats_taken >= 0 AND seats_taken <= seats_total)",
]
BACKWARDS = [
    "ALTER TABLE training_session DROP CONSTRAINT IF EXISTS session_seats",
    "ALTER TABLE training_session DROP CONSTRAINT IF EXISTS session_deadline",
    "ALTER TABLE training_session DROP CONSTRAINT IF EXISTS session_dates",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="trainings", description=DESCRIPTION)

    async def run() -> None:
        for statement in FORWARDS:
            await RawTable.raw(statement)

    async def run_backwards() -> None:
        for statement in BACKWARDS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
