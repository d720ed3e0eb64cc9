"""Piccolo's engine and apps, built from the settings."""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine

from app.config import get_settings

DB = PostgresEngine(config={"dsn": get_settings().database.url})

APP_REGISTRY = AppRegistry(
    apps=[
        "app.places.piccolo_app",
        "app.trades.piccolo_app",
        "app.organisations.piccolo_app",
        "app.offers.piccolo_app",
        "app.trainings.piccolo_app",
        "app.outbox.piccolo_app",
        "app.accounts.piccolo_app",
        "app.alerts.piccolo_app",
        "app.notices.piccolo_app",
        "app.emails.piccolo_app",
    ]
)
