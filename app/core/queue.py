"""The job queue (arq on Redis): the app only enqueues; workers/ runs the jobs."""

from __future__ import annotations

import logging

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


async def request_drain(queue: ArqRedis | None) -> bool:
    """Ask a worker to drain the outbox now; False when Redis is down (the cron drain covers)."""
    if queue is None:
        return False
    try:
        await queue.enqueue_job(DRAIN_JOB, _job_id=drain_job_id(queue))
    except Exception as exc:  # Redis down: the change is in the outbox, the cron will sync it
        log.warning("could not enqueue the search sync: %s", exc)
        return False
    return True


async def request_emails(queue: ArqRedis | None) -> bool:
    """Ask a worker to send the e-mail outbox now; False when Redis is down (the sweep covers)."""
    if queue is None:
        return False
    try:
        await queue.enqueue_job(EMAILS_JOB, _job_id=emails_job_id(queue))
    except Exception as exc:  # Redis down: the e-mails are recorded, the sweep will send them
        log.warning("could not ask for the e-mails to be sent: %s", exc)
        return False
    return True
