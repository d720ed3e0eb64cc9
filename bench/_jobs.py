"""The app's own code paths, timed, each in a process of its own (as the arq worker runs them).

    python -m bench._jobs JOB [JSON arguments]

JOB is capture, reindex, raw-bulk, drain, alerts or expiry. The settings come from the
environment that `bench.run` prepares (bench database, bench Meilisearch, index prefix).
The data a job needs is set up beforehand by `bench.run`; here only the measured work runs.
The last line written to stdout is a JSON object: the figures and the process's peak RSS.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench._proc import own_peak_rss

CAPTURE_CONCURRENCY = 8
JSON = "application/json"
RECORDED: ContextVar[list[tuple[str, bytes, dict[str, str]]]] = ContextVar("recorded")

Job = Callable[[dict[str, Any]], Coroutine[Any, Any, dict[str, Any]]]


async def _with_app(work: Callable[[Any, Any], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Open the database pool and the search client as the worker's startup does."""
    from app.config import get_settings
    from app.server.startup import close_database, open_database, open_search

    settings = get_settings()
    opened = await open_database(settings)
    engine = open_search(settings)
    try:
        return await work(settings, engine)
    finally:
        await engine.close()
        if opened:
            await close_database()


async def _idle(engine: Any) -> None:
    """Until Meilisearch has no task left (a previous job's deletions, its digest …): a timed
    job never waits behind another's work."""
    for task in (await engine.client.get_tasks(statuses=["enqueued", "processing"])).results:
        await engine.client.wait_for_task(task.uid, timeout_in_ms=None, interval_in_ms=20)


def _offer_search(search: dict[str, Any]) -> Any:
    from app.core.vocabulary import Contract, Housing, Massif, Season
    from app.offers.search import OfferSearch

    enums: dict[str, Any] = {
        "massif": Massif,
        "season": Season,
        "contract": Contract,
        "housing": Housing,
    }
    values: dict[str, Any] = {
        k: [enums[k](x) for x in v] if k in enums else v for k, v in search.items()
    }
    return OfferSearch(**values)


async def capture(args: dict[str, Any]) -> dict[str, Any]:
    """The exact POST /multi-search body search/queries.py sends for each search of the mix.

    The search client's POST is wrapped: each request body and its headers are recorded on
    their way out, then sent on (so the totals are real, and the index is warm afterwards).
    """
    from app.offers.search import to_query
    from search.queries import search_offers

    mix: list[dict[str, Any]] = json.loads(await asyncio.to_thread(Path(args["mix"]).read_text))
    out = Path(args["out"])

    async def work(settings: Any, engine: Any) -> dict[str, Any]:
        searches = engine.searches  # search.client.SearchEngine: the searches' own client
        post = searches.post

        async def recording_post(path: str, body: bytes, content_type: str = JSON) -> Any:
            # The headers on the wire: the client's own, then the request's.
            headers = {k.lower(): v for k, v in searches.headers.items()}
            headers["content-type"] = content_type
            headers.pop("authorization", None)
            RECORDED.get().append((path, body, headers))
            return await post(path, body, content_type)

        searches.post = recording_post
        now = datetime.now(UTC)
        gate = asyncio.Semaphore(CAPTURE_CONCURRENCY)

        async def one(search: dict[str, Any]) -> tuple[str, int, dict[str, str]]:
            calls: list[tuple[str, bytes, dict[str, str]]] = []
            RECORDED.set(calls)  # this task's own list: searches run side by side
            async with gate:
                page = await search_offers(engine, await to_query(_offer_search(search)), now)
            if len(calls) != 1 or calls[0][0] != "multi-search":
                raise RuntimeError(f"expected one multi-search call, got {calls!r}")
            return calls[0][1].decode(), page.total, calls[0][2]

        answers = await asyncio.gather(*(one(s) for s in mix))
        bodies = [body for body, _, _ in answers]
        totals = [total for _, total, _ in answers]
        headers = answers[0][2] if answers else {}
        if any(h != headers for _, _, h in answers):
            raise RuntimeError("the client sent different headers to different searches")
        captured = {"bodies": bodies, "totals": totals, "headers": headers}
        await asyncio.to_thread(out.write_text, json.dumps(captured))
        return {"searches": len(bodies), "captured_at": now.isoformat()}

    return await _with_app(work)


