"""`make bench`: figures and ratios of search, indexing, alerts and expiry; never pass/fail.

    python -m bench.run [--quick] [--offers N] [--alerts M] [--growth-1m] [--keep] …

Sets up everything itself and removes it afterwards: the database `em_bench` (filled by
bench.generate), a Meilisearch of its own on a free port (data in bench/results/meili-data),
the web app served as compose serves it (uvicorn, the factory, 2 workers), an SMTP sink.
The load generator is this process (httpx.AsyncClient, keep-alive), never the server's.
The app's worker jobs (reindex, outbox drain, alerts, expiry) run in a process of their own
each (`python -m bench._jobs`), calling the functions the arq worker calls.

Prints each section as it goes, then a Markdown report; writes bench/results/latest.json,
bench/results/latest.md and the curves in bench/results/latest.svg. At the defaults (100 000
offers, 50 000 alerts) a run takes about a quarter of an hour on 2 cores; --quick (10 000
offers, 5 000 alerts, 5 s phases) about three minutes; --growth-1m adds a million-offer
point (loading and reindexing a million offers: expect 30 minutes or more on 2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench import _pg, _relevance, _report, _setup
from bench._load import GROWTH_ROUNDS, Phase, app_sender, closed_loop, http_client, meili_sender
from bench._mix import describe, query_mix, query_string
from bench._proc import RssSampler, machine, mib, own_peak_rss, peak_rss
from bench._servers import ROOT, Meilisearch, SmtpSink, WebApp, free_port
from bench.generate import DEFAULT_SEED, places

RESULTS = ROOT / "bench" / "results"
INDEX_PREFIX = "bench_"
REDIS_PREFIX = "bench"
# The same requests asking for an uncompressed answer: a diagnostic, not a target, run only
# when the app's client lets Meilisearch compress (it asks for identity since issue 7).
IDENTITY = "meili-plain"
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/em_bench"


@dataclass
class Options:
    offers: int = 100_000
    alerts: int = 50_000
    seed: int = DEFAULT_SEED
    duration: float = 15.0
    warmup: float = 3.0
    concurrency: list[int] = field(default_factory=lambda: [1, 8, 32])
    growth: list[int] = field(default_factory=lambda: [10_000])
    growth_1m: bool = False
    drain_changes: int = 20_000
    expiry_offers: int = 10_000
    today_offers: int = 2_000
    mix_size: int = 1_000
    alerts_budget: float = 240.0
    web_workers: int = 2
    database_url: str = DEFAULT_DATABASE
    keep: bool = False
    quick: bool = False


QUICK = {
    "offers": 10_000,
    "alerts": 5_000,
    "duration": 5.0,
    "warmup": 1.0,
    "growth": [2_000],
    "drain_changes": 5_000,
    "expiry_offers": 2_000,
    "today_offers": 500,
    "mix_size": 300,
    "alerts_budget": 60.0,
}


def _default_database_url() -> str:
    """The server of DATABASE_URL (when set), database em_bench."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return DEFAULT_DATABASE
    return urlunsplit(urlsplit(url)._replace(path="/em_bench"))


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and 5 s phases")
    parser.add_argument("--offers", type=int, help="catalogue size (default 100 000)")
    parser.add_argument("--alerts", type=int, help="alerts (default 50 000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--duration", type=float, help="seconds of each load phase (15)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up per target (3)")
    parser.add_argument(
        "--concurrency", type=lambda s: [int(x) for x in s.split(",")], help="e.g. 1,8,32"
    )
    parser.add_argument(
        "--growth",
        type=lambda s: [int(x) for x in s.split(",") if x],
        help="other catalogue sizes for the growth curve (default 10000)",
    )
    parser.add_argument(
        "--growth-1m", action="store_true", help="add 1 000 000 offers to the growth curve"
    )
    parser.add_argument("--drain-changes", type=int, help="offer changes to drain (20 000)")
    parser.add_argument("--expiry-offers", type=int, help="offers due to expire (10 000)")
    parser.add_argument("--today-offers", type=int, help="offers published today (2 000)")
    parser.add_argument("--mix-size", type=int, help="distinct searches in the mix (1 000)")
    parser.add_argument(
        "--alerts-budget",
        type=float,
        help="seconds the sending of the alert emails may take before it is stopped and its "
        "rate projected (240; 0: no limit; the matching always runs to the end)",
    )
    parser.add_argument("--web-workers", type=int, default=2, help="uvicorn workers (2)")
    parser.add_argument("--database-url", default=_default_database_url())
    parser.add_argument("--keep", action="store_true", help="keep the em_bench database")
    args = parser.parse_args(argv)
    options = Options(quick=args.quick, keep=args.keep, growth_1m=args.growth_1m)
    if args.quick:
        for key, value in QUICK.items():
            setattr(options, key, value)
    for key in (
        "offers",
        "alerts",
        "duration",
        "warmup",
        "concurrency",
        "growth",
        "drain_changes",
        "expiry_offers",
        "today_offers",
        "mix_size",
        "alerts_budget",
    ):
        value = getattr(args, key)
        if value is not None:
            setattr(options, key, value)
    options.seed = args.seed
    options.web_workers = args.web_workers
    options.database_url = args.database_url
    _setup.check_name(options.database_url)
    return options


