"""Relevance figures: the judged query set of tests/integration/search/relevance (101 queries
over a seeded catalogue of seasonal offers), run by pytest in a process of its own (its own
database and Meilisearch, as the suite makes them), figures read back from RELEVANCE_FIGURES.

    python -m bench._relevance        # this section alone

Prints precision@10, recall and NDCG@10 (means over the set) and the queries below 1; never
passes or fails (the suite asserts its thresholds).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SUITE = "tests/integration/search/relevance"


def measure() -> dict[str, Any]:
    """{queries, precision_at_10, recall, ndcg_at_10, per_query, seconds}; {"error": …} when
    the suite wrote no figures."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "relevance.json"
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "pytest", SUITE, "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            env={**os.environ, "RELEVANCE_FIGURES": str(target)},
            capture_output=True,
            text=True,
            check=False,
        )
        if not target.exists():
            tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
            return {"error": " / ".join(tail)}
        figures: dict[str, Any] = json.loads(target.read_text("utf-8"))
        figures["seconds"] = time.perf_counter() - started
        return figures


def lines(figures: dict[str, Any]) -> list[str]:
    if "error" in figures:
        return [f"  no figures: {figures['error']}"]
    out = [
        f"  {figures['queries']} judged queries: precision@10 {figures['precision_at_10']:.3f}, "
        f"recall {figures['recall']:.3f}, NDCG@10 {figures['ndcg_at_10']:.3f} "
        f"({figures['seconds']:.0f} s, catalogue seeded and indexed included)"
    ]
    below = [q for q in figures["per_query"] if min(q["precision_at_10"], q["recall"]) < 1]
    below += [q for q in figures["per_query"] if q not in below and q["ndcg_at_10"] < 0.99]
    for q in below:
        out.append(
            f"    {q['q']!r}: P@10 {q['precision_at_10']:.2f}, recall {q['recall']:.2f}, "
            f"NDCG@10 {q['ndcg_at_10']:.2f}"
        )
    return out


if __name__ == "__main__":
    for line in lines(measure()):
        print(line)
