from piccolo.conf.apps import AppConfig, table_finder

from app.config import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="organisations",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "organisations"),
    table_classes=table_finder(modules=["app.organisations.tables"], exclude_imported=True),
    migration_dependencies=["app.places.piccolo_app"],
    commands=[],
)
