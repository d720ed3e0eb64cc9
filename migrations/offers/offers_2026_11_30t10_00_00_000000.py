"""A site form's one-time creation key on offers; no published offer stays live past
its end date."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-30T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "offer creation key, expiry within the end date"


class RawTable(Table, tablename="offer"):
    """Only a handle for running raw SQL in the migration's transaction."""


# An offer published before the end-date rule keeps its expiry only up to the end of its
# end date in France; the expiry cron then expires it (and the search sync drops it).
CLAMP = (
    "UPDATE offer SET expires_at = ((end_date + 1)::timestamp AT TIME ZONE 'Europe/Paris') "
    "WHERE end_date IS NOT NULL AND expires_at IS NOT NULL AND status = 'published' "
    "AND expires_at > ((end_date + 1)::timestamp AT TIME ZONE 'Europe/Paris')"
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="offers", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Offer",
        tablename="offer",
        column_name="creation_key",
        db_column_name="creation_key",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    async def run() -> None:
        await RawTable.raw(CLAMP)

    manager.add_raw(run)
    return manager
