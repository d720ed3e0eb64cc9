"""An SMTP sink for the alert bench: accepts every message, counts them, prints the count.

    python -m bench._smtp_sink PORT

Runs until SIGTERM or SIGINT, then prints how many messages it accepted. It runs in a
process of its own so that receiving mail does not slow down the process that sends it.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from typing import Any

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.bytes = 0
        self.lock = threading.Lock()

    async def handle_DATA(  # aiosmtpd hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        with self.lock:
            self.count += 1
            self.bytes += len(envelope.original_content or b"")
        return "250 Message accepted"


def main(argv: list[str]) -> int:
    port = int(argv[0])
    handler = Counter()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    stopping = [False]

    def on_signal(signum: int, _: object) -> None:
        stopping[0] = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stopping[0]:
        time.sleep(0.2)
    controller.stop()
    print(f"{handler.bytes} bytes", file=sys.stderr)
    print(handler.count, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
