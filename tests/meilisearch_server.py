"""A real Meilisearch for the test suite: a free loopback port and a data folder of its own."""

from __future__ import annotations

import importlib.util
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _binary() -> Path:
    spec = importlib.util.spec_from_file_location(
        "install_meilisearch", ROOT / "scripts" / "install_meilisearch.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path: Path = module.install()
    return path


class MeilisearchServer:
    """Start, stop (keeping the data, to simulate an outage) and remove a Meilisearch."""

    def __init__(self, master_key: str, port: int | None = None, data_dir: Path | None = None):
        self.master_key = master_key
        self.port = port or free_port()
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="em-meili-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> None:
        if self._process is not None:
            return
        self._wait_port_free(timeout)
        log = (self.data_dir / "meilisearch.log").open("ab")
        self._process = subprocess.Popen(
            [
                str(_binary()),
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
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Meilisearch exited; see {self.data_dir}/meilisearch.log")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"Meilisearch did not answer in {timeout} s on {self.url}")

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def _wait_port_free(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind(("127.0.0.1", self.port))
                except OSError:
                    time.sleep(0.05)
                    continue
                return
        raise RuntimeError(f"port {self.port} stays busy")