async def reindex(args: dict[str, Any]) -> dict[str, Any]:
    """A full reindex of the offers through app.outbox.sync.rebuild: rows → documents → swap."""
    from app.outbox.sync import rebuild
    from app.search_indexes import OFFERS, SESSIONS

    async def work(settings: Any, engine: Any) -> dict[str, Any]:
        await _idle(engine)
        now = datetime.now(UTC)
        started = time.perf_counter()
        count = await rebuild(engine, OFFERS, now)
        seconds = time.perf_counter() - started
        sessions = await rebuild(engine, SESSIONS, now) if args.get("sessions") else None
        stats = await engine.index(OFFERS).get_stats()
        return {
            "offers": count,
            "seconds": seconds,
            "offers_per_s": count / seconds if seconds else 0.0,
            "documents_in_index": stats.number_of_documents,
            "sessions": sessions,
        }

    return await _with_app(work)


async def raw_bulk(args: dict[str, Any]) -> dict[str, Any]:
    """The same documents, built first (not timed), then added straight to a fresh index.

    The timed part: create the index, send the same settings, POST every batch of
    pre-serialised documents without waiting in between, wait until Meilisearch applied all.
    """
    from meilisearch_python_sdk.models.settings import MeilisearchSettings

    from app.offers.documents import load_offers, offer_documents
    from app.offers.services import visible
    from app.offers.tables import Offer
    from app.outbox.sync import DOCUMENT_BATCH
    from app.search_indexes import OFFERS

    folder = Path(args["folder"])
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)

    async def work(settings: Any, engine: Any) -> dict[str, Any]:
        now = datetime.now(UTC)
        dump = engine.client.json_handler.dump_bytes
        build_started = time.perf_counter()
        rows = await Offer.select(Offer.id).where(visible(now)).order_by(Offer.id)
        ids = [r["id"] for r in rows]
        files: list[Path] = []
        for start in range(0, len(ids), DOCUMENT_BATCH):
            documents = await offer_documents(
                await load_offers(ids[start : start + DOCUMENT_BATCH])
            )
            path = folder / f"batch-{len(files):05d}.json"
            path.write_bytes(dump(documents))
            files.append(path)
        build_seconds = time.perf_counter() - build_started

        uid = engine.uid(f"{OFFERS.name}_raw")
        client = engine.client
        http = client.http_client
        await client.delete_index_if_exists(uid)
        await _idle(engine)
        started = time.perf_counter()
        await client.create_index(uid, primary_key="id", wait=True)
        task = await client.index(uid).update_settings(
            MeilisearchSettings.model_validate(OFFERS.settings)
        )
        task_uids: list[int] = [task.task_uid]  # settings first, waited for with the rest
        for path in files:
            answer = await http.post(
                f"indexes/{uid}/documents?primaryKey=id",
                content=path.read_bytes(),
                headers={"Content-Type": "application/json"},
            )
            answer.raise_for_status()
            task_uids.append(int(answer.json()["taskUid"]))
        failed = 0
        for task_uid in task_uids:
            result = await client.wait_for_task(task_uid, timeout_in_ms=None, interval_in_ms=20)
            failed += result.status != "succeeded"
        seconds = time.perf_counter() - started
        stats = await client.index(uid).get_stats()
        await client.delete_index_if_exists(uid)
        for path in files:
            path.unlink()
        return {
            "offers": len(ids),
            "seconds": seconds,
            "offers_per_s": len(ids) / seconds if seconds else 0.0,
            "batches": len(files),
            "batch_size": DOCUMENT_BATCH,
            "failed_tasks": failed,
            "documents_in_index": stats.number_of_documents,
            "document_build_seconds": build_seconds,
        }

    return await _with_app(work)


async def drain(args: dict[str, Any]) -> dict[str, Any]:
    """app.outbox.sync.drain_outbox until the outbox is empty (the rows were written before)."""
    from app.outbox.sync import DRAIN_BATCH, drain_outbox

    async def work(settings: Any, engine: Any) -> dict[str, Any]:
        started = time.perf_counter()
        report = await drain_outbox(engine, lambda: datetime.now(UTC))
        seconds = time.perf_counter() - started
        return {
            "batch_size": DRAIN_BATCH,
            "events": report.events,
            "batches": report.batches,
            "upserted": report.upserted["offers"],
            "deleted": report.deleted["offers"],
            "seconds": seconds,
            "events_per_s": report.events / seconds if seconds else 0.0,
        }

    return await _with_app(work)


