"""A closed-loop load generator: N clients, each sending its next request as soon as the
previous one answered, for a fixed duration; latencies of the requests that finished in time.

It runs in the bench process, never in the server's: httpx.AsyncClient with keep-alive
connections (one per client) for HTTP targets, an asyncpg pool for PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

GROWTH_ROUNDS = 2  # alternated raw and app phases at each growth point (bench.run)

# index of the request in the mix → bytes of the answer, or None when it failed
Send = Callable[[int], Awaitable[int | None]]


@dataclass
class Phase:
    """One target at one concurrency for one duration."""

    target: str
    concurrency: int
    duration: float
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    answer_bytes: int = 0
    client_cpu: float = 0.0  # CPU seconds of the load generator over the phase

    @classmethod
    def merged(cls, phases: Sequence[Phase]) -> Phase:
        """Several phases of one target at one concurrency, as one longer phase."""
        first = phases[0]
        return cls(
            target=first.target,
            concurrency=first.concurrency,
            duration=sum(p.duration for p in phases),
            latencies=[t for p in phases for t in p.latencies],
            errors=sum(p.errors for p in phases),
            answer_bytes=sum(p.answer_bytes for p in phases),
            client_cpu=sum(p.client_cpu for p in phases),
        )

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    def figures(self) -> dict[str, Any]:
        n = len(self.latencies)
        return {
            "target": self.target,
            "concurrency": self.concurrency,
            "duration_s": self.duration,
            "requests": n,
            "errors": self.errors,
            "rps": n / self.duration if self.duration else 0.0,
            "mean_ms": sum(self.latencies) / n * 1000 if n else float("nan"),
            "p50_ms": self.percentile(0.50),
            "p95_ms": self.percentile(0.95),
            "p99_ms": self.percentile(0.99),
            "client_cpu_share": self.client_cpu / self.duration if self.duration else 0.0,
            "mean_answer_kib": self.answer_bytes / n / 1024 if n else float("nan"),
        }


async def closed_loop(
    target: str, send: Send, size: int, concurrency: int, duration: float
) -> Phase:
    """Run `concurrency` clients for `duration` seconds over requests 0..size-1 in turn.

    Client i starts at i * size / concurrency, so the clients spread over the whole mix and
    two targets run at the same concurrency see the same requests in the same order.
    """
    phase = Phase(target, concurrency, duration)
    cpu_before = sum(os.times()[:2])
    started = time.perf_counter()
    deadline = started + duration

    async def client(i: int) -> None:
        k = i * size // concurrency
        while True:
            sent = time.perf_counter()
            if sent >= deadline:
                return
            try:
                size_of_answer = await send(k % size)
            except Exception:  # a refused or broken request counts as an error
                size_of_answer = None
            done = time.perf_counter()
            if done > deadline:
                return  # finished after the end: not counted either way
            if size_of_answer is None:
                phase.errors += 1
            else:
                phase.latencies.append(done - sent)
                phase.answer_bytes += size_of_answer
            k += 1

    await asyncio.gather(*(client(i) for i in range(concurrency)))
    phase.client_cpu = sum(os.times()[:2]) - cpu_before
    return phase


def http_client(base_url: str, concurrency: int, headers: dict[str, str] | None = None) -> Any:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60.0, headers=headers or {})


def app_sender(client: httpx.AsyncClient, paths: Sequence[str]) -> Send:
    async def send(i: int) -> int | None:
        answer = await client.get(paths[i])
        return len(answer.content) if answer.status_code == 200 else None

    return send


def meili_sender(client: httpx.AsyncClient, bodies: Sequence[bytes]) -> Send:
    headers = {"Content-Type": "application/json"}

    async def send(i: int) -> int | None:
        answer = await client.post("/multi-search", content=bodies[i], headers=headers)
        return len(answer.content) if answer.status_code == 200 else None

    return send