def say(text: str = "") -> None:
    print(text, flush=True)


def section(title: str) -> None:
    say(f"\n== {title} " + "=" * max(0, 70 - len(title)))


def phase_line(phase: Phase, extra: str = "") -> str:
    return phase_line_of(phase.figures(), extra)


def phase_line_of(f: dict[str, Any], extra: str = "") -> str:
    return (
        f"  c={f['concurrency']:<3} {f['target']:<12} {f['rps']:8.1f} req/s  "
        f"p50 {f['p50_ms']:7.1f} ms  p95 {f['p95_ms']:7.1f} ms  p99 {f['p99_ms']:7.1f} ms  "
        f"err {f['errors']}  client CPU {f['client_cpu_share']:.0%}{extra}"
    )


class Bench:
    def __init__(self, options: Options) -> None:
        self.o = options
        self.url = options.database_url
        self.logs = RESULTS / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.tmp = RESULTS / "tmp"
        self.key = secrets.token_hex(16)
        self.meili = Meilisearch(RESULTS / "meili-data", self.key, self.logs / "meilisearch.log")
        self.smtp = SmtpSink(self.logs / "smtp.log")
        app_port = free_port()
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "APP_ENV": "development",
            "DATABASE_URL": self.url,
            "MEILISEARCH_URL": self.meili.url,
            "MEILISEARCH_MASTER_KEY": self.key,
            "MEILISEARCH_INDEX_PREFIX": INDEX_PREFIX,
            "REDIS_KEY_PREFIX": REDIS_PREFIX,
            "SEARCH_RATE_PER_MINUTE": "0",
            "PORT": str(app_port),
            "BASE_URL": f"http://127.0.0.1:{app_port}",
            "SMTP_URL": self.smtp.url,
            "MAIL_CAPTURE_DIR": str(self.tmp / "mail"),
            "WEB_CONCURRENCY": str(options.web_workers),
            "LITESTAR_APP": "app.main:create_app",
        }
        self.app = WebApp(self.env, options.web_workers, self.logs / "web.log")
        self.sampler: RssSampler | None = None
        self.results: dict[str, Any] = {}
        self.mix = query_mix(options.seed, options.mix_size)
        self.paths = ["/api/offers/search?" + query_string(s) for s in self.mix]
        self.bodies: list[bytes] = []
        self.meili_headers: dict[str, str] = {}
        self.meili_totals: list[int] = []
        self.jobs: dict[str, dict[str, Any]] = {}
        self.loads: list[float] = []

    # --- helpers ---------------------------------------------------------------------------

    async def job(self, name: str, label: str | None = None, **args: Any) -> dict[str, Any]:
        """Run one app code path in a process of its own; its JSON answer."""
        with (self.logs / "jobs.log").open("ab") as log:
            log.write(f"\n--- {name} {json.dumps(args)}\n".encode())
            log.flush()
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench._jobs",
                name,
                json.dumps(args),
                cwd=ROOT,
                env=self.env,
                stdout=asyncio.subprocess.PIPE,
                stderr=log,
            )
            try:
                out, _ = await process.communicate()
            except asyncio.CancelledError:  # interrupted: the job must not outlive the bench
                process.kill()
                await process.wait()
                raise
        if process.returncode != 0:
            raise RuntimeError(f"job {name} failed (see {self.logs / 'jobs.log'})")
        self.note_load()
        result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
        self.jobs[label or name] = result
        return result

    def note_load(self) -> None:
        """The machine's 1-minute load average: other work on it shares the cores."""
        self.loads.append(os.getloadavg()[0])

    async def load(self, target: str, concurrency: int, duration: float) -> Phase:
        try:
            return await self._load(target, concurrency, duration)
        finally:
            self.note_load()

    async def _load(self, target: str, concurrency: int, duration: float) -> Phase:
        if target == "app":
            async with http_client(self.app.url, concurrency) as client:
                return await closed_loop(
                    "app", app_sender(client, self.paths), len(self.paths), concurrency, duration
                )
        # The headers the app's client sends (captured), so the requests are the same bytes.
        headers = {
            **{k: v for k, v in self.meili_headers.items() if k not in ("host", "content-length")},
            "authorization": f"Bearer {self.key}",
        }
        if target == IDENTITY:
            headers["accept-encoding"] = "identity"
        async with http_client(self.meili.url, concurrency, headers) as client:
            return await closed_loop(
                target,
                meili_sender(client, self.bodies),
                len(self.bodies),
                concurrency,
                duration,
            )

    # --- sections --------------------------------------------------------------------------

    async def dataset(self, offers: int, alerts: int) -> dict[str, Any]:
        say(f"  loading {offers:,} offers and {alerts:,} alerts into {self.url} …")
        counts = await _setup.load_dataset(self.url, offers, alerts, self.o.seed)
        counts["live_offers"] = await _setup.live_count(self.url)
        say(
            f"  loaded in {counts['seconds']:.1f} s: {counts['live_offers']:,} live offers "
            "(published, unexpired, verified organisation), "
            f"{counts['organisations']:,} organisations, {counts['alerts']:,} alerts"
        )
        return counts

    async def indexing(self) -> None:
        section("3. Indexing: full reindex (app path) vs raw bulk addition")
        # Each path twice, in the order app, raw, raw, app, and the better time of each kept:
        # times vary a lot from run to run, and the first indexing job on a fresh Meilisearch
        # can pay one-off costs (seen: 11 s, then 5 s, for the same raw addition), which must
        # not fall on one side only.
        runs: dict[str, list[dict[str, Any]]] = {"app": [], "raw": []}
        for path in ("app", "raw", "raw", "app"):
            if path == "app":
                app = await self.job("reindex", sessions=True)
                runs["app"].append(app)
                say(
                    f"  app reindex (outbox.sync.rebuild)  {app['offers']:,} offers in "
                    f"{app['seconds']:.1f} s = {app['offers_per_s']:,.0f} offers/s"
                )
            else:
                raw = await self.job("raw-bulk", folder=str(self.tmp / "documents"))
                runs["raw"].append(raw)
                say(
                    f"  raw bulk add_documents            {raw['offers']:,} offers in "
                    f"{raw['seconds']:.1f} s = {raw['offers_per_s']:,.0f} offers/s "
                    f"({raw['batches']} batches; building the documents from PostgreSQL alone "
                    f"took {raw['document_build_seconds']:.1f} s)"
                )
        app = min(runs["app"], key=lambda r: float(r["seconds"]))
        raw = min(runs["raw"], key=lambda r: float(r["seconds"]))
        ratio = app["seconds"] / raw["seconds"] if raw["seconds"] else float("nan")
        say(f"  reindex time app/raw = {ratio:.2f}× (best of 2 each; target ≤ 1.3×)")
        self.results["indexing"] = {
            "app": app,
            "raw": raw,
            "ratio": ratio,
            "runs": {k: [r["seconds"] for r in v] for k, v in runs.items()},
        }

    async def capture(self) -> None:
        mix_file = self.tmp / "mix.json"
        out = self.tmp / "captured.json"
        mix_file.write_text(json.dumps(self.mix))
        result = await self.job("capture", mix=str(mix_file), out=str(out))
        data = json.loads(out.read_text())
        self.bodies = [b.encode() for b in data["bodies"]]
        self.meili_totals = data["totals"]
        self.meili_headers = data["headers"]
        say(
            f"  captured the {result['searches']} multi-search bodies search/queries.py sends "
            f"(median {statistics.median([b.count(b'indexUid') for b in self.bodies]):.0f} "
            "queries per multi-search)"
        )

    async def search(self) -> None:
        section("1. Search: the app's GET /api/offers/search vs the same POST /multi-search")
        say(f"  mix: {describe(self.mix)}")
        say(f"  warm-up {self.o.warmup:.0f} s per target …")
        for target in ("meilisearch", "app"):
            await self.load(target, 8, self.o.warmup)
        encoding = self.meili_headers.get("accept-encoding", "")
        say(f"  the app's search client sends Accept-Encoding: {encoding or '(none)'}; so does raw")
        phases = []
        for c in self.o.concurrency:
            raw = await self.load("meilisearch", c, self.o.duration)
            say(phase_line(raw))
            app = await self.load("app", c, self.o.duration)
            r, a = raw.figures(), app.figures()
            ratio = a["rps"] / r["rps"] if r["rps"] else float("nan")
            say(phase_line(app, f"   app/raw {ratio:.2f}, p95 {a['p95_ms'] - r['p95_ms']:+.1f} ms"))
            phase = {"raw": r, "app": a, "throughput_ratio": ratio}
            if encoding not in ("", "identity"):
                plain = (await self.load(IDENTITY, c, self.o.duration)).figures()
                say(phase_line_of(plain, "   (diagnostic: Accept-Encoding: identity)"))
                phase["raw_identity"] = plain
            phases.append(phase)
        self.results["search"] = {
            "mix": describe(self.mix),
            "client_headers": self.meili_headers,
            "phases": phases,
        }

    async def postgres(self) -> None:
        section("2. The usual alternative: PostgreSQL full-text + GROUP BY facets + haversine")
        conn = await asyncpg.connect(self.url)
        try:
            started = time.perf_counter()
            for statement in _pg.BUILD:
                await conn.execute(statement)
            build = time.perf_counter() - started
            rows = await conn.fetchval(f"SELECT count(*) FROM {_pg.SCHEMA}.offers")
            say(
                f"  bench_pg.offers: {rows:,} rows, tsvector + GIN and indexes built in "
                f"{build:.1f} s"
            )
            coordinates = {p.slug: (p.latitude, p.longitude) for p in places()}
            now = datetime.now(UTC)
            statements = [_pg.search_sql(s, now, coordinates) for s in self.mix]
            totals = []
            for sql, values in statements:  # one pass: the totals, and a warm cache
                totals.append(json.loads(await conn.fetchval(sql, *values))["total"])
        finally:
            await conn.close()
        both = [(p, m) for p, m in zip(totals, self.meili_totals, strict=True) if m]
        quality = {
            "searches_meili_finds_pg_none": sum(1 for p, _ in both if p == 0),
            "searches_meili_finds": len(both),
            "median_total_pg_over_meili": statistics.median(p / m for p, m in both) if both else 0,
        }
        say(
            f"  same mix: PostgreSQL finds nothing for {quality['searches_meili_finds_pg_none']} "
            f"of the {len(both)} searches Meilisearch answers (typos, synonyms); median total "
            f"PostgreSQL/Meilisearch {quality['median_total_pg_over_meili']:.2f}"
        )
        phases = []
        by_c = {p["raw"]["concurrency"]: p["raw"] for p in self.results["search"]["phases"]}
        for c in self.o.concurrency:
            pool = await asyncpg.create_pool(self.url, min_size=c, max_size=c)
            assert pool is not None

            async def send(i: int, pool: Any = pool) -> int | None:
                sql, values = statements[i]
                async with pool.acquire() as connection:
                    answer: str = await connection.fetchval(sql, *values)
                return len(answer.encode())

            try:
                phase = await closed_loop("postgresql", send, len(statements), c, self.o.duration)
            finally:
                await pool.close()
            f = phase.figures()
            raw = by_c.get(c)
            ratio = f["rps"] / raw["rps"] if raw and raw["rps"] else float("nan")
            extra = f"   pg/meili {ratio:.2f}" if raw else ""
            say(phase_line(phase, extra))
            phases.append({"pg": f, "throughput_ratio_to_meili": ratio})
        conn = await asyncpg.connect(self.url)
        try:
            await conn.execute(_pg.DROP)
        finally:
            await conn.close()
        self.results["postgres"] = {
            "rows": rows,
            "build_seconds": build,
            "quality": quality,
            "phases": phases,
        }

    async def drain(self) -> None:
        section("3b. Outbox drain at steady state")
        setup = await _setup.prepare_drain(self.url, self.o.drain_changes, self.o.seed)
        say(
            f"  wrote {setup['changes']:,} offer changes + outbox rows (pending before: "
            f"{setup['pending_before']})"
        )
        result = await self.job("drain")
        say(
            f"  drain_outbox: {result['events']:,} changes in {result['seconds']:.1f} s = "
            f"{result['events_per_s']:,.0f} changes/s ({result['batches']} batches)"
        )
        self.results["drain"] = {**setup, **result}

    async def alerts(self, last_run: datetime) -> None:
        section("4. Alerts: a day's new offers against every alert, mail to an SMTP sink")
        setup = await _setup.prepare_alerts(self.url, last_run)
        budget = self.o.alerts_budget
        say(
            f"  {setup['due']:,} of {setup['alerts']:,} alerts due (the confirmed ones) …"
            + (f" (sending stopped after {budget:.0f} s if not done)" if budget else "")
        )
        self.smtp.start()
        try:
            result = await self.job("alerts", budget=budget)
        finally:
            received = self.smtp.stop()
        pairs = result["sent_rows"]  # counted before the pruning
        seconds, processed, due = result["seconds"], result["processed"], result["due"]
        send_seconds = result["send_seconds"]
        rate = processed / seconds if seconds else 0.0
        emails_per_s = received / send_seconds if send_seconds else 0.0
        queued = result["emails_queued"]
        result.update(
            {
                "received_by_sink": received,
                "sent_pairs": pairs,
                "emails_per_s": emails_per_s,
                "alerts_per_s": rate,
                # Matching is never stopped: its time is measured, not projected.
                "projected_seconds": seconds,
                "send_projected_seconds": (
                    send_seconds
                    if result["send_complete"]
                    else (queued / emails_per_s if emails_per_s else float("inf"))
                ),
                "today_offers": self.o.today_offers,
            }
        )
        say(
            f"  match_due_alerts: {processed:,} of {due:,} alerts in {seconds:.1f} s "
            f"({rate:,.0f} alerts/s; {result['searches']:,} distinct searches, "
            f"{result['texts']:,} distinct words, {result['new_offers']:,} new offers): "
            f"{result['claimed']:,} matches queued in {queued:,} emails"
        )
        say(
            f"  send_pending: {received:,} emails ({pairs:,} matches) in {send_seconds:.1f} s "
            f"= {emails_per_s:.1f} emails/s"
        )
        if not result["send_complete"]:
            say(
                f"  sending stopped at the budget: all {queued:,} emails would take about "
                f"{result['send_projected_seconds']:.0f} s at this rate"
            )
        if result.get("sent_rows"):
            say(
                f"  send log pruned a month later: {result['pruned_rows']:,} of "
                f"{result['sent_rows']:,} sent rows in {result['prune_seconds']:.1f} s"
            )
        say(
            "  target: all of the day's matches computed and their emails queued in ≤ 60 s; "
            f"measured {seconds:.1f} s"
        )
        if result.get("failure"):
            say(f"  ! {result['failure']}")
        self.results["alerts"] = {**setup, **result}

    async def expiry(self) -> None:
        section("5. Expiry: offers due, expire_due_offers + the drain that de-indexes them")
        setup = await _setup.prepare_expiry(self.url, self.o.expiry_offers, self.o.seed)
        result = await self.job("expiry")
        say(
            f"  {result['expired']:,} offers expired in {result['expire_seconds']:.1f} s, "
            f"de-indexed ({result['deindexed']:,}) in {result['drain_seconds']:.1f} s: "
            f"{result['seconds']:.1f} s in all = {result['offers_per_s']:,.0f} offers/s"
        )
        self.results["expiry"] = {**setup, **result}

    async def growth_point(self, offers: int) -> dict[str, Any]:
        """Reindex time and search latency at c=8 for another catalogue size."""
        started = time.perf_counter()
        counts = await self.dataset(offers, 0)
        reindex = await self.job("reindex", label=f"reindex ({offers:,} offers)".replace(",", " "))
        say(f"  reindex {reindex['offers']:,} live offers: {reindex['seconds']:.1f} s")
        await self.load("meilisearch", 8, self.o.warmup)
        await self.load("app", 8, self.o.warmup)
        # Alternated, GROWTH_ROUNDS phases each: at a million offers a phase sees only a few
        # hundred searches, and one pair of phases was seen to differ by 20% more than the next.
        raws: list[Phase] = []
        apps: list[Phase] = []
        for _ in range(GROWTH_ROUNDS):
            raws.append(await self.load("meilisearch", 8, self.o.duration))
            apps.append(await self.load("app", 8, self.o.duration))
        raw, app = Phase.merged(raws).figures(), Phase.merged(apps).figures()
        for f in (raw, app):
            say(f"  c=8 {f['target']:<12} p50 {f['p50_ms']:.1f} ms  p95 {f['p95_ms']:.1f} ms")
        return {
            "offers": offers,
            "live_offers": counts["live_offers"],
            "reindex_seconds": reindex["seconds"],
            "raw_p50_ms": raw["p50_ms"],
            "raw_p95_ms": raw["p95_ms"],
            "app_p50_ms": app["p50_ms"],
            "app_p95_ms": app["p95_ms"],
            "app_rps": app["rps"],
            "raw_rps": raw["rps"],
            "seconds": time.perf_counter() - started,
        }

    async def growth(self) -> None:
        section("7. Growth: search latency (c=8) and reindex time by catalogue size")
        main_search = next(
            (p for p in self.results["search"]["phases"] if p["raw"]["concurrency"] == 8), None
        )
        points = []
        if main_search is not None:
            raw, app = main_search["raw"], main_search["app"]
            points.append(
                {
                    "offers": self.o.offers,
                    "live_offers": self.results["dataset"]["live_offers"],
                    "reindex_seconds": self.results["indexing"]["app"]["seconds"],
                    "raw_p50_ms": raw["p50_ms"],
                    "raw_p95_ms": raw["p95_ms"],
                    "app_p50_ms": app["p50_ms"],
                    "app_p95_ms": app["p95_ms"],
                    "app_rps": app["rps"],
                    "raw_rps": raw["rps"],
                    "seconds": None,
                }
            )
        sizes = sorted({s for s in self.o.growth if s != self.o.offers})
        if self.o.growth_1m:
            sizes.append(1_000_000)
        for size in sizes:
            say(f"  -- {size:,} offers")
            point = await self.growth_point(size)
            say(f"  ({size:,} offers took {point['seconds']:.0f} s in all)")
            points.append(point)
        points.sort(key=lambda p: p["offers"])
        self.results["growth"] = {"points": points}
        if not self.o.growth_1m and self.o.offers < 1_000_000:
            scale = 1_000_000 / self.o.offers
            estimate = (
                self.results["dataset"]["seconds"] * scale
                + self.results["indexing"]["app"]["seconds"] * scale
                + 2 * (self.o.warmup + GROWTH_ROUNDS * self.o.duration)
            )
            self.results["growth"]["estimate_1m_seconds"] = estimate
            say(
                f"  a 1 000 000-offer point (--growth-1m) would take at least {estimate / 60:.0f} "
                "min here (this run's load and reindex times scaled linearly; the reindex grows "
                "faster than that)"
            )

    # --- the whole run ---------------------------------------------------------------------

    async def run(self) -> None:
        o = self.o
        self.tmp.mkdir(parents=True, exist_ok=True)
        section("Setup")
        self.meili.start()
        meta = self.results["meta"]
        meta["meilisearch"] = self.meili.version()
        say(f"  Meilisearch {meta['meilisearch']} on {self.meili.url} (pid {self.meili.pid})")
        self.results["dataset"] = await self.dataset(o.offers, o.alerts)
        meta["postgresql"] = await _setup.server_version(self.url)
        today_at = datetime.now(UTC)
        today = await _setup.prepare_today(self.url, o.today_offers, o.seed, today_at)
        say(f"  {today:,} offers published in the last 24 hours (the alerts' day)")
        await self.indexing()
        await self.capture()
        self.app.start()
        workers = self.app.worker_pids()
        say(
            f"  web app: uvicorn app.main:create_app --factory --workers {o.web_workers} on "
            f"{self.app.url} (supervisor {self.app.process.pid if self.app.process else 0}, "
            f"workers {workers})"
        )
        self.sampler = RssSampler(workers)
        self.sampler.start()
        await self.search()
        await self.postgres()
        await self.drain()
        await self.alerts(today_at - timedelta(hours=24))
        await self.expiry()
        await self.growth()
        self.results["memory"] = self.memory()
        self.relevance()

    def relevance(self) -> None:
        section("8. Relevance: the judged queries of tests/integration/search/relevance")
        self.results["relevance"] = _relevance.measure()
        for line in _relevance.lines(self.results["relevance"]):
            say(line)

    def memory(self) -> dict[str, Any]:
        workers = self.app.worker_pids()
        sampled = self.sampler.stop() if self.sampler else 0
        return {
            "web_workers_peak_sum_sampled": sampled,
            "web_workers_vmhwm_sum": sum(peak_rss(p) for p in workers),
            "web_workers_vmhwm": [peak_rss(p) for p in workers],
            "web_supervisor_vmhwm": peak_rss(self.app.process.pid) if self.app.process else 0,
            "meilisearch_vmhwm": self.meili.peak_rss(),
            "bench_process_vmhwm": own_peak_rss(),
            "jobs_vmhwm": {name: r.get("peak_rss", 0) for name, r in self.jobs.items()},
        }

    async def cleanup(self) -> list[str]:
        done: list[str] = []
        if self.sampler is not None:
            self.sampler.stop()
        self.app.stop()
        done.append("web app stopped")
        self.smtp.stop()
        self.meili.remove()
        done.append(f"Meilisearch stopped, {self.meili.data_dir} removed")
        shutil.rmtree(self.tmp, ignore_errors=True)
        try:
            deleted = await _delete_redis_keys(self.env.get("REDIS_URL", ""))
            done.append(f"{deleted} Redis key(s) {REDIS_PREFIX}:* deleted")
        except Exception as exc:  # Redis gone: say so, do not hide the results
            done.append(f"Redis keys not checked: {exc}")
        if self.o.keep:
            done.append(f"database kept: {self.url}")
        else:
            try:
                await _setup.drop_database(self.url)
                done.append(f"database {_setup.check_name(self.url)} dropped")
            except Exception as exc:
                done.append(f"database not dropped: {exc}")
        return done


