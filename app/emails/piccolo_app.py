from piccolo.conf.apps import AppConfig, table_finder

from app.config import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="emails",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "emails"),
    table_classes=table_finder(modules=["app.emails.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
