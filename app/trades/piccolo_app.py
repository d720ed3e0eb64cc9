from piccolo.conf.apps import AppConfig, table_finder

from app.config import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="trades",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "trades"),
    table_classes=table_finder(modules=["app.trades.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
