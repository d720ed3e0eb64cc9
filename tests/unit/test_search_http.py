"""The searches' own HTTP client (search/_http.py) against a small asyncio HTTP server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from meilisearch_python_sdk.errors import MeilisearchApiError, MeilisearchCommunicationError

from search._http import LeanClient
from search.client import open_engine
from tests.meilisearch_server import free_port

Reply = Callable[[dict[str, str], bytes], Awaitable[bytes]]


def plain(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode() + body


async def echo(headers: dict[str, str], body: bytes) -> bytes:
    return plain(json.dumps({"headers": headers, "body": body.decode()}).encode())


@dataclass
class Server:
    """Answers each request with `reply`; counts connections and requests."""

    reply: Reply = echo
    close_after_answer: bool = False
    connections: int = 0
    requests: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                headers["request-line"] = lines[0]
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests.append(headers)
                writer.write(await self.reply(headers, body))
                await writer.drain()
                if self.close_after_answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    listener = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    state.port = listener.sockets[0].getsockname()[1]
    try:
        yield state
    finally:
        listener.close()


def client_of(server: Server, timeout: float = 5.0, path: str = "") -> LeanClient:
    return LeanClient(f"http://127.0.0.1:{server.port}{path}", {"X-Key": "k"}, timeout)


async def test_requests_share_a_kept_alive_connection(server: Server) -> None:
    client = client_of(server, path="/meili/")
    try:
        for n in range(3):
            answer = await client.post("multi-search", f'{{"n":{n}}}'.encode())
            assert answer.status == 200
            sent = json.loads(answer.body)
            assert sent["body"] == f'{{"n":{n}}}'
            assert sent["headers"]["x-key"] == "k"
            assert sent["headers"]["content-type"] == "application/json"
            assert sent["headers"]["request-line"] == "POST /meili/multi-search HTTP/1.1"
        assert server.connections == 1
    finally:
        await client.aclose()


async def test_a_connection_the_server_closed_is_replaced(server: Server) -> None:
    server.close_after_answer = True
    client = client_of(server)
    try:
        for _ in range(3):
            assert (await client.post("multi-search", b"{}")).status == 200
            await asyncio.sleep(0.05)  # the server's close reaches the idle connection
        assert server.connections == 3
    finally:
        await client.aclose()


async def test_a_close_racing_the_next_request_is_retried_once(server: Server) -> None:
    client = client_of(server)
    try:
        assert (await client.post("multi-search", b"{}")).status == 200
        server.close_after_answer = True  # the next request is read, then the line closes
        answered = False

        async def close_without_answer(headers: dict[str, str], body: bytes) -> bytes:
            nonlocal answered
            if not answered:  # a server closing a kept-alive connection as the request comes
                answered = True
                raise ConnectionResetError
            return await echo(headers, body)

        server.reply = close_without_answer
        assert (await client.post("multi-search", b"{}")).status == 200
        assert server.connections == 2
    finally:
        await client.aclose()


async def test_chunked_answers_are_joined(server: Server) -> None:
    async def chunked(headers: dict[str, str], body: bytes) -> bytes:
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b'Transfer-Encoding: chunked\r\n\r\n5\r\n{"a":\r\n3\r\n12}\r\n0\r\n\r\n'
        )

    server.reply = chunked
    client = client_of(server)
    try:
        assert (await client.post("multi-search", b"{}")).body == b'{"a":12}'
    finally:
        await client.aclose()


async def test_no_server_and_no_answer_are_errors(server: Server) -> None:
    refused = LeanClient(f"http://127.0.0.1:{free_port()}", {}, 5.0)
    with pytest.raises(ConnectionRefusedError):
        await refused.post("multi-search", b"{}")

    async def silent(headers: dict[str, str], body: bytes) -> bytes:
        await asyncio.sleep(5)
        return b""

    server.reply = silent
    slow = client_of(server, timeout=0.2)
    with pytest.raises(TimeoutError):
        await slow.post("multi-search", b"{}")
    await slow.aclose()


async def test_the_engine_asks_for_uncompressed_answers_and_maps_errors(server: Server) -> None:
    engine = open_engine(f"http://127.0.0.1:{server.port}", "master-key")
    try:
        assert engine.client.http_client.headers["accept-encoding"] == "identity"

        async def results(headers: dict[str, str], body: bytes) -> bytes:
            return plain(b'{"results":[{"hits":[],"totalHits":0}]}')

        server.reply = results
        assert await engine.multi_search([{"indexUid": "offers"}]) == [{"hits": [], "totalHits": 0}]
        sent = server.requests[-1]
        assert sent["accept-encoding"] == "identity"
        assert sent["authorization"] == "Bearer master-key"

        async def refused(headers: dict[str, str], body: bytes) -> bytes:
            error = (
                b'{"message":"bad filter","code":"invalid_search_filter","type":"invalid_request"}'
            )
            return plain(error, "400 Bad Request")

        server.reply = refused
        with pytest.raises(MeilisearchApiError) as caught:
            await engine.multi_search([{"indexUid": "offers", "filter": "x"}])
        assert caught.value.code == "invalid_search_filter"
        assert caught.value.status_code == 400
    finally:
        await engine.close()
    dead = open_engine(f"http://127.0.0.1:{free_port()}", "master-key")
    with pytest.raises(MeilisearchCommunicationError):
        await dead.multi_search([{"indexUid": "offers"}])
    await dead.close()


def test_a_new_event_loop_starts_a_new_pool() -> None:
    """A CLI command runs each step in its own loop: connections of a closed loop are dropped."""
    server = Server(port=free_port())
    client = client_of(server)

    async def one_request() -> int:
        listener = await asyncio.start_server(server.handle, "127.0.0.1", server.port)
        try:
            return (await client.post("multi-search", b"{}")).status
        finally:
            listener.close()

    assert asyncio.run(one_request()) == 200
    assert asyncio.run(one_request()) == 200
    assert server.connections == 2
