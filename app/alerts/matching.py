"""Running alerts: each due alert's new matching offers are queued, then mailed, one email per
alert and run.

A run has two steps.

1. Matching (`match_due_alerts`): every due alert is matched at once against the offers
   published since the oldest of them last ran (app/alerts/window.py: one Meilisearch search
   per distinct text, filters evaluated in memory, each distinct saved search once). Alerts
   are then taken by batches, each in one transaction: their rows locked (SKIP LOCKED, so
   several workers share the work), their new offers claimed in the send log (unique per
   alert and offer; at most MAX_OFFERS_PER_EMAIL a run), their schedule moved on. A claim
   not yet marked sent is an email waiting to go.
2. Sending (app/alerts/digests.py, one run at a time): every alert with offers claimed and
   not yet sent gets one email listing them; the claims are marked sent once the mail server
   accepted it. A failed send leaves them waiting for the next run, a crash too: nothing is
   lost, and a sent pair is never sent twice. The one gap left is a crash between the server
   accepting a mail and the mark (one email per sending connection).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.alerts import digests
from app.alerts.schemas import Frequency
from app.alerts.services import next_run, offer_search, saved_search_of
from app.alerts.window import Matches, NewOffers
from app.config import Settings
from app.core.db import affected, connection
from app.offers.search import to_query
from app.organisations.tables import IS_PUBLIC_SQL
from search.client import SearchEngine
from search.queries import SearchQuery as OfferQuery

log = logging.getLogger(__name__)

# Offers reach the index a little after they are published: look back a little further
# than the last run. The send log keeps the overlap from sending anything twice.
OVERLAP = timedelta(hours=2)
MAX_OFFERS_PER_EMAIL = digests.MAX_OFFERS_PER_EMAIL
CLAIM_BATCH = 1_000  # alerts per transaction
CLAIMERS = 2  # transactions at once
# A run stops starting emails after this long (the worker's job timeout is 600 s); the cron
# run of the next minute sends the rest.
SEND_BUDGET_S = 300.0

LIVE_OFFERS = f"""
SELECT o.id FROM offer o JOIN organisation g ON g.id = o.organisation
WHERE o.id = ANY($1::int[]) AND o.status = 'published' AND o.expires_at > $2
  AND {IS_PUBLIC_SQL.format("g")}
