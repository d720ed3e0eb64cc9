"""A real SMTP server for the suite (aiosmtpd): it keeps what it receives, parsed."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller

from tests.meilisearch_server import free_port


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage
    raw: bytes = b""  # as it came over the wire, before parsing

    def raw_header(self, name: str) -> str:
        """A header as sent (unfolded, not decoded): encoded words stay visible."""
        head = self.raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
        match = re.search(
            rf"^{re.escape(name)}:[ \t]*([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head, re.M | re.I
        )
        assert match is not None, f"no {name} header"
        return re.sub(r"\r\n[ \t]+", " ", match.group(1))

    @property
    def to(self) -> str:
        return str(self.message["To"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "no text/plain part"
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None, "no text/html part"
        return str(part.get_content())


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    # Recipients answered "451 try again later" this many more times.
    defer: dict[str, int] = field(default_factory=dict)
    # Recipients refused for good (550).
    refuse: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(  # aiosmtpd hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        with self.lock:
            if address in self.refuse:
                return "550 5.1.1 No such user"
            if self.defer.get(address, 0) > 0:
                self.defer[address] -= 1
                return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # aiosmtpd hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        message = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(
                Received(list(envelope.rcpt_tos), message, envelope.original_content)
            )
        return "250 Message accepted"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.stopped = False

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start (or start again after stop(): a new controller on the same port, since
        aiosmtpd's closes its event loop when stopped)."""
        if self.stopped:
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.stopped = False

    def stop(self) -> None:
        self.controller.stop()
        self.stopped = True

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.received.clear()
            self.handler.defer.clear()
            self.handler.refuse.clear()

    def forget(self, address: str) -> None:
        with self.handler.lock:
            self.handler.received = [
                m for m in self.handler.received if address not in m.envelope_to
            ]

    def to(self, address: str) -> list[Received]:
        with self.handler.lock:
            return [m for m in self.handler.received if address in m.envelope_to]
