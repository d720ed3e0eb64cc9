"""The Markdown report of a bench run, and an SVG of its curves."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from bench import _svg
from bench._load import GROWTH_ROUNDS
from bench._proc import mib

THROUGHPUT_TARGET = 0.70  # app requests/s over raw Meilisearch's, same concurrency
P95_MARGIN_MS = 5.0  # app p95 at most raw p95 + 5 ms
REINDEX_TARGET = 1.3  # app reindex time over raw bulk addition's
ALERTS_TARGET_S = 60.0  # every alert of the day matched, its email queued


def _n(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return f"{value:,.{digits}f}".replace(",", " ")


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _header(results: dict[str, Any]) -> list[str]:
    meta = results.get("meta", {})
    m = meta.get("machine", {})
    o = meta.get("options", {})
    data = results.get("dataset", {})
    packages = ", ".join(f"{k} {v}" for k, v in meta.get("packages", {}).items())
    wall = meta.get("wall_seconds")
    lines = [
        f"# Emploi Montagne — bench of {meta.get('started_at', '?')}",
        "",
        "Figures and ratios, never pass/fail. "
        + ("**Quick run (development sizes).** " if o.get("quick") else "")
        + (f"**Stopped early: {meta['stopped_by']}.** " if meta.get("stopped_by") else ""),
        "",
        f"- **Machine**: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, "
        f"{m.get('ram_gib', '?')} GiB RAM, Linux {m.get('kernel', '?')}; load average "
        f"{m.get('load_1min_at_start', '?')} at start"
        + (
            f", {meta['load_average']['median']:.1f} median during the run (min "
            f"{meta['load_average']['min']:.1f}, max {meta['load_average']['max']:.1f})"
            if meta.get("load_average")
            else ""
        )
        + ": anything above the bench's own load is other work sharing the cores.",
        f"- **Server**: `uvicorn app.main:create_app --factory --workers "
        f"{o.get('web_workers', 2)} --proxy-headers` (as compose serves it), APP_ENV=development, "
        "search rate limit off (SEARCH_RATE_PER_MINUTE=0), access log on; Meilisearch "
        f"{meta.get('meilisearch', '?')} (own instance, own data dir), PostgreSQL "
        f"{meta.get('postgresql', '?')} (database em_bench), Python {m.get('python', '?')}; "
        "all on the same machine.",
        f"- **Packages**: {packages}.",
        "- **Load generator**: the bench process (a separate process from the server), "
        "httpx.AsyncClient with keep-alive (one connection per client) — asyncpg pool for "
        f"PostgreSQL —, closed loop: each client sends its next search when the previous one "
        f"answered; {_n(o.get('duration'), 0)} s per phase after {_n(o.get('warmup'), 0)} s of "
        "warm-up; it shares the cores with the servers (its CPU share is given).",
        "- **Worker jobs**: each in a process of its own (`python -m bench._jobs`), calling "
        "the functions the arq worker calls, without the queue.",
        f"- **Sizes**: {_n(o.get('offers'))} offers ({_n(data.get('live_offers'))} live: "
        "published, unexpired, of a verified organisation), "
        f"{_n(o.get('alerts'))} alerts, {_n(data.get('organisations'))} organisations; "
        f"seed {o.get('seed')}; a mix of {_n(o.get('mix_size'))} distinct searches.",
    ]
    if wall is not None:
        lines.append(f"- **Wall time**: {wall / 60:.1f} min.")
    return lines


def _targets(results: dict[str, Any]) -> list[str]:
    rows: list[list[str]] = []
    for p in results.get("search", {}).get("phases", []):
        c = p["raw"]["concurrency"]
        ratio = p["throughput_ratio"]
        rows.append(
            [
                f"app search throughput / raw Meilisearch, c={c}",
                f"{ratio:.0%}",
                f"≥ {THROUGHPUT_TARGET:.0%}",
                _met(ratio >= THROUGHPUT_TARGET),
            ]
        )
    for p in results.get("search", {}).get("phases", []):
        c = p["raw"]["concurrency"]
        delta = p["app"]["p95_ms"] - p["raw"]["p95_ms"]
        rows.append(
            [
                f"app p95 − raw p95, c={c}",
                f"{delta:+.1f} ms ({p['app']['p95_ms']:.1f} vs {p['raw']['p95_ms']:.1f})",
                f"≤ +{P95_MARGIN_MS:.0f} ms",
                _met(delta <= P95_MARGIN_MS),
            ]
        )
    indexing = results.get("indexing")
    if indexing:
        rows.append(
            [
                "reindex time / raw bulk addition",
                f"{indexing['ratio']:.2f}× ({indexing['app']['seconds']:.1f} s vs "
                f"{indexing['raw']['seconds']:.1f} s"
                + (", best of 2 each)" if indexing.get("runs") else ")"),
                f"≤ {REINDEX_TARGET}×",
                _met(indexing["ratio"] <= REINDEX_TARGET),
            ]
        )
    alerts = results.get("alerts")
    if alerts:
        measured = (
            f"{alerts['seconds']:.1f} s ({_n(alerts['processed'])} of {_n(alerts['due'])} alerts)"
        )
        rows.append(
            [
                "all alert matches of the day, emails queued",
                measured,
                f"≤ {ALERTS_TARGET_S:.0f} s",
                _met(alerts["projected_seconds"] <= ALERTS_TARGET_S),
            ]
        )
    if not rows:
        return []
    return [
        "",
        "## Targets of issue 7 (measured vs target, informational)",
        "",
        *_table(["target", "measured", "target", ""], rows),
    ]


def _search(results: dict[str, Any]) -> list[str]:
    search = results.get("search")
    if not search:
        return []
    names = {
        "raw": "Meilisearch `POST /multi-search`",
        "app": "app `GET /api/offers/search`",
        "raw_identity": "*diagnostic*: Meilisearch, same bodies, `Accept-Encoding: identity`",
    }
    rows = []
    for p in search["phases"]:
        for key in ("raw", "app", "raw_identity"):
            if key not in p:
                continue
            f = p[key]
            rows.append(
                [
                    str(f["concurrency"]),
                    names[key],
                    _n(f["rps"]),
                    _n(f["p50_ms"]),
                    _n(f["p95_ms"]),
                    _n(f["p99_ms"]),
                    _n(f["errors"]),
                    _n(f["mean_answer_kib"]),
                    f"{f['client_cpu_share']:.0%}",
                    f"{p['throughput_ratio']:.2f}" if key == "app" else "",
                ]
            )
    mix = search["mix"]
    first = search["phases"][0] if search["phases"] else {}
    encoding = search.get("client_headers", {}).get("accept-encoding", "?")
    if "raw_identity" in first:
        diagnostic = (
            f"The app's Meilisearch client sends `Accept-Encoding: {encoding}` (captured with "
            "the bodies, and sent the same by the load generator): Meilisearch then compresses "
            f"its answers. At c={first['raw']['concurrency']} the same searches answered "
            f"uncompressed take {first['raw_identity']['p50_ms']:.1f} ms at the median instead "
            f"of {first['raw']['p50_ms']:.1f} ms: that row is a diagnostic, not a target."
        )
    else:
        diagnostic = (
            "Both sides send the headers the app's search client sent, captured with the "
            f"bodies: `Accept-Encoding: {encoding}`, `Content-Type: application/json`, the key "
            "(the load generator's httpx adds its own `Accept`, `User-Agent` and `Connection: "
            "keep-alive`), on kept-alive connections. The app asks for uncompressed answers: "
            "compressing them cost Meilisearch more than the search itself (before issue 7, "
            "with httpx's default `gzip, deflate`, the quick run's searches took 48 ms at the "
            "median at c=1 against 9.8 ms uncompressed)."
        )
    return [
        "",
        "## 1. Search: the app vs the same requests straight to Meilisearch",
        "",
        f"Mix: {mix['searches']} searches, {mix['with_words']:.0%} with words, "
        f"{mix['geo']:.0%} near a resort ({mix['sorted_by_distance']:.0%} sorted by distance), "
        f"{mix['mean_facet_filters']} facet filters on average, every facet counted "
        "(disjunctively: one query more per ticked facet). The raw requests are the exact "
        "bodies search/queries.py sends, captured on their way out of the app's client.",
        "",
        diagnostic,
        "",
        *_table(
            [
                "c",
                "target",
                "req/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                "answer KiB",
                "client CPU",
                "app/raw req/s",
            ],
            rows,
        ),
    ]


def _postgres(results: dict[str, Any]) -> list[str]:
    pg = results.get("postgres")
    if not pg:
        return []
    raw = {p["raw"]["concurrency"]: p["raw"] for p in results.get("search", {}).get("phases", [])}
    rows = []
    for p in pg["phases"]:
        f = p["pg"]
        meili = raw.get(f["concurrency"], {})
        rows.append(
            [
                str(f["concurrency"]),
                _n(f["rps"]),
                _n(f["p50_ms"]),
                _n(f["p95_ms"]),
                _n(f["p99_ms"]),
                _n(f["errors"]),
                f"{p['throughput_ratio_to_meili']:.2f}",
                f"{f['p95_ms'] / meili['p95_ms']:.1f}×" if meili.get("p95_ms") else "–",
            ]
        )
    q = pg["quality"]
    return [
        "",
        "## 2. The usual alternative: PostgreSQL alone, same data, same mix",
        "",
        f"A bench-only copy (`bench_pg.offers`, {_n(pg['rows'])} live offers joined with place, "
        "trade and organisation): French `tsvector` (stored generated column, GIN), one "
        "statement per search returning the page (ranked, `ts_headline`), the exact total and "
        "the five facets counted with GROUP BY each without its own filter, geo by bounding box "
        f"then haversine. Built in {pg['build_seconds']:.1f} s. Same answers? PostgreSQL finds "
        f"nothing for {q['searches_meili_finds_pg_none']} of the {q['searches_meili_finds']} "
        "searches Meilisearch answers (typos, synonyms, prefixes), median total "
        f"PostgreSQL/Meilisearch {q['median_total_pg_over_meili']:.2f}.",
        "",
        *_table(
            [
                "c",
                "req/s",
                "p50 ms",
                "p95 ms",
                "p99 ms",
                "errors",
                "req/s vs Meilisearch",
                "p95 vs Meilisearch",
            ],
            rows,
        ),
    ]


def _runs(indexing: dict[str, Any]) -> str:
    runs = indexing.get("runs")
    if not runs:
        return ""
    app = ", ".join(f"{x:.1f}" for x in runs["app"])
    raw = ", ".join(f"{x:.1f}" for x in runs["raw"])
    return (
        "Each path ran twice, in the order app, raw, raw, app, and the table keeps each one's "
        f"better time (app {app} s; raw {raw} s): times vary a lot from run to run on a "
        "shared machine, and the first indexing on a fresh Meilisearch can pay one-off costs. "
    )


def _indexing(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    indexing = results.get("indexing")
    if indexing:
        app, raw = indexing["app"], indexing["raw"]
        lines += [
            "",
            "## 3. Indexing",
            "",
            *_table(
                ["path", "offers", "seconds", "offers/s"],
                [
                    [
                        "app: `app.outbox.sync.rebuild` (rows → documents → fresh index → swap)",
                        _n(app["offers"]),
                        _n(app["seconds"]),
                        _n(app["offers_per_s"], 0),
                    ],
                    [
                        f"raw: same documents pre-serialised, {raw['batches']} batches POSTed "
                        "without waiting, fresh index, same settings",
                        _n(raw["offers"]),
                        _n(raw["seconds"]),
                        _n(raw["offers_per_s"], 0),
                    ],
                ],
            ),
            "",
            f"Reindex / raw = **{indexing['ratio']:.2f}×**. "
            + _runs(indexing)
            + "Building the documents from "
            "PostgreSQL alone (`load_offers`: one statement per batch of "
            f"{_n(raw.get('batch_size', 2000))} → `offer_documents`) takes "
            f"{raw['document_build_seconds']:.1f} s; the app builds them first (up to 64 MiB), "
            "then sends the batches back to back and waits once, as the raw path does with "
            "its files, so that Meilisearch indexes both the same way.",
        ]
    drain = results.get("drain")
    if drain:
        lines += [
            "",
            f"Outbox drain (`app.outbox.sync.drain_outbox`, batches of "
            f"{_n(drain.get('batch_size', 500))}): {_n(drain['events'])} "
            f"offer changes (direct SQL updates + outbox rows as `record` writes them) applied "
            f"in {drain['seconds']:.1f} s = **{_n(drain['events_per_s'], 0)} changes/s** "
            f"({drain['batches']} batches).",
        ]
    return lines


def _alerts_expiry(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    alerts = results.get("alerts")
    if alerts:
        sent_all = alerts["send_complete"]
        lines += [
            "",
            "## 4. Alerts: a day's new offers against every alert",
            "",
            f"{_n(alerts['today_offers'])} offers published in the last 24 hours; every confirmed "
            "alert due, its last run 24 hours ago; the two steps of the worker's alert run "
            "(`run_due_alerts`), timed apart. **Matching** (`match_due_alerts`): every due "
            "alert's new matching offers claimed in the send log, its email queued; it always "
            "runs to the end. **Sending** (`send_pending`, the worker's `AlertMail` and "
            "`SmtpMailer`, one SMTP connection per sender) to an aiosmtpd sink in a process of "
            "its own"
            + (
                "."
                if sent_all
                else f", **stopped at its budget of {alerts['budget']:.0f} s** (to keep the bench "
                "under 20 minutes; `--alerts-budget 0` sends everything): the time for all the "
                "queued emails is projected at the measured rate."
            ),
            "",
            *_table(
                [
                    "alerts due",
                    "alerts matched",
                    "matches queued",
                    "emails queued",
                    "matching s",
                    "alerts/s",
                    "emails sent",
                    "sending s",
                    "emails/s",
                    "all emails sent",
                ],
                [
                    [
                        _n(alerts["due"]),
                        _n(alerts["processed"]),
                        _n(alerts["claimed"]),
                        _n(alerts["emails_queued"]),
                        _n(alerts["seconds"]),
                        _n(alerts["alerts_per_s"]),
                        _n(alerts["received_by_sink"]),
                        _n(alerts["send_seconds"]),
                        _n(alerts["emails_per_s"]),
                        f"{alerts['send_seconds']:.0f} s"
                        if sent_all
                        else f"≈ {alerts['send_projected_seconds']:.0f} s",
                    ]
                ],
            ),
            "",
            f"{_n(alerts['searches'])} distinct saved searches, {_n(alerts['texts'])} distinct "
            f"words (one Meilisearch search each) over {_n(alerts['new_offers'])} new offers.",
        ]
        if alerts.get("sent_rows"):
            lines += [
                "",
                f"Send log pruning (`prune_send_log`, the daily job) run as a month later: "
                f"{_n(alerts['pruned_rows'])} of {_n(alerts['sent_rows'])} sent rows deleted in "
                f"{_n(alerts['prune_seconds'])} s (those of offers published in the run's last "
                "2 hours stay: the next window still reaches them).",
            ]
    expiry = results.get("expiry")
    if expiry:
        lines += [
            "",
            "## 5. Expiry",
            "",
            f"{_n(expiry['due'])} offers past their expiry: `expire_due_offers` "
            f"{expiry['expire_seconds']:.1f} s ({_n(expiry['expired'])} expired), then the drain "
            f"that de-indexes them {expiry['drain_seconds']:.1f} s "
            f"({_n(expiry['deindexed'])} documents left the index): "
            f"**{expiry['seconds']:.1f} s** in all, {_n(expiry['offers_per_s'], 0)} offers/s.",
        ]
    return lines


def _memory(results: dict[str, Any]) -> list[str]:
    memory = results.get("memory")
    if not memory:
        return []
    rows = [
        [
            "web: uvicorn workers, sum (sampled every 0.25 s)",
            _n(mib(memory["web_workers_peak_sum_sampled"])),
        ],
        [
            "web: uvicorn workers, sum of each one's VmHWM "
            f"({', '.join(str(mib(x)) for x in memory['web_workers_vmhwm'])})",
            _n(mib(memory["web_workers_vmhwm_sum"])),
        ],
        ["web: uvicorn supervisor", _n(mib(memory["web_supervisor_vmhwm"]))],
        [
            "Meilisearch (VmHWM counts its memory-mapped index pages too)",
            _n(mib(memory["meilisearch_vmhwm"])),
        ],
        [
            "bench process (load generator, PostgreSQL client)",
            _n(mib(memory["bench_process_vmhwm"])),
        ],
    ]
    rows += [[f"job process: {name}", _n(mib(v))] for name, v in memory["jobs_vmhwm"].items()]
    return ["", "## 6. Memory (peak RSS, MiB)", "", *_table(["process", "peak RSS MiB"], rows)]


def _growth(results: dict[str, Any], plot_note: str) -> list[str]:
    growth = results.get("growth") or {}
    points = growth.get("points")
    if not points:
        return []
    estimate = growth.get("estimate_1m_seconds")
    if estimate:
        plot_note = (
            f"A million-offer point (`--growth-1m`) would take at least {estimate / 60:.0f} min "
            "on this machine (this run's load and reindex times scaled linearly; the reindex "
            "grows faster than that). " + plot_note
        )
    rows = [
        [
            f"{_n(p['offers'])} ({_n(p['live_offers'])} live)",
            _n(p["reindex_seconds"]),
            f"{_n(p['raw_p50_ms'])} / {_n(p['raw_p95_ms'])}",
            f"{_n(p['app_p50_ms'])} / {_n(p['app_p95_ms'])}",
            f"{_n(p['raw_rps'])} / {_n(p['app_rps'])}",
            _n(p["seconds"], 0) if p.get("seconds") is not None else "(main run)",
        ]
        for p in points
    ]
    duration = (results.get("meta") or {}).get("options", {}).get("duration", 0)
    return [
        "",
        "## 7. Growth",
        "",
        f"At c = 8. The main size's figures are those of section 1 (one phase of {duration:g} s "
        f"per side); each other size's come from {GROWTH_ROUNDS} phases of {duration:g} s per "
        "side, raw and app alternated.",
        "",
        *_table(
            [
                "offers",
                "app reindex s",
                "raw p50 / p95 ms (c=8)",
                "app p50 / p95 ms (c=8)",
                "req/s raw / app",
                "time for the point s",
            ],
            rows,
        ),
        "",
        plot_note,
    ]


def plot(results: dict[str, Any], path: Path) -> str:
    """An SVG of the curves: search by concurrency, and growth by catalogue size."""
    phases = results.get("search", {}).get("phases", [])
    pg = results.get("postgres", {}).get("phases", [])
    raw = [p["raw"] for p in phases]
    app = [p["app"] for p in phases]
    pg_phases = [p["pg"] for p in pg]
    growth = (results.get("growth") or {}).get("points", [])
    size = _svg.short(float((results.get("meta") or {}).get("options", {}).get("offers", 0)))

    def by(series: list[dict[str, Any]], x: str, y: str) -> list[tuple[float, float]]:
        return [(float(f[x]), float(f[y])) for f in series if f.get(y) is not None]

    def meilisearch_and_app(
        title: str,
        x: str,
        raw_points: list[tuple[float, float]],
        app_points: list[tuple[float, float]],
    ) -> _svg.Panel:
        return _svg.Panel(
            title, x, "ms", [_svg.Series("Meilisearch", raw_points), _svg.Series("app", app_points)]
        )

    panels = [
        _svg.Panel(
            f"Search throughput, {size} offers",
            "concurrency",
            "requests/s",
            [
                _svg.Series("Meilisearch", by(raw, "concurrency", "rps")),
                _svg.Series("app", by(app, "concurrency", "rps")),
                _svg.Series("PostgreSQL alone", by(pg_phases, "concurrency", "rps")),
            ],
        ),
        meilisearch_and_app(
            f"Search p95, {size} offers",
            "concurrency",
            by(raw, "concurrency", "p95_ms"),
            by(app, "concurrency", "p95_ms"),
        ),
        meilisearch_and_app(
            "Growth: search p95 at c=8",
            "offers",
            by(growth, "offers", "raw_p95_ms"),
            by(growth, "offers", "app_p95_ms"),
        ),
        _svg.Panel(
            "Growth: full reindex",
            "offers",
            "seconds",
            [_svg.Series("app reindex", by(growth, "offers", "reindex_seconds"))],
        ),
    ]
    path.write_text(_svg.chart(panels))
    return f"Curves: `{path.name}` (next to this file)."


def markdown(results: dict[str, Any], plot_path: Path | None = None) -> str:
    note = plot(results, plot_path) if plot_path is not None else ""
    lines = [
        *_header(results),
        *_targets(results),
        *_search(results),
        *_postgres(results),
        *_indexing(results),
        *_alerts_expiry(results),
        *_memory(results),
        *_growth(results, note),
        *_relevance(results),
    ]
    return "\n".join(lines).rstrip() + "\n"


def _relevance(results: dict[str, Any]) -> list[str]:
    figures = results.get("relevance")
    if not figures:
        return []
    if "error" in figures:
        return ["## Relevance", "", f"No figures: {figures['error']}", ""]
    return [
        "## Relevance",
        "",
        f"{figures['queries']} judged queries (tests/integration/search/relevance): "
        f"precision@10 {figures['precision_at_10']:.3f}, recall {figures['recall']:.3f}, "
        f"NDCG@10 {figures['ndcg_at_10']:.3f}.",
        "",
    ]
