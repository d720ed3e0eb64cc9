"""Rate limits shared by every process: fixed windows counted in Redis (INCR + EXPIRE).

When Redis does not answer the request goes through (logged): a limit must not take the
site down with it.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from litestar.connection import ASGIConnection
from redis.asyncio import Redis

from app.core.errors import DomainError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str
    requests: int
    seconds: int


# Per address, above the lock-out (5 failures) so that the lock-out speaks first.
SIGN_IN_PER_CLIENT = Limit("sign-in-client", 20, 60)
SIGN_IN_PER_EMAIL = Limit("sign-in-email", 10, 60)
SIGN_UP_PER_CLIENT = Limit("sign-up-client", 5, 3600)
RESET_PER_CLIENT = Limit("reset-client", 5, 3600)
RESET_PER_EMAIL = Limit("reset-email", 3, 3600)
ALERT_PER_CLIENT = Limit("alert-client", 10, 3600)


class RateLimited(DomainError):
    status = 429
    kind = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(retry_after, 1)

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after)}


async def hit(redis: Redis | None, prefix: str, limit: Limit, who: str, now: datetime) -> None:
    """Count one request of `who`; RateLimited once the window's allowance is spent."""
    if redis is None or limit.requests <= 0:
        return
    stamp = int(now.timestamp())
    window = stamp // limit.seconds
    key = f"{prefix}:rate:{limit.name}:{who.lower()}:{window}"
    try:
        count = await redis.incr(key)
        if count == 1:
            await redis.expire(key, limit.seconds + 5)
    except Exception as exc:  # Redis down: let the request through, say so
        log.warning("rate limit %s not checked: %s", limit.name, exc)
        return
    if count > limit.requests:
        retry_after = (window + 1) * limit.seconds - stamp
        raise RateLimited(
            f"too many requests ({limit.requests} per {limit.seconds} s); retry later",
            retry_after,
        )


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...] | None:
    """The trusted proxies' networks; None stands for "*" (any peer)."""
    if "*" in trusted:
        return None
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _trusted(host: str, networks: tuple[Network, ...] | None) -> bool:
    if networks is None:
        return True
    try:
        address: Address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def real_client(peer: str, forwarded_for: list[str], trusted: tuple[str, ...]) -> str:
    """The address to count a request against: the peer's, unless the peer is a trusted
    proxy; then the nearest X-Forwarded-For hop that is not itself a trusted proxy (each
    proxy appends the address it saw, so only the hops right of it are under its control)."""
    if not trusted:
        return peer
    networks = _networks(trusted)
    if not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
    if networks is None:  # any peer is a proxy: believe the first hop
        return hops[0] if hops else peer
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else peer


def client_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The client's address: the peer's, or the one a trusted proxy forwarded
    (FORWARDED_ALLOW_IPS; none by default). uvicorn is given the same proxies, so it has
    usually done this already; doing it here too keeps the limits right under any server."""
    peer = connection.client.host if connection.client else "unknown"
    settings = connection.app.state.settings
    trusted: tuple[str, ...] = settings.site.forwarded_allow_ips
    return real_client(peer, connection.headers.getall("x-forwarded-for", []), trusted)


async def _guard(connection: ASGIConnection[Any, Any, Any, Any], limit: Limit) -> None:
    state = connection.app.state
    settings = state.settings
    await hit(
        state.queue, settings.redis.key_prefix, limit, client_of(connection), state.clock.now()
    )


async def search_rate_guard(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
    """SEARCH_RATE_PER_MINUTE searches a minute per client on the search API (0: no limit)."""
    per_minute = connection.app.state.settings.redis.search_rate_per_minute
    await _guard(connection, Limit("search-client", per_minute, 60))


async def alert_rate_guard(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
    """Alert subscriptions (API and site form) per client."""
    await _guard(connection, ALERT_PER_CLIENT)
