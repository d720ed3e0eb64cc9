from piccolo.conf.apps import AppConfig, table_finder

from app.config import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="alerts",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "alerts"),
    table_classes=table_finder(modules=["app.alerts.tables"], exclude_imported=True),
    migration_dependencies=["app.offers.piccolo_app"],
    commands=[],
)
