"""Serving the sandbox on a real socket with uvicorn, for the command and the test helper.

The WebSocket protocol is uvicorn's websockets (sans-I/O) implementation with two changes that
matter for interoperability and speed: permessage-deflate is off (the frames are small msgpack,
and compression costs a third of the throughput), and a *text* WebSocket message is handed to the
app as raw bytes instead of being rejected when it is not UTF-8. Go's x/net/websocket, which the
product document uses, sends `conn.Write` data as text frames by default, so its acknowledgment
frames (binary msgpack) arrive that way.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from types import FrameType

import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from reconciler.sandbox.app import create_app
from reconciler.sandbox.world import World

MAX_MESSAGE_BYTES = 4 * 1024 * 1024 + 64


class LenientWebSocketProtocol(WebSocketsSansIOProtocol):
    """Delivers every data message as bytes, whatever its opcode (see the module docstring)."""

    def send_receive_event_to_app(self) -> None:
        self.curr_msg_data_type = "bytes"
        super().send_receive_event_to_app()


class SandboxServer(uvicorn.Server):
    """uvicorn's server, except that SIGINT/SIGTERM end it cleanly instead of being re-raised."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        wanted = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self._stop) for sig in wanted}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit:
            self.force_exit = True
        self.should_exit = True

    async def main_loop(self) -> None:
        # uvicorn polls `should_exit` every 0.1 s; waking on `stop()` makes test teardown quick.
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    def stop(self) -> None:
        """Ask the server to shut down; safe to call from any thread."""
        self.should_exit = True
        loop, wake = getattr(self, "_loop", None), getattr(self, "_wake", None)
        if loop is not None and wake is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(wake.set)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets that say so,
    # and without it every response waits ~40 ms for a delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def base_url(sock: socket.socket, *, tls: bool = False) -> str:
    host, port = sock.getsockname()[:2]
    scheme = "https" if tls else "http"
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


def make_server(
    world: World, *, log_level: str = "warning", tls: tuple[str, str] | None = None
) -> SandboxServer:
    """The uvicorn server for `world`; `tls` is (certificate file, key file) to serve HTTPS/WSS."""
    config = uvicorn.Config(
        create_app(world),
        ws=LenientWebSocketProtocol,
        ws_per_message_deflate=False,
        ws_max_size=MAX_MESSAGE_BYTES,
        date_header=False,
        server_header=False,
        lifespan="on",
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=2,
        ssl_certfile=tls[0] if tls else None,
        ssl_keyfile=tls[1] if tls else None,
    )
    return SandboxServer(config)


async def serve(
    world: World,
    sock: socket.socket,
    *,
    on_ready: Callable[[str], None] | None = None,
    server: uvicorn.Server | None = None,
    log_level: str = "warning",
    tls: tuple[str, str] | None = None,
) -> None:
    """Serve until told to exit; `on_ready(base_url)` runs once the socket accepts requests."""
    server = server or make_server(world, log_level=log_level, tls=tls)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():  # noqa: ASYNC110 - uvicorn offers no event
        await asyncio.sleep(0.005)
    if server.started and on_ready is not None:
        on_ready(base_url(sock, tls=server.config.is_ssl))
    await task
