"""The Litestar application: `create_app()` wires everything through one core plugin."""

from __future__ import annotations

import logging

from litestar import Litestar
from litestar.logging import LoggingConfig

from app.config import Settings
from app.core.clock import Clock, SystemClock
from app.server.plugin import CorePlugin
from app.server.startup import prepare_process


def create_app(settings: Settings | None = None, clock: Clock | None = None) -> Litestar:
    settings = prepare_process(settings)  # log redaction first: no secret in any log line
    return Litestar(
        plugins=[CorePlugin(settings, clock or SystemClock())],
        debug=False,
        logging_config=LoggingConfig(
            root={"level": logging.getLevelName(logging.INFO), "handlers": ["queue_listener"]},
            loggers={
                # One line per HTTP call of the Meilisearch client is noise, not news.
                "httpx": {"level": "WARNING", "handlers": ["queue_listener"], "propagate": False},
                "httpx2": {"level": "WARNING", "handlers": ["queue_listener"], "propagate": False},
            },
            log_exceptions="never",  # errors.py logs server errors once,
        ),
    )
