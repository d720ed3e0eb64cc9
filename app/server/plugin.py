"""The one core plugin: routes, dependencies, error mapping, lifespan, OpenAPI and CLI."""

from __future__ import annotations

import logging
import warnings
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from click import Group
from litestar import Litestar, Request
from litestar.config.app import AppConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins import CLIPluginProtocol, InitPluginProtocol, ReceiveRoutePlugin
from litestar.routes import BaseRoute
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

from app.alerts.controllers import AlertController
from app.config import Settings
from app.core.clock import Clock
from app.core.errors import EXCEPTION_HANDLERS
from app.core.limits import InputLimits, TooLarge
from app.core.paths import WRITE_METHODS
from app.core.queue import open_queue, request_drain
from app.core.security import security_headers
from app.offers.controllers import OfferController, OfferSearchController
from app.organisations.controllers import OrganisationController
from app.places.controllers import PlaceController
from app.server.dependencies import DEPENDENCIES
from app.server.health import HealthController
from app.server.openapi_problems import document_problems
from app.server.startup import close_database, open_database, open_search
from app.server.vocabulary import VocabularyController
from app.trades.controllers import TradeController
from app.trainings.controllers import (
    SessionController,
    SessionSearchController,
    TrainingController,
)
from app.web.csrf import csrf_middleware
from app.web.pages import refused_input_handler
from app.web.redis_outage import REDIS_EXCEPTION_HANDLERS, RedisOutageMiddleware
from app.web.routes import web_routes
from app.web.session import NOT_ACCOUNT_PAGES, SESSION_MAX_AGE
from app.web.session_backend import IssuedSessionConfig
from app.web.site_errors import SITE_EXCEPTION_HANDLERS
from app.web.templating import template_config
from search.client import SearchEngine

log = logging.getLogger(__name__)

# The session and CSRF middlewares skip every path but the account pages; Litestar's check
# for a pattern that skips everything tries "/" and one other path, so it warns wrongly.
warnings.filterwarnings(
    "ignore", message=r"Middleware '\w+' exclude pattern .* greedily matches all paths"
)

API_DESCRIPTION = """
The JSON API of Emploi Montagne, the job board and training catalogue of the French
mountain-tourism industry. Reads are public; writes need `Authorization: Bearer <token>`
(an organisation's API token, or the admin token). Errors are RFC 9457 problem details.
"""


# Seconds the session store waits for Redis to connect or answer.
REDIS_TIMEOUT_SECONDS = 2


async def after_write(request: Request[Any, Any, Any]) -> None:
    """After a write has been answered (so committed), ask a worker to sync search now.

    A refused write costs one needless, cheap drain; the outbox decides what really changed.
    """
    if request.method in WRITE_METHODS:
        await request_drain(request.app.state.queue)


class CorePlugin(InitPluginProtocol, CLIPluginProtocol, ReceiveRoutePlugin):
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        settings = self.settings

        @asynccontextmanager
        async def database(_: Litestar) -> AsyncGenerator[None, None]:
            opened = await open_database(settings)
            try:
                yield
            finally:
                if opened:
                    await close_database()

        @asynccontextmanager
        async def search_and_queue(app: Litestar) -> AsyncGenerator[None, None]:
            engine: SearchEngine = app.state.search_engine
            try:
                app.state.queue = await open_queue(settings.redis.url)
            except Exception as exc:  # the site still serves; the cron drain covers
                log.warning("Redis does not answer at start: %s", exc)
                app.state.queue = None
            try:
                yield
            finally:
                await engine.close()
                if app.state.queue is not None:
                    await app.state.queue.aclose()

        app_config.state.update(
            {
                "settings": settings,
                "clock": self.clock,
                "search_engine": open_search(settings),
                "queue": None,
            }
        )
        app_config.route_handlers.extend(
            [
                HealthController,
                AlertController,
                VocabularyController,
                PlaceController,
                TradeController,
                OrganisationController,
                OfferSearchController,
                OfferController,
                TrainingController,
                SessionSearchController,
                SessionController,
                *web_routes(),
            ]
        )
        app_config.template_config = template_config()
        # Outermost of our middlewares: limits and text checks before anything parses input.
        app_config.middleware.insert(0, InputLimits)
        app_config.before_send.append(security_headers(settings))
        secure_cookies = settings.site.base_url.startswith("https://")
        # Sessions (Redis) and CSRF tokens on the account pages only: public pages stay
        # cookie-free, hence cacheable; the API authenticates with bearer tokens.
        # Timeouts: a Redis that drops packets answers a 503 page in seconds, not minutes.
        sessions_redis = Redis.from_url(
            settings.redis.url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        app_config.stores = {
            "sessions": RedisStore(
                sessions_redis,
                namespace=f"{settings.redis.key_prefix}:sessions",
                handle_client_shutdown=True,
            )
        }
        # Outside the sessions: a session store that fails as the answer starts gets a 503 page.
        app_config.middleware.append(RedisOutageMiddleware)
        app_config.middleware.append(
            IssuedSessionConfig(
                key="em_session",
                store="sessions",
                max_age=SESSION_MAX_AGE,
                secure=secure_cookies,
                httponly=True,
                samesite="lax",
                exclude=[NOT_ACCOUNT_PAGES],
            ).middleware
        )
        # CSRF on every write of the site, tokens handed out on the account pages only.
        app_config.middleware.append(csrf_middleware(settings.site.secret_key, secure_cookies))
        app_config.dependencies.update(DEPENDENCIES)
        app_config.exception_handlers.update(EXCEPTION_HANDLERS)  # type: ignore[arg-type]
        # On the site (not /api) the same refusals are French pages.
        app_config.exception_handlers.update(SITE_EXCEPTION_HANDLERS)  # type: ignore[arg-type]
        app_config.exception_handlers.update({TooLarge: refused_input_handler})
        app_config.exception_handlers.update(REDIS_EXCEPTION_HANDLERS)  # type: ignore[arg-type]
        app_config.lifespan.extend([database, search_and_queue])
        app_config.after_response = after_write
        app_config.openapi_config = OpenAPIConfig(
            title="Emploi Montagne API",
            version="1.0.0",
            description=API_DESCRIPTION.strip(),
            path="/api/docs",
            render_plugins=[SwaggerRenderPlugin(path="/"), ScalarRenderPlugin(path="/scalar")],
            components=Components(
                security_schemes={
                    "BearerToken": SecurityScheme(
                        type="http", scheme="bearer", description="An API token"
                    )
                }
            ),
            use_handler_docstrings=True,
        )
        return app_config

    def receive_route(self, route: BaseRoute) -> None:
        document_problems(route)  # every API error status, as problem details, in the OpenAPI

    def on_cli_init(self, cli: Group) -> None:
        from app.server.commands import register

        register(cli, self.settings, self.clock)
