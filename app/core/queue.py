"""The job queue (arq on Redis): the app only enqueues; workers/ runs the jobs."""

from __future__ import annotations

import logging
from collections.abc import Callable

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings

log = logging.getLogger(__name__)

DRAIN_JOB = "drain_outbox"
# One pending drain per queue at a time: a burst of writes coalesces into one job.
DRAIN_JOB_ID = "drain-outbox"


def drain_job_id(queue: ArqRedis) -> str:
    """arq job ids are global to a Redis: name the queue, so two deployments never collide."""
    return f"{DRAIN_JOB_ID}:{queue.default_queue_name}"


ALERTS_JOB = "run_alerts"


def alerts_job_id(queue: ArqRedis) -> str:
    """One pending alert run per queue: syncs in a burst coalesce into one run."""
    return f"run-alerts:{queue.default_queue_name}"


EMAILS_JOB = "send_emails"


def emails_job_id(queue: ArqRedis) -> str:
    """One pending e-mail run per queue: requests in a burst coalesce into one run."""
    return f"send-emails:{queue.default_queue_name}"


DEFAULT_QUEUE = "arq:queue"


async def open_queue(redis_url: str, queue_name: str = DEFAULT_QUEUE) -> ArqRedis:
    return await create_pool(RedisSettings.from_dsn(redis_url), default_queue_name=queue_name)


async def _request_once(
    queue: ArqRedis | None, job: str, job_id: Callable[[ArqRedis], str], what: str
) -> bool:
    """Enqueue `job` under its id for this queue (one pending run at a time); False when
    Redis is down: the work is recorded in the database, and the worker's cron covers it.
    `what` says in the log what could not be asked."""
    if queue is None:
        return False
    try:
        await queue.enqueue_job(job, _job_id=job_id(queue))
    except Exception as exc:  # Redis down: the cron covers
        log.warning("could not %s: %s", what, exc)
        return False
    return True


async def request_drain(queue: ArqRedis | None) -> bool:
    """Ask a worker to drain the outbox now; False when Redis is down (the cron drain covers)."""
    return await _request_once(queue, DRAIN_JOB, drain_job_id, "enqueue the search sync")


async def request_emails(queue: ArqRedis | None) -> bool:
    """Ask a worker to send the e-mail outbox now; False when Redis is down (the sweep covers)."""
    return await _request_once(queue, EMAILS_JOB, emails_job_id, "ask for the e-mails to be sent")
