"""Redis unreachable: a French 503 page on the account pages, problem details on the API.

Sessions live in Redis (Litestar's RedisStore). The session middleware reads the store before
the route runs and writes it while the response starts; Litestar's exception handlers see the
first failure but not the second (the response counts as started). So two pieces, each at the
depth where the failure surfaces:

- `redis_down_handler`, an exception handler for Redis's ConnectionError and TimeoutError, for
  every failure raised before the answer starts (route handlers included);
- `RedisOutageMiddleware`, around the session middleware, for a store write that fails while
  the response starts: nothing was sent yet, so it answers the same 503 in its place.

Public pages keep no session and rate limits let requests through when Redis is down
(app/core/ratelimit.py): only what needs Redis answers 503. No exception text reaches the page.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Litestar, Request, Response
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.core.errors import Unavailable, domain_error_handler
from app.core.paths import is_api_path
from app.web.pages import problem_page, uncached
from app.web.session import ACCOUNT_PAGES

log = logging.getLogger(__name__)

PROBE_KEY = "probe"  # never written: its EXISTS only proves the store answers

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
API_DETAIL = (
    "A service this request needs (sessions and job queue) does not answer; retry in a few minutes."
)


def redis_cause(exc: BaseException) -> BaseException | None:
    """Redis not answering, when it is `exc` or what `exc` was raised from (`raise ... from`)."""
    current: BaseException | None = exc
    for _ in range(10):  # a cause chain is short; never loop on a cycle
        if current is None or isinstance(current, REDIS_DOWN):
            return current
        current = current.__cause__
    return None


def redis_down_response(request: Request[Any, Any, Any]) -> Response[Any]:
    """503 with Retry-After: problem details under /api, else the French page; never cached."""
    error = Unavailable(API_DETAIL)
    if is_api_path(request.url.path):
        return uncached(domain_error_handler(request, error))
    return problem_page(error, kind="accounts-unavailable")


def redis_down_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.warning("Redis does not answer (%s %s): %s", request.method, request.url.path, exc)
    return redis_down_response(request)


REDIS_EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    RedisConnectionError: redis_down_handler,
    RedisTimeoutError: redis_down_handler,
}


class RedisOutageMiddleware:
    """Around the session middleware: a Redis failure before anything was sent → 503.

    An account page asks the session store first (one EXISTS): a visitor without a session
    writes nothing to it, and would otherwise get a form that cannot be sent.
    """

    def __init__(self, app: ASGIApp, store: str = "sessions") -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            if ACCOUNT_PAGES.match(scope["path"]):
                await Litestar.from_scope(scope).stores.get(self.store).exists(PROBE_KEY)
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            cause = redis_cause(exc)
            if started or cause is None:
                raise
            request: Request[Any, Any, Any] = Request(scope, receive)
            log.warning("Redis does not answer (%s %s): %s", request.method, scope["path"], cause)
            response = redis_down_response(request).to_asgi_response(app=None, request=request)
            await response(scope, receive, send)
