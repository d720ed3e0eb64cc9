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


async def request_job(queue: ArqRedis | None, name: str, *args: object) -> bool:
    """Enqueue a job; False when Redis is down (logged)."""
    if queue is None:
        log.warning("no job queue: %s%r not enqueued", name, args)
        return False
    try:
        await queue.enqueue_job(name, *args)
    except Exception as exc:  # Redis down: say so; the caller's data is saved regardless
        log.warning("could not enqueue %s: %s", name, exc)
        return False
    return True
