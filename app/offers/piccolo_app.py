from piccolo.conf.apps import AppConfig, table_finder

from app.config import PROJECT_ROOT

APP_CONFIG = AppConfig(
    app_name="offers",
    migrations_folder_path=str(PROJECT_ROOT / "migrations" / "offers"),
    table_classes=table_finder(modules=["app.offers.tables"], exclude_imported=True),
    migration_dependencies=[
        "app.organisations.piccolo_app",
        "app.places.piccolo_app",
        "app.trades.piccolo_app",
    ],
    commands=[],
)
