"""One membership per user and organisation; emails compared without case; roles checked."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-23T11:08:24:000000"
VERSION = "1.38.0"
DESCRIPTION = "accounts constraints"


class RawTable(Table, tablename="membership"):
    """Only a handle for running raw SQL in the migration's transaction."""


FORWARDS = [
    "ALTER TABLE membership ADD CONSTRAINT membership_once UNIQUE (\"user\", organisation)",
    "ALTER TABLE membership ADD CONSTRAINT membership_role CHECK (role IN ('owner', 'member'))",
    "CREATE UNIQUE INDEX app_user_email_lower ON app_user (lower(email))",
    "ALTER TABLE app_user ADD CONSTRAINT user_failed_sign_ins CHECK (failed_sign_ins >= 0)",
]
BACKWARDS = [
    "ALTER TABLE app_user DROP CONSTRAINT IF EXISTS user_failed_sign_ins",
    "DROP INDEX IF EXISTS app_user_email_lower",
    "ALTER TABLE membership DROP CONSTRAINT IF EXISTS membership_role",
    "ALTER TABLE membership DROP CONSTRAINT IF EXISTS membership_once",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def run() -> None:
        for statement in FORWARDS:
            await RawTable.raw(statement)

    async def run_backwards() -> None:
        for statement in BACKWARDS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