async def alerts(args: dict[str, Any]) -> dict[str, Any]:
    """The two steps of the worker's alert run (app.alerts.matching.run_due_alerts), timed apart.

    Matching (`match_due_alerts`: every due alert's new offers claimed in the send log, its
    emails queued) runs to the end: that is the issue's target. Sending (`send_pending` with
    the worker's AlertMail and an SMTP mailer) follows; with a budget (seconds) it starts no
    email once the budget is spent (as the worker's run does), the emails not sent stay
    queued, and those sent give the rate.
    """
    from app.alerts import digests, matching, send_log
    from app.alerts.tables import Alert, AlertSend
    from workers.alerts import AlertMail
    from workers.mail import SmtpMailer

    budget = float(args.get("budget") or 0)

    async def work(settings: Any, engine: Any) -> dict[str, Any]:
        mail = AlertMail(SmtpMailer(settings.mail.smtp_url, settings.mail))
        now = datetime.now(UTC)
        due = len(await matching.due_alerts(now))
        started = time.perf_counter()
        matched = await matching.match_due_alerts(engine, now)
        seconds = time.perf_counter() - started
        processed = await Alert.count().where(Alert.last_run_at == now)
        queued = await AlertSend.count().where(AlertSend.sent_at.is_null())
        [waiting] = await AlertSend.raw(
            "SELECT count(DISTINCT alert) AS emails FROM alert_send WHERE sent_at IS NULL"
        )
        started = time.perf_counter()
        sent = await digests.send_pending(settings, now, mail, budget if budget > 0 else None)
        send_seconds = time.perf_counter() - started
        # The daily pruning, a month later: the rows sent today that can no longer match.
        sent_rows = await AlertSend.count().where(AlertSend.sent_at.is_not_null())
        started = time.perf_counter()
        pruned = await send_log.prune_send_log(
            now + send_log.KEPT_AFTER_SENDING + timedelta(days=1)
        )
        prune_seconds = time.perf_counter() - started
        failures = []
        if matched.failed:
            failures.append(f"{len(matched.failed)} alert(s) could not be matched")
        if sent.failed or sent.server_down:
            failures.append(f"{sent.failed} email(s) failed, server down: {sent.server_down}")
        return {
            "due": due,
            "processed": processed,
            "complete": not matched.failed,
            "claimed": matched.claimed,
            "queued": queued,
            "emails_queued": waiting["emails"],
            "searches": matched.searches,
            "texts": matched.texts,
            "new_offers": matched.new_offers,
            "seconds": seconds,
            "send_seconds": send_seconds,
            "send_complete": sent.complete,
            "emails_reported": sent.emails,
            "offers_reported": sent.offers,
            "budget": budget,
            "sent_rows": sent_rows,
            "pruned_rows": pruned.deleted,
            "prune_seconds": prune_seconds,
            "failure": "; ".join(failures) or None,
        }

    return await _with_app(work)


async def expiry(args: dict[str, Any]) -> dict[str, Any]:
    """app.notices.services.expire_due_offers, then the drain that takes them out of search."""
    from app.notices.services import expire_due_offers
    from app.outbox.sync import drain_outbox
    from app.search_indexes import OFFERS

    async def work(settings: Any, engine: Any) -> dict[str, Any]:
        before = (await engine.index(OFFERS).get_stats()).number_of_documents
        now = datetime.now(UTC)
        started = time.perf_counter()
        expired = await expire_due_offers(now)
        expire_seconds = time.perf_counter() - started
        await drain_outbox(engine, lambda: datetime.now(UTC))
        seconds = time.perf_counter() - started
        after = (await engine.index(OFFERS).get_stats()).number_of_documents
        return {
            "expired": expired,
            "expire_seconds": expire_seconds,
            "drain_seconds": seconds - expire_seconds,
            "seconds": seconds,
            "deindexed": before - after,
            "offers_per_s": expired / seconds if seconds else 0.0,
        }

    return await _with_app(work)


JOBS: dict[str, Job] = {
    "capture": capture,
    "reindex": reindex,
    "raw-bulk": raw_bulk,
    "drain": drain,
    "alerts": alerts,
    "expiry": expiry,
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in JOBS:
        print(f"usage: python -m bench._jobs {{{','.join(JOBS)}}} [JSON]", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    args: dict[str, Any] = json.loads(argv[1]) if len(argv) > 1 else {}
    # The default event loop, as the arq worker runs its jobs.
    result = asyncio.run(JOBS[argv[0]](args))
    result["peak_rss"] = own_peak_rss()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
