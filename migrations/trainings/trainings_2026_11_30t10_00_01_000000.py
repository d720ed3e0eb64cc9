"""A site form's one-time creation key on trainings and sessions."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-30T10:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "training and session creation keys"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="trainings", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Training",
        tablename="training",
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

    manager.add_column(
        table_class_name="TrainingSession",
        tablename="training_session",
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

    return manager
