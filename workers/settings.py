"""The arq worker: `arq workers.settings.WorkerSettings`.

Clients are opened once at start-up and kept in ctx. Jobs are idempotent; the outbox drain
locks its rows (SKIP LOCKED), so cron runs on several workers at once stay correct.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from arq import cron, func
from arq.connections import RedisSettings

from app.config import get_settings
from app.core.clock import SystemClock
from app.core.queue import DRAIN_JOB, EMAILS_JOB
from app.outbox.sync import ensure_indexes
from app.server.startup import close_database, open_database, open_search, prepare_process
from workers import alerts, emails, expiry, indexing
from workers.mail import mailer_from_settings

log = logging.getLogger(__name__)


async def startup(ctx: dict[str, Any]) -> None:
    settings = prepare_process()
    ctx.setdefault("settings", settings)
    ctx.setdefault("clock", SystemClock())
    ctx["opened_database"] = await open_database(settings)
    if "search_engine" not in ctx:
        ctx["search_engine"] = open_search(settings)
    if "mailer" not in ctx:
        ctx["mailer"] = mailer_from_settings(ctx["settings"])
    try:
        rebuilt = await ensure_indexes(ctx["search_engine"], ctx["clock"].now())
    except Exception as exc:  # Meilisearch may come up later: the drains will retry
        log.warning("could not check the search indexes at start: %s", exc)
    else:
        if rebuilt:
            log.info("search indexes rebuilt at start: %s", ", ".join(rebuilt))


async def shutdown(ctx: dict[str, Any]) -> None:
    if ctx.get("owns_search_engine", True) and "search_engine" in ctx:
        await ctx["search_engine"].close()
    if ctx.get("opened_database"):
        await close_database()


class WorkerSettings:
    functions: ClassVar[list[Any]] = [
        # keep_result=0: a finished job must not block the next enqueue of its job id.
        func(indexing.drain_outbox, name=DRAIN_JOB, keep_result=0, max_tries=8),
        # Its own rows carry the retries (no attempt limit): a failed run is just run again.
        func(emails.send_emails, name=EMAILS_JOB, keep_result=0, max_tries=3),
        func(alerts.run_alerts, keep_result=0, max_tries=8),
        func(alerts.prune_alert_send_log, keep_result=0, max_tries=3),
        func(emails.prune_emails, keep_result=0, max_tries=3),
        func(expiry.expire_offers, keep_result=0, max_tries=3),
        func(expiry.refresh_sessions, keep_result=0, max_tries=3),
    ]
    # Every cron job is safe to run on several workers at once (rows are locked with SKIP
    # LOCKED and every email is claimed under a unique constraint), so arq's best-effort
    # `unique` is not what keeps them correct.
    cron_jobs: ClassVar[list[Any]] = [
        cron(indexing.drain_outbox_cron, name="drain_outbox_cron", second=0, keep_result=0),
        cron(alerts.run_alerts, name="run_alerts_cron", second=20, keep_result=0),
        # Every 15 s: retries come due within seconds of their time; covers lost enqueues.
        cron(
            emails.send_emails_cron,
            name="send_emails_cron",
            second={5, 20, 35, 50},
            keep_result=0,
        ),
        cron(
            emails.prune_emails,
            name="prune_emails_cron",
            hour={3},
            minute={17},
            second=10,
            keep_result=0,
        ),
        cron(
            expiry.expire_offers,
            name="expire_offers_cron",
            minute=set(range(0, 60, 5)),
            second=40,
            keep_result=0,
        ),
        cron(
            expiry.refresh_sessions,
            name="refresh_sessions_cron",
            minute={2, 32},
            second=50,
            keep_result=0,
        ),
        cron(
            alerts.prune_alert_send_log,
            name="prune_alert_send_log_cron",
            hour={2},
            minute={47},
            second=30,
            keep_result=0,
        ),
    ]
    on_startup = startup
    on_shutdown = shutdown
    redis_settings = RedisSettings.from_dsn(get_settings().redis.url)
    max_jobs = 10
    job_timeout = 600
