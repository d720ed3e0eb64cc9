"""A lean HTTP/1.1 client for the search hot path: read-only POSTs on kept-alive connections.

Every search page is one `POST /multi-search`. Through the SDK's httpx client that request
costs about 2 ms of CPU in the web worker (request and URL models, anyio, the pure-Python
h11 parser), as much as Meilisearch spends answering it; on an asyncio protocol with the C
parser uvicorn already uses (httptools) it costs about 0.2 ms. The SDK's client keeps every
other call (indexing, settings, tasks): only the searches come this way.

Only for requests that change nothing: a request whose kept-alive connection turns out to be
closed by the server is sent once more on a new connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import httptools

MAX_CONNECTIONS = 100  # at once, like httpx's default pool
MAX_IDLE = 32  # kept-alive connections kept for the next requests


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str


class ConnectionClosed(ConnectionError):
    """The server closed the connection before answering."""


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection, one request at a time."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[Answer] | None = None
        self.chunks: list[bytes] = []
        self.content_type = ""
        self.closed = False
        self.reusable = True
        self.used = False

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not subclasses

    def data_received(self, data: bytes) -> None:
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(ConnectionClosed(f"unreadable HTTP answer: {exc}"))
            self.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(ConnectionClosed(str(exc) if exc else "connection closed by the server"))

    # httptools callbacks
    def on_message_begin(self) -> None:
        self.chunks = []
        self.content_type = ""

    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() == b"content-type":
            self.content_type = value.decode("latin-1")

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        self.reusable = self.parser.should_keep_alive()
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            answer = Answer(self.parser.get_status_code(), b"".join(self.chunks), self.content_type)
            waiter.set_result(answer)
        self.chunks = []

    # use
    async def send(self, request: bytes) -> Answer:
        assert self.transport is not None
        self.used = True
        self.waiter = self.loop.create_future()
        self.transport.write(request)
        return await self.waiter

    def _fail(self, exc: Exception) -> None:
        waiter, self.waiter = self.waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class LeanClient:
    """POSTs to one server (base URL, fixed headers), on a small pool of connections."""

    def __init__(self, base_url: str, headers: Mapping[str, str], timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.host = parts.hostname
        self.tls = parts.scheme == "https"
        self.port = parts.port or (443 if self.tls else 80)
        self.base_path = parts.path.rstrip("/")
        self.timeout = timeout
        self.headers = {"Host": parts.netloc, **headers}
        self._head = "".join(f"{k}: {v}\r\n" for k, v in self.headers.items()).encode("latin-1")
        self._idle: list[_Connection] = []
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ssl: ssl.SSLContext | None = None

    def request_bytes(self, path: str, body: bytes, content_type: str) -> bytes:
        target = f"{self.base_path}/{path.lstrip('/')}".encode("latin-1")
        return b"".join(
            (
                b"POST ",
                target,
                b" HTTP/1.1\r\n",
                self._head,
                b"Content-Type: ",
                content_type.encode("latin-1"),
                b"\r\nContent-Length: ",
                str(len(body)).encode(),
                b"\r\n\r\n",
                body,
            )
        )

    async def post(self, path: str, body: bytes, content_type: str = "application/json") -> Answer:
        """The server's answer (any status); OSError or TimeoutError when there is none."""
        request = self.request_bytes(path, body, content_type)
        slots = self._enter_loop()
        async with asyncio.timeout(self.timeout), slots:
            while True:
                connection = self._idle.pop() if self._idle else await self._connect()
                if connection.closed:
                    continue
                reused = connection.used
                try:
                    answer = await connection.send(request)
                except ConnectionClosed:
                    connection.close()
                    if reused:  # closed by the server while idle: once more, on a new one
                        continue
                    raise
                except BaseException:  # timed out or cancelled: the connection is unusable
                    connection.close()
                    raise
                if connection.reusable and not connection.closed and len(self._idle) < MAX_IDLE:
                    self._idle.append(connection)
                else:
                    connection.close()
                return answer

    def _enter_loop(self) -> asyncio.Semaphore:
        """The pool belongs to one event loop; a new loop (a CLI command, a test) starts afresh."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._slots is None:
            for connection in self._idle:
                with contextlib.suppress(RuntimeError):  # its loop is closed, and they with it
                    connection.close()
            self._idle = []
            self._loop = loop
            self._slots = asyncio.Semaphore(MAX_CONNECTIONS)
        return self._slots

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        if self.tls and self._ssl is None:
            self._ssl = ssl.create_default_context()
        _, connection = await loop.create_connection(
            lambda: _Connection(loop),
            self.host,
            self.port,
            ssl=self._ssl if self.tls else None,
            server_hostname=self.host if self.tls else None,
        )
        return connection

    async def aclose(self) -> None:
        for connection in self._idle:
            connection.close()
        self._idle = []
