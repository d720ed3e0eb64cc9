"""Places become every commune of the mountain départements, beside the resorts.

`insee` is the commune's INSEE code: a commune's own, a resort's commune's (the link from a
resort to its commune); `postal_codes` the commune's postal codes, space-separated;
`population` the commune's (ranks the type-ahead's homonyms). One commune row per INSEE code.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-30T10:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "places: communes with INSEE code, postal codes and population"


class RawTable(Table, tablename="place"):
    """Only a handle for running raw SQL in the migration's transaction."""


FORWARDS = [
    "ALTER TABLE place ADD COLUMN insee VARCHAR(5) NULL DEFAULT NULL",
    "ALTER TABLE place ADD COLUMN postal_codes VARCHAR(200) NOT NULL DEFAULT ''",
    "ALTER TABLE place ADD COLUMN population INTEGER NULL DEFAULT NULL",
    "CREATE INDEX place_insee ON place (insee)",
    "CREATE UNIQUE INDEX place_commune_insee ON place (insee) WHERE kind = 'commune'",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS place_commune_insee",
    "DROP INDEX IF EXISTS place_insee",
    "ALTER TABLE place DROP COLUMN population",
    "ALTER TABLE place DROP COLUMN postal_codes",
    "ALTER TABLE place DROP COLUMN insee",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="places", description=DESCRIPTION)

    async def run() -> None:
        for statement in FORWARDS:
            await RawTable.raw(statement)

    async def run_backwards() -> None:
        for statement in BACKWARDS:
            await RawTable.raw(statement)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
