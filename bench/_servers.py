"""The processes a bench run starts and stops: Meilisearch, the web app, an SMTP sink."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx

from bench._proc import children, peak_rss

ROOT = Path(__file__).resolve().parent.parent
MEILISEARCH = ROOT / ".tools" / "meilisearch-1.21.0" / "meilisearch"
STOP_GRACE_SECONDS = 15.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(url: str, process: subprocess.Popen[bytes], what: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer at {url} within {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Meilisearch:
    """The pinned binary on a free loopback port, with a data folder that is removed after."""

    def __init__(self, data_dir: Path, master_key: str, log: Path) -> None:
        self.data_dir = data_dir
        self.master_key = master_key
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if not MEILISEARCH.exists():
            raise SystemExit(f"{MEILISEARCH} is missing: run `make install` first")
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.data_dir.mkdir(parents=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(MEILISEARCH),
                    "--http-addr",
                    f"127.0.0.1:{self.port}",
                    "--master-key",
                    self.master_key,
                    "--db-path",
                    str(self.data_dir / "data.ms"),
                    "--dump-dir",
                    str(self.data_dir / "dumps"),
                    "--no-analytics",
                    "--env",
                    "development",
                    "--log-level",
                    "WARN",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        _wait_http(f"{self.url}/health", self.process, "Meilisearch", 60)

    def version(self) -> str:
        headers = {"Authorization": f"Bearer {self.master_key}"}
        answer = httpx.get(f"{self.url}/version", headers=headers, timeout=5)
        return str(answer.json().get("pkgVersion", "?"))

    @property
    def pid(self) -> int:
        return self.process.pid if self.process else 0

    def peak_rss(self) -> int:
        return peak_rss(self.pid) if self.process else 0

    def remove(self) -> None:
        _stop(self.process)
        self.process = None
        shutil.rmtree(self.data_dir, ignore_errors=True)


class WebApp:
    """The app served as compose serves it: uvicorn, the factory, N worker processes."""

    def __init__(self, env: Mapping[str, str], workers: int, log: Path) -> None:
        self.env = dict(env)
        self.workers = workers
        self.log = log
        self.port = int(self.env["PORT"])
        self.process: subprocess.Popen[bytes] | None = None
        self.command = [
            sys.executable,
            "-m",
            "uvicorn",
            "app.main:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
            "--proxy-headers",
        ]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        _wait_http(f"{self.url}/health", self.process, "the web app", 90)
        # Every worker must be up, not only the first to answer.
        deadline = time.monotonic() + 60
        while len(self.worker_pids()) < self.workers and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1.0)

    def worker_pids(self) -> list[int]:
        """The uvicorn worker processes (children of the supervisor, bar its helpers)."""
        if self.process is None:
            return []
        return [p for p in children(self.process.pid) if _is_worker(p)]

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


def _is_worker(pid: int) -> bool:
    """A uvicorn worker is a multiprocessing spawn; the resource tracker is not one."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"spawn_main" in command


class SmtpSink:
    """`python -m bench._smtp_sink` on a free port: accepts and counts every message."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bench._smtp_sink", str(self.port)],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=subprocess.PIPE,
                stderr=log,
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the SMTP sink exited at start")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("the SMTP sink did not start")

    def stop(self) -> int:
        """Stop it; returns how many messages it accepted."""
        process, self.process = self.process, None
        if process is None:
            return 0
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=STOP_GRACE_SECONDS)
        text = out.decode().strip().splitlines()
        return int(text[-1]) if text and text[-1].isdigit() else 0
