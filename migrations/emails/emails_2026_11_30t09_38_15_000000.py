"""The worker looks for e-mails due to be tried: a partial index keeps that cheap."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T09:38:15:000000"
VERSION = "1.38.0"
DESCRIPTION = "e-mail outbox: index of the e-mails waiting to go"


class RawTable(Table, tablename="email_outbox"):
    """Only a handle for running raw SQL in the migration's transaction."""


FORWARDS = [
    "CREATE INDEX email_outbox_waiting ON email_outbox (next_attempt_at) "
    "WHERE sent_at IS NULL AND dropped_at IS NULL",
    # Sent and dropped rows are pruned by age.
    "CREATE INDEX email_outbox_done ON email_outbox (created_at) "
    "WHERE sent_at IS NOT NULL OR dropped_at IS NOT NULL",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS email_outbox_done",
    "DROP INDEX IF EXISTS email_outbox_waiting",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="emails", description=DESCRIPTION)

    async def run() -> None:
        for statement in FORWARDS:
            await RawTable.raw(statement)

    async def run_backwards() -> None:
        for statement in BACKWARDS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