async def _delete_redis_keys(url: str) -> int:
    from redis.asyncio import Redis

    client = Redis.from_url(url or "redis://127.0.0.1:6379/0")
    try:
        keys = [k async for k in client.scan_iter(match=f"{REDIS_PREFIX}:*", count=1000)]
        if keys:
            await client.delete(*keys)
        return len(keys)
    finally:
        await client.aclose()


def versions(bench: Bench) -> dict[str, str]:
    names = ("litestar", "uvicorn", "piccolo", "asyncpg", "meilisearch-python-sdk", "httpx")
    found = {}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "?"
    return found


async def main_async(options: Options) -> int:
    started = time.perf_counter()
    task = asyncio.current_task()
    if task is not None:  # SIGTERM (SIGINT too) cancels the run; the cleanup still runs
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    bench = Bench(options)
    meta: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "options": asdict(options),
        "packages": versions(bench),
    }
    bench.results["meta"] = meta
    say(f"Emploi Montagne bench — {meta['machine']['cpu']}, {meta['machine']['cores']} cores")
    failure: BaseException | None = None
    try:
        await bench.run()
    except (Exception, asyncio.CancelledError, KeyboardInterrupt) as exc:
        failure = exc
        say(f"\n!! the bench stopped: {type(exc).__name__}: {exc}")
    finally:
        if "memory" not in bench.results and bench.app.process is not None:
            bench.results["memory"] = bench.memory()
        section("Cleanup")
        for line in await bench.cleanup():
            say(f"  {line}")
    meta["wall_seconds"] = time.perf_counter() - started
    if failure is not None:
        meta["stopped_by"] = f"{type(failure).__name__}: {failure}".rstrip(": ")
    if bench.loads:
        meta["load_average"] = {
            "min": min(bench.loads),
            "median": statistics.median(bench.loads),
            "max": max(bench.loads),
        }
    RESULTS.mkdir(parents=True, exist_ok=True)
    markdown = _report.markdown(bench.results, RESULTS / "latest.svg")
    (RESULTS / "latest.json").write_text(json.dumps(bench.results, indent=2, default=str))
    (RESULTS / "latest.md").write_text(markdown)
    say("\n" + markdown)
    say(f"written: {RESULTS / 'latest.md'}, {RESULTS / 'latest.json'}, {RESULTS / 'latest.svg'}")
    say(f"wall time: {meta['wall_seconds'] / 60:.1f} min ({mib(own_peak_rss())} MiB peak here)")
    return 1 if failure is not None else 0


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    try:
        import uvloop

        return int(uvloop.run(main_async(options)))
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return asyncio.run(main_async(options))


if __name__ == "__main__":
    raise SystemExit(main())
