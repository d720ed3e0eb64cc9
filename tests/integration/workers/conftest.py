"""Worker tests: a real arq worker in burst mode on the suite's Redis queue, a real SMTP server
(aiosmtpd), the suite's Meilisearch and PostgreSQL; time moves with the injected clock."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest
from arq.connections import ArqRedis
from arq.worker import Worker

from app.config import Settings, get_settings
from app.core.clock import FrozenClock
from app.core.queue import open_queue
from search.client import SearchEngine
from tests.smtp_server import SmtpServer
from workers.mail import SmtpMailer
from workers.settings import WorkerSettings

RunWorker = Callable[..., Awaitable[Worker]]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> SmtpServer:
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def worker_settings(smtp: SmtpServer) -> Settings:
    settings = get_settings()
    return replace(settings, mail=replace(settings.mail, smtp_url=smtp.url))


async def forget_jobs(queue: ArqRedis) -> None:
    """Empty the suite's queue and the job keys left by earlier tests (a left job id blocks
    the next enqueue of that id)."""
    name = queue.default_queue_name
    ids = [i.decode() for i in await queue.zrange(name, 0, -1)]
    keys = [f"arq:job:{i}" for i in ids] + [k async for k in queue.scan_iter(f"arq:*{name}*")]
    await queue.delete(name, *keys)


@pytest.fixture
async def run_worker(
    queue: ArqRedis, engine: SearchEngine, clock: FrozenClock, worker_settings: Settings
) -> RunWorker:
    """Run a burst worker over whatever is queued (plus `jobs` enqueued first), then stop."""
    name = queue.default_queue_name
    await forget_jobs(queue)

    async def run(*jobs: str) -> Worker:
        for job in jobs:
            await queue.enqueue_job(job)
        worker = Worker(
            functions=WorkerSettings.functions,
            # The worker closes its pool when done: give it one of its own.
            redis_pool=await open_queue(get_settings().redis.url, name),
            queue_name=name,
            burst=True,
            poll_delay=0,
            ctx={
                "settings": worker_settings,
                "clock": clock,
                "search_engine": engine,
                "owns_search_engine": False,
                "mailer": SmtpMailer(worker_settings.mail.smtp_url, worker_settings.mail),
            },
            on_startup=WorkerSettings.on_startup,
            on_shutdown=WorkerSettings.on_shutdown,
            handle_signals=False,
            keep_result=0,
        )
        try:
            await worker.main()
        finally:
            await worker.close()
        assert worker.jobs_failed == 0, f"{worker.jobs_failed} job(s) failed"
        return worker

    return run


LINK = re.compile(r"https?://[^/\s]+(/[^\s\"<>]+)")


def link(text: str, path: str) -> str:
    """The path and query of the first link in `text` that goes to `path`."""
    for found in LINK.findall(text):
        if found.startswith(path):
            return str(found)
    raise AssertionError(f"no link to {path} in:\n{text}")


def listed_titles(text: str) -> list[str]:
    """The offer titles of an alert email's text part (the lines starting with "- ")."""
    return [line[2:].strip() for line in text.splitlines() if line.startswith("- ")]


__all__: list[Any] = ["RunWorker", "link", "listed_titles"]
