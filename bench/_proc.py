"""What /proc says: memory of processes, their children, and the machine."""

from __future__ import annotations

import os
import platform
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path


def _status(pid: int) -> dict[str, str]:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return fields


def _kib(value: str | None) -> int:
    """'123456 kB' → bytes (0 when unknown)."""
    if not value:
        return 0
    return int(value.split()[0]) * 1024


def rss(pid: int) -> int:
    """Resident memory of a process now, in bytes (0 when it is gone)."""
    return _kib(_status(pid).get("VmRSS"))


def peak_rss(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM), in bytes."""
    return _kib(_status(pid).get("VmHWM"))


def own_peak_rss() -> int:
    return peak_rss(os.getpid())


def children(pid: int) -> list[int]:
    """Direct children of a process."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text().split()
            found.extend(int(x) for x in text)
    except OSError:
        pass
    if found:
        return found
    for entry in Path("/proc").iterdir():  # kernels without /proc/<pid>/task/*/children
        if entry.name.isdigit() and _status(int(entry.name)).get("PPid") == str(pid):
            found.append(int(entry.name))
    return found


@dataclass
class RssSampler:
    """Samples the summed resident memory of some processes in a thread; keeps the peak."""

    pids: list[int]
    interval: float = 0.25
    peak: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True, name="rss-sampler")
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def sample(self) -> int:
        total = sum(rss(p) for p in self.pids)
        self.peak = max(self.peak, total)
        return total

    def stop(self) -> int:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample()
        return self.peak


def machine() -> dict[str, str | int | float]:
    """CPU model, cores, RAM, kernel, load: the figures mean little without them."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = _kib(line.partition(":")[2].strip())
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return {
        "cpu": model,
        "cores": os.cpu_count() or 0,
        "ram_gib": round(mem / 2**30, 1),
        "kernel": platform.release(),
        "python": sys.version.split()[0],
        "load_1min_at_start": round(load, 2),
    }


def mib(value: int) -> float:
    return round(value / 2**20, 1)
