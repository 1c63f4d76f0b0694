"""A loopback TCP proxy that loses answers: the request reaches the sandbox, the reply does not.

This is the fault that makes retries dangerous (the platform acted, the client cannot know), so
the tests use it to prove that gcbctl's retried creates and writes never duplicate anything.
`drop_every=N` cuts the connection instead of relaying every N-th chunk the server sends back.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class ProxyStats:
    relayed: int = 0
    dropped: int = 0


async def _pipe(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    stats: ProxyStats | None,
    drop_every: int,
    peer: asyncio.StreamWriter,
) -> None:
    try:
        while data := await reader.read(65536):
            if stats is not None:
                stats.relayed += 1
                if drop_every and stats.relayed % drop_every == 0:
                    stats.dropped += 1
                    break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        for side in (writer, peer):
            side.close()


async def _serve(
    sock: socket.socket,
    upstream: tuple[str, int],
    drop_every: int,
    stats: ProxyStats,
    stop: asyncio.Event,
) -> None:
    """Relay until `stop`, then close every connection still open and wait for its handler, so
    that nothing is left for the garbage collector to find unclosed in a later test."""
    handlers: set[asyncio.Task[object]] = set()
    writers: set[asyncio.StreamWriter] = set()

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            handlers.add(task)
        writers.add(client_w)
        try:
            server_r, server_w = await asyncio.open_connection(*upstream)
        except OSError:
            client_w.close()
            return
        writers.add(server_w)
        await asyncio.gather(
            _pipe(client_r, server_w, None, 0, client_w),
            _pipe(server_r, client_w, stats, drop_every, server_w),
        )

    server = await asyncio.start_server(handle, sock=sock)
    async with server:
        await stop.wait()
    for writer in writers:
        writer.close()
    pending = [task for task in handlers if not task.done()]
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    await asyncio.gather(*(writer.wait_closed() for writer in writers), return_exceptions=True)


@contextlib.contextmanager
def lossy_proxy(upstream_url: str, *, drop_every: int) -> Iterator[tuple[str, ProxyStats]]:
    """`(proxy_base_url, stats)` for a proxy in front of `upstream_url` (http://127.0.0.1:port)."""
    host, port = upstream_url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    stats = ProxyStats()
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(
        target=loop.run_until_complete,
        args=(_serve(sock, (host, int(port)), drop_every, stats, stop),),
        daemon=True,
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", stats
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=5)
        loop.close()
