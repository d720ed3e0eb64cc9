from piccolo.conf.apps import AppConfig, table_finder

from app.config import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="outbox",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "outbox"),
    table_classes=table_finder(modules=["app.outbox.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