"""
LOCK_DUE = """
SELECT id, last_run_at, confirmed_at FROM alert
WHERE id = ANY($1::int[]) AND confirmed_at IS NOT NULL AND next_run_at <= $2
FOR UPDATE SKIP LOCKED
"""
# In the order given, so that the send log's ids keep each alert's offers in search order.
CLAIM = """
INSERT INTO alert_send (alert, offer, claimed_at)
SELECT t.alert, t.offer, $3 FROM unnest($1::int[], $2::int[]) WITH ORDINALITY AS t(alert, offer, n)
ORDER BY t.n
ON CONFLICT (alert, offer) DO NOTHING
"""
MOVE_ON = """
UPDATE alert SET last_run_at = $2, next_run_at = t.next_run
FROM unnest($1::int[], $3::timestamptz[]) AS t(id, next_run) WHERE alert.id = t.id
"""


@dataclass
class DueAlert:
    id: int
    search: str  # the saved search as PostgreSQL writes the JSONB: equal searches, equal text
    frequency: str
    since: datetime


@dataclass
class MatchReport:
    due: int = 0
    run: int = 0  # alerts matched and moved on to their next run
    claimed: int = 0  # (alert, offer) pairs queued
    failed: list[int] = field(default_factory=list)  # stay due, run again
    searches: int = 0  # distinct saved searches
    texts: int = 0  # distinct words, one Meilisearch search each
    new_offers: int = 0


def since(last_run: datetime | None, confirmed: datetime | None, now: datetime) -> datetime:
    return (last_run or confirmed or now) - OVERLAP


async def due_alerts(now: datetime) -> list[DueAlert]:
    async with connection() as conn:
        rows = await conn.fetch(
            "SELECT id, search::text AS search, frequency, last_run_at, confirmed_at FROM alert "
            "WHERE confirmed_at IS NOT NULL AND next_run_at <= $1 ORDER BY next_run_at, id",
            now,
        )
    return [
        DueAlert(
            r["id"], r["search"], r["frequency"], since(r["last_run_at"], r["confirmed_at"], now)
        )
        for r in rows
    ]


async def _queries(searches: set[str]) -> dict[str, OfferQuery | None]:
    """Each distinct saved search as the search API reads it; None when it no longer holds
    (a place or organisation gone): its alerts fail, logged, and stay due."""
    queries: dict[str, OfferQuery | None] = {}
    for text in searches:
        try:
            queries[text] = await to_query(offer_search(saved_search_of(text)))
        except Exception as exc:
            log.warning("saved search %s no longer holds: %s: %s", text, type(exc).__name__, exc)
            queries[text] = None
    return queries


async def _live(window: NewOffers, now: datetime) -> NewOffers:
    """The new offers the database still says are public (the index may lag a little)."""
    if not len(window):
        return window
    async with connection() as conn:
        rows = await conn.fetch(LIVE_OFFERS, window.ids, now)
    return window.keep(r["id"] for r in rows)


async def match_due_alerts(engine: SearchEngine, now: datetime) -> MatchReport:
    """Queue the new matching offers of every due alert, and move each on to its next run."""
    due = await due_alerts(now)
    report = MatchReport(due=len(due))
    if not due:
        return report
    queries = await _queries({a.search for a in due})
    report.searches = len(queries)
    report.failed = [a.id for a in due if queries[a.search] is None]
    alerts = [a for a in due if queries[a.search] is not None]
    if not alerts:
        return report
    window = await _live(await NewOffers.load(engine, min(a.since for a in alerts), now), now)
    report.new_offers = len(window)
    texts = {q.q for q in queries.values() if q is not None and q.q}
    report.texts = len(texts)
    ranks = await window.rank(engine, texts)
    matches = {
        text: window.matches(query, ranks) for text, query in queries.items() if query is not None
    }
    batches = [alerts[i : i + CLAIM_BATCH] for i in range(0, len(alerts), CLAIM_BATCH)]

    async def claimer() -> None:
        while batches:
            batch = batches.pop(0)
            try:
                run, claimed = await _claim(batch, window, matches, now)
            except Exception as exc:  # logged with its reason; these alerts stay due
                log.warning("%d alerts failed: %s: %s", len(batch), type(exc).__name__, exc)
                report.failed += [a.id for a in batch]
                continue
            report.run += run
            report.claimed += claimed

    # The database does most of this work (the send log's unique index and foreign keys): two
    # transactions at once keep two cores busy. Their alerts never overlap.
    await asyncio.gather(*(claimer() for _ in range(min(CLAIMERS, len(batches)))))
    return report


async def _claim(
    batch: list[DueAlert], window: NewOffers, matches: dict[str, Matches], now: datetime
) -> tuple[int, int]:
    """Lock the batch's alerts still due, claim their offers, move them on; (run, claimed)."""
    wanted = {a.id: a for a in batch}
    alerts: list[int] = []
    offers: list[int] = []
    moved: list[int] = []
    next_runs: list[datetime] = []
    async with connection() as conn, conn.transaction():
        for row in await conn.fetch(LOCK_DUE, list(wanted), now):
            alert = wanted[row["id"]]
            start = since(row["last_run_at"], row["confirmed_at"], now)
            if start < window.since:  # ran meanwhile with an older schedule: next time
                continue
            found = matches[alert.search].first(window.published_after(start), MAX_OFFERS_PER_EMAIL)
            alerts += [alert.id] * len(found)
            offers += [window.ids[i] for i in found]
            moved.append(alert.id)
            next_runs.append(next_run(Frequency(alert.frequency), now))
        claimed = affected(await conn.execute(CLAIM, alerts, offers, now)) if offers else 0
        if moved:
            await conn.execute(MOVE_ON, moved, now, next_runs)
    return len(moved), claimed


async def run_due_alerts(
    engine: SearchEngine, settings: Settings, now: datetime, mail: digests.Mail
) -> dict[str, int]:
    """Match every due alert, then send every email waiting; one failing alert does not stop
    the others (it runs again)."""
    matched = await match_due_alerts(engine, now)
    sent = await digests.send_pending(settings, now, mail, SEND_BUDGET_S)
    if sent.busy:
        log.info("alert emails: another run is sending them")
    elif not sent.complete:
        log.info("alert emails: %d sent, the others wait for the next run", sent.emails)
    if matched.failed or sent.failed or sent.server_down:
        reasons = []
        if matched.failed:
            reasons.append(f"{len(matched.failed)} alert(s) could not be matched")
        if sent.failed:
            reasons.append(f"{sent.failed} email(s) could not be sent")
        if sent.server_down:
            reasons.append("the mail server cannot be reached")
        raise AlertRunError("; ".join(reasons) + ": they will run again")
    return {
        "alerts": matched.run,
        "claimed": matched.claimed,
        "emails": sent.emails,
        "offers": sent.offers,
    }


class AlertRunError(RuntimeError):
    """Some alerts failed; they stay due (or their emails queued) and the job is retried."""
