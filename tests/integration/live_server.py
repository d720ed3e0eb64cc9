"""The app under uvicorn over the suite's database: what the browser tests and the tests of
requests at once talk to (a fixture, imported by tests/integration/conftest.py)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import LIVE_SERVER_REDIS

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(database: str, meilisearch_server: Any) -> Iterator[str]:
    """The app under uvicorn, on a free loopback port, over the suite's database."""
    port = _free_port()
    # Its own Redis database: jobs it enqueues (search sync, confirmation emails) must never
    # reach a worker of a development set-up on the same machine.
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "PORT": str(port),
        "BASE_URL": f"http://127.0.0.1:{port}",
        "REDIS_URL": LIVE_SERVER_REDIS,
    }
    # Build the search indexes first, as the worker does at start-up.
    subprocess.run(
        [str(Path(sys.executable).parent / "litestar"), "search", "drain"],
        cwd=ROOT,
        env={**env, "LITESTAR_APP": "app.main:create_app"},
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                raise RuntimeError("uvicorn exited early")
            time.sleep(0.05)
        else:
            raise RuntimeError("uvicorn did not start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        asyncio.run(_forget_live_server_jobs())


async def _forget_live_server_jobs() -> None:
    """Remove what the live server enqueued (nobody consumes that queue)."""
    from arq.connections import RedisSettings, create_pool

    pool = await create_pool(RedisSettings.from_dsn(LIVE_SERVER_REDIS))
    try:
        ids = [i.decode() for i in await pool.zrange("arq:queue", 0, -1)]
        await pool.delete("arq:queue", *[f"arq:job:{i}" for i in ids])
    finally:
        await pool.aclose()
