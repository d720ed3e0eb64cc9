"""Rate limits count the real client: X-Forwarded-For is believed only from the proxies of
FORWARDED_ALLOW_IPS (none by default). The test client's peer is 127.0.0.1, the address a
rotating header used to get through from. Real Redis counters."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
import uvicorn
from arq.connections import ArqRedis
from httpx import AsyncClient

from app.config import ConfigError, load_settings
from app.core.clock import FrozenClock
from app.core.ratelimit import real_client
from tests.integration.conftest import http_client, running_app, settings_with
from tests.integration.web.test_accounts import csrf

Client = Callable[[tuple[str, ...]], Any]


@pytest.fixture
def site(clean: None, clock: FrozenClock, queue: ArqRedis) -> Client:
    """A client of an app trusting the given proxies."""

    @asynccontextmanager
    async def open_site(trusted: tuple[str, ...]) -> AsyncIterator[AsyncClient]:
        trusting = settings_with(site={"forwarded_allow_ips": trusted})
        async with running_app(trusting, clock, queue) as app:
            # Served as scripts/serve.py, the image and compose serve it: uvicorn with
            # --proxy-headers --forwarded-allow-ips "<FORWARDED_ALLOW_IPS>".
            server = uvicorn.Config(
                app, proxy_headers=True, forwarded_allow_ips=",".join(trusted), log_config=None
            )
            server.load()
            async with http_client(server.loaded_app, peer=("127.0.0.1", 40000)) as client:
                yield client

    return open_site


async def sign_ins(client: AsyncClient, forwarded: Callable[[int], str], count: int) -> list[int]:
    token = await csrf(client, "/connexion")
    statuses = []
    for n in range(count):
        response = await client.post(
            "/connexion",
            data={"email": f"x{n}@chalet.example", "password": "x" * 14, "_csrf_token": token},
            headers={"X-Forwarded-For": forwarded(n)},
        )
        statuses.append(response.status_code)
    return statuses


async def alert_posts(
    client: AsyncClient, forwarded: Callable[[int], str], count: int
) -> list[int]:
    statuses = []
    for n in range(count):
        response = await client.post(
            "/offres/alerte",
            data={"email": f"x{n}@chalet.example", "frequency": "never"},  # refused after the count
            headers={"X-Forwarded-For": forwarded(n)},
        )
        statuses.append(response.status_code)
    return statuses


def rotating(n: int) -> str:
    return f"198.51.100.{n + 1}"


async def test_a_rotating_header_from_an_untrusted_peer_is_ignored(site: Client) -> None:
    async with site(()) as client:
        statuses = await sign_ins(client, rotating, 25)
        assert statuses[:20] == [401] * 20
        assert set(statuses[20:]) == {429}
        alerts = await alert_posts(client, rotating, 12)
        assert 429 not in alerts[:10]
        assert set(alerts[10:]) == {429}


async def test_other_proxies_than_the_peer_are_not_believed(site: Client) -> None:
    async with site(("10.0.0.0/8",)) as client:  # the peer, 127.0.0.1, is not among them
        statuses = await sign_ins(client, rotating, 21)
        assert statuses[-1] == 429


async def test_behind_a_trusted_proxy_the_forwarded_client_counts(site: Client) -> None:
    async with site(("127.0.0.1",)) as client:
        # Each request from another client: nobody reaches a limit.
        assert 429 not in await sign_ins(client, rotating, 25)
        assert 429 not in await alert_posts(client, rotating, 12)
        # One client (behind whatever it claims further left): its own limit.
        statuses = await sign_ins(client, lambda n: f"203.0.113.{n}, 192.0.2.7", 21)
        assert statuses[:20] == [401] * 20
        assert statuses[20] == 429


def test_the_nearest_untrusted_hop_is_the_client() -> None:
    trusted = ("127.0.0.1", "10.0.0.0/8")
    assert real_client("192.0.2.1", ["203.0.113.9"], trusted) == "192.0.2.1"
    assert real_client("127.0.0.1", ["203.0.113.9, 10.1.1.1"], trusted) == "203.0.113.9"
    assert real_client("127.0.0.1", ["1.1.1.1, 203.0.113.9", "10.2.2.2"], trusted) == "203.0.113.9"
    assert real_client("127.0.0.1", [], trusted) == "127.0.0.1"
    assert real_client("127.0.0.1", ["203.0.113.9"], ()) == "127.0.0.1"
    assert real_client("127.0.0.1", ["203.0.113.9, 10.1.1.1"], ("*",)) == "203.0.113.9"


def test_the_setting_is_checked() -> None:
    assert load_settings({}).site.forwarded_allow_ips == ()
    assert load_settings({"FORWARDED_ALLOW_IPS": "127.0.0.1, 10.0.0.0/8"}).site.forwarded_allow_ips
    with pytest.raises(ConfigError, match="FORWARDED_ALLOW_IPS"):
        load_settings({"FORWARDED_ALLOW_IPS": "proxy.local"})
