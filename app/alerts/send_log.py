"""Pruning the send log: the (alert, offer) pairs already emailed that can never match again.

The send log is what keeps an offer from being emailed twice to one alert: an alert looks at
the offers published since it last ran (less app.alerts.matching.OVERLAP), and skips those it
holds. It gains one row per offer emailed, a million a day at the benchmark's size, so the
rows that can no longer matter are deleted once a day. A sent row can go when:

- its offer was published before the alert's next window opens (`published_at` at or before
  `last_run_at - OVERLAP`): renewing an offer keeps its `published_at`, so a renewed offer
  stays out of every window it already left;
- its offer is not back to draft: only a publication moves `published_at` (a moderator
  unpublishes an offer, its employer publishes it again), and while an offer waits in draft
  its rows stay;
- it was sent more than KEPT_AFTER_SENDING ago: an offer unpublished and published again
  within that time is not emailed again to the alerts that already had it.

Unsent rows (emails waiting) are never pruned. Rows are deleted by ranges of ids, oldest
first, each range a short statement of its own (the claims of a run going on meanwhile never
wait long); ids grow with the claim time, so the walk stops at the first range holding a row
claimed after the cut-off (found by the primary key, no scan of the month kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.alerts.matching import OVERLAP
from app.core.db import affected, connection

KEPT_AFTER_SENDING = timedelta(days=30)
IDS_PER_STATEMENT = 50_000

NEXT = "SELECT min(id) FROM alert_send WHERE id >= $1"  # over the gaps pruning left
PRUNE = """
DELETE FROM alert_send s USING alert a, offer o
WHERE s.id >= $1 AND s.id < $2
  AND s.sent_at IS NOT NULL AND s.sent_at < $3
  AND a.id = s.alert AND a.last_run_at IS NOT NULL
  AND o.id = s.offer AND o.status <> 'draft' AND o.published_at <= a.last_run_at - $4::interval
"""
PAST_CUTOFF = (
    "SELECT EXISTS (SELECT FROM alert_send WHERE id >= $1 AND id < $2 AND claimed_at >= $3)"
)


@dataclass
class PruneReport:
    deleted: int = 0
    statements: int = 0


async def prune_send_log(now: datetime, ids_per_statement: int = IDS_PER_STATEMENT) -> PruneReport:
    """Delete the sent rows that can no longer keep an email from going twice."""
    cutoff = now - KEPT_AFTER_SENDING
    report = PruneReport()
    async with connection() as conn:
        start = await conn.fetchval(NEXT, 0)
        while start is not None:
            end = start + ids_per_statement
            report.deleted += affected(await conn.execute(PRUNE, start, end, cutoff, OVERLAP))
            report.statements += 1
            if await conn.fetchval(PAST_CUTOFF, start, end, cutoff):
                break
            start = await conn.fetchval(NEXT, end)
    return report
