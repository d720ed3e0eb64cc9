"""Search sync jobs: thin wrappers over the outbox drain (app.outbox.sync)."""

from __future__ import annotations

import logging
from typing import Any

from arq import Retry

from app.core.queue import ALERTS_JOB, alerts_job_id
from app.outbox import sync

log = logging.getLogger(__name__)

MAX_DEFER_SECONDS = 300


def backoff(job_try: int) -> int:
    """2, 4, 8 … seconds, at most five minutes."""
    return int(min(2**job_try, MAX_DEFER_SECONDS))


async def drain_outbox(ctx: dict[str, Any]) -> dict[str, Any]:
    """Apply every pending outbox row to Meilisearch; retried with backoff on failure."""
    try:
        report = await sync.drain_outbox(ctx["search_engine"], ctx["clock"].now)
    except Exception as exc:  # Meilisearch or the database failed: retry later, say why
        job_try = int(ctx.get("job_try", 1))
        log.warning("search sync failed (try %d): %s", job_try, exc)
        raise Retry(defer=backoff(job_try)) from exc
    if report.upserted["offers"]:
        # New or changed offers: instant alerts run now rather than at the next minute.
        queue = ctx["redis"]
        await queue.enqueue_job(ALERTS_JOB, _job_id=alerts_job_id(queue))
    if report.events:
        log.info(
            "search sync: %d changes, offers +%d -%d, sessions +%d -%d",
            report.events,
            report.upserted["offers"],
            report.deleted["offers"],
            report.upserted["sessions"],
            report.deleted["sessions"],
        )
    return {"events": report.events, "batches": report.batches}


async def drain_outbox_cron(ctx: dict[str, Any]) -> dict[str, Any]:
    """The safety net for a lost enqueue: the same drain, every minute."""
    return await drain_outbox(ctx)
