"""Serve everything in the foreground, as `make run` does: Meilisearch, the worker, the web app.

Meilisearch is started here (pinned binary, data in var/meilisearch/) only when
MEILISEARCH_URL points at this machine and nothing answers there. Output of each process is
prefixed with its name. Ctrl-C (or SIGTERM) stops them all; if one stops on its own, the
others are stopped too and its exit code is returned.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.config import ConfigError, Settings, load_settings  # noqa: E402

VAR = ROOT / "var"
STOP_GRACE_SECONDS = 10


def _install_meilisearch() -> Path:
    spec = importlib.util.spec_from_file_location(
        "install_meilisearch", ROOT / "scripts" / "install_meilisearch.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path: Path = module.install()
    return path


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _pump(name: str, stream: IO[bytes]) -> None:
    prefix = f"{name:>7} | ".encode()
    for line in iter(stream.readline, b""):
        sys.stdout.buffer.write(prefix + line)
        sys.stdout.flush()


def _spawn(name: str, args: list[str], processes: dict[str, subprocess.Popen[bytes]]) -> None:
    process = subprocess.Popen(
        args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy()
    )
    assert process.stdout is not None
    threading.Thread(target=_pump, args=(name, process.stdout), daemon=True).start()
    processes[name] = process


def start_meilisearch(settings: Settings, processes: dict[str, subprocess.Popen[bytes]]) -> None:
    url = settings.search.url
    host = urlsplit(url).hostname
    if _answers(url):
        print(f"Meilisearch answers at {url}: using it.")
        return
    if host not in ("127.0.0.1", "localhost"):
        sys.exit(f"Meilisearch does not answer at {url} (MEILISEARCH_URL).")
    port = urlsplit(url).port or 7700
    data = VAR / "meilisearch"
    (VAR / "log").mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    log_path = VAR / "log" / "meilisearch.log"
    log = log_path.open("ab")
    processes["search"] = subprocess.Popen(
        [
            str(_install_meilisearch()),
            "--http-addr",
            f"127.0.0.1:{port}",
            "--master-key",
            settings.search.master_key,
            "--db-path",
            str(data / "data.ms"),
            "--dump-dir",
            str(data / "dumps"),
            "--no-analytics",
            "--env",
            "development",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 30
    while not _answers(url):
        if processes["search"].poll() is not None or time.monotonic() > deadline:
            stop_all(processes)
            sys.exit(f"Meilisearch did not start; see {log_path}")
        time.sleep(0.1)
    print(f"Meilisearch started at {url} (data in {data}, log in {log_path}).")


# What an operator can do about a reason /ready gives.
HINTS = {
    "missing": "the worker builds the search indexes at start",
    "invalid API key": "MEILISEARCH_MASTER_KEY must be the key Meilisearch was started with",
}


def _local_base(host: str, port: int) -> str:
    """The address this machine reaches the web app at, whatever interface it listens on."""
    local = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)
    return f"http://[{local}]:{port}" if ":" in local else f"http://{local}:{port}"


def not_ready(ready_url: str) -> str | None:
    """None when the web app's /ready answers 200, else what the site still waits for."""
    try:
        response = httpx.get(ready_url, timeout=5)
    except httpx.TransportError:
        return "the web app to answer"
    if response.status_code == 200:
        return None
    try:
        reason = str(response.json()["detail"])
    except (ValueError, KeyError, TypeError):
        reason = f"{ready_url} answers HTTP {response.status_code}"
    hints = [hint for key, hint in HINTS.items() if key in reason]
    return f"{reason} ({'; '.join(hints)})" if hints else reason


def stop_all(processes: dict[str, subprocess.Popen[bytes]]) -> None:
    for process in processes.values():
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"configuration: {exc}", file=sys.stderr)
        return 1
    host = os.environ.get("HOST", "127.0.0.1")
    processes: dict[str, subprocess.Popen[bytes]] = {}
    # A plain flag: a handler that took a lock (threading.Event.set) could deadlock with the
    # main thread holding that same lock in Event.wait.
    stopping = [False]

    def on_signal(signum: int, _: object) -> None:
        stopping[0] = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    start_meilisearch(settings, processes)
    _spawn("worker", [sys.executable, "-m", "arq", "workers.settings.WorkerSettings"], processes)
    _spawn(
        "web",
        [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            host,
            "--port",
            str(settings.site.port),
            # X-Forwarded-For only from FORWARDED_ALLOW_IPS (none by default; uvicorn's own
            # default would trust 127.0.0.1, letting anyone on this machine pick an address).
            "--proxy-headers",
            "--forwarded-allow-ips",
            ",".join(settings.site.forwarded_allow_ips),
        ],
        processes,
    )
    base = f"http://{host}:{settings.site.port}"
    ready_url = f"{_local_base(host, settings.site.port)}/ready"
    # The address is printed once the site can search (/ready answers 200: database, Redis,
    # Meilisearch with this key and every index); until then, what it waits for.
    waiting_for: str | None = ""
    code = 0
    while not stopping[0]:
        for name, process in processes.items():
            if process.poll() is not None:
                print(f"{name} stopped (exit code {process.returncode}); stopping the others.")
                code = process.returncode or 1
                stopping[0] = True
                break
        if waiting_for is not None and not stopping[0]:
            reason = not_ready(ready_url)
            if reason is None:
                waiting_for = None
                print(
                    f"\n  Emploi Montagne: {base}\n  API docs:        {base}/api/docs\n"
                    f"  Meilisearch:     {settings.search.url}\n  Ctrl-C stops everything.\n"
                )
            elif reason != waiting_for:
                waiting_for = reason
                print(f"Waiting before serving: {reason}")
        time.sleep(0.5)
    stop_all(processes)
    return code


if __name__ == "__main__":
    sys.exit(main())
