"""The aiohttp transport under `ApiClient`, against raw TCP servers on 127.0.0.1.

What matters most is the error split: a failure before the request left must read as "not sent"
(safe to repeat), and anything after it as "maybe acted" (never repeated for a create).
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from reconciler.client._transport import AiohttpTransport
from tests.certs import self_signed

Conversation = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@asynccontextmanager
async def tcp_server(conversation: Conversation) -> AsyncIterator[str]:
    """A one-purpose HTTP peer on a free loopback port; yields its base URL."""
    seen: list[bytes] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await conversation(reader, writer)
        finally:
            writer.close()
            seen.append(b"closed")

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return head, body


@asynccontextmanager
async def client(base_url: str, *, limit: float = 5.0) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        base_url=base_url, transport=AiohttpTransport(), timeout=limit
    ) as http:
        yield http


async def test_round_trip_keeps_query_headers_body_and_status() -> None:
    heads: list[bytes] = []

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(2):  # two requests on one kept-alive connection
            head, body = await read_request(reader)
            heads.append(head)
            payload = b'{"echo": ' + body + b"}"
            writer.write(
                b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
                b"Set-Cookie: a=1\r\nX-Twice: 1\r\nX-Twice: 2\r\n"
                b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload
            )
            await writer.drain()

    transport = AiohttpTransport()
    async with (
        tcp_server(echo) as url,
        httpx.AsyncClient(base_url=url, transport=transport) as http,
    ):
        params = {"q": "a b+c/%", "queueId": "queue_1"}
        first = await http.post(
            "/api/v2/x", params=params, json={"n": 1}, headers={"If-Match": "3"}
        )
        # straight to the transport, past httpx's cookie jar: aiohttp must not keep one
        second = await transport.handle_async_request(httpx.Request("GET", f"{url}/api/v2/y"))
    assert first.status_code == 201
    assert first.reason_phrase == "Created"
    assert first.json() == {"echo": {"n": 1}}
    assert first.headers.get_list("x-twice") == ["1", "2"]
    assert second.status_code == 201
    request_line = heads[0].split(b"\r\n")[0]
    assert request_line == b"POST /api/v2/x?q=a+b%2Bc%2F%25&queueId=queue_1 HTTP/1.1"
    assert b"\r\nIf-Match: 3\r\n" in heads[0]
    assert b"application/json" in heads[0]
    assert b"Cookie" not in heads[1]
    assert heads[1].startswith(b"GET /api/v2/y HTTP/1.1")


async def test_a_gzipped_answer_is_decoded_by_httpx() -> None:
    async def gzipped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        payload = gzip.compress(b'{"ok": true}')
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\n"
            b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload
        )
        await writer.drain()

    async with tcp_server(gzipped) as url, client(url) as http:
        answer = await http.get("/")
    assert answer.json() == {"ok": True}


async def test_a_refused_connection_is_a_connect_error_meaning_not_sent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with client(f"http://127.0.0.1:{port}") as http:
        with pytest.raises(httpx.ConnectError):
            await http.post("/api/v2/callbacks", json={})


async def test_a_dropped_answer_is_not_mistaken_for_an_unsent_request() -> None:
    async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)  # the platform got it, then the connection dies

    async with tcp_server(hang_up) as url, client(url) as http:
        with pytest.raises(httpx.TransportError) as caught:
            await http.post("/api/v2/callbacks", json={"a": 1})
    assert not isinstance(caught.value, httpx.ConnectError | httpx.ConnectTimeout)
    assert isinstance(caught.value, httpx.RemoteProtocolError)


async def test_a_silent_server_is_a_read_timeout() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(2)

    async with tcp_server(silent) as url, client(url, limit=0.2) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get("/")


async def test_an_answer_that_is_not_http_is_a_protocol_error() -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"SSH-2.0-OpenSSH_9.0\r\n\r\n")
        await writer.drain()

    async with tcp_server(garbage) as url, client(url) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get("/")


async def test_closing_twice_and_closing_unused_are_harmless() -> None:
    transport = AiohttpTransport()
    await transport.aclose()
    async with httpx.AsyncClient(transport=transport) as http:
        assert http.is_closed is False
    await transport.aclose()


@asynccontextmanager
async def tls_server(cert: Path, key: Path) -> AsyncIterator[str]:
    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await read_request(reader)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # a client that refused our certificate hangs up
        finally:
            writer.close()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = await asyncio.start_server(answer, "127.0.0.1", 0, ssl=context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


async def test_https_trusts_what_httpx_would_and_refuses_an_unknown_certificate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A private CA named by SSL_CERT_FILE is trusted, as httpx does; without it nothing is sent."""
    cert, key = self_signed(tmp_path)
    async with tls_server(cert, key) as url:
        async with client(url) as http:
            with pytest.raises(httpx.ConnectError):
                await http.get("/")
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        async with client(url) as http:
            answer = await http.get("/")
    assert answer.status_code == 200
