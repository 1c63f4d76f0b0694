"""The Callback WebSocket endpoint (`/api/v2/callbacks/websocket`, callback-api.md §6).

Each connection runs two tasks: a reader that decodes frames and applies acknowledgments, and the
single writer that sends events, redeliveries, heartbeats and control notices, and closes the
socket (1007/1009 for protocol errors, 4401 when the handshake token expires, the admin's code for
scripted closes). The writer sleeps on one wake-up event until there is work or a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from starlette.websockets import WebSocket, WebSocketDisconnect

from reconciler.errors import ProtocolError
from reconciler.sandbox.faults import spoil
from reconciler.sandbox.outbox import Outbox
from reconciler.sandbox.world import Connection, World
from reconciler.wire import (
    Control,
    ControlKind,
    Frame,
    FrameDecoder,
    FrameType,
    decode_ack,
    encode_control,
    encode_frame,
)

CLOSE_TOKEN_EXPIRED = 4401
CLOSE_GOING_AWAY = 1001
YIELD_EVERY = 64


def control_frame(control: Control, now_ms: int) -> bytes:
    return encode_frame(Frame(FrameType.CONTROL, encode_control(control), now_ms))


class StreamSession:
    """One accepted connection: owns its outbox and is the only writer to its socket."""

    def __init__(self, world: World, socket: WebSocket, outbox: Outbox, conn: Connection) -> None:
        self.world, self.socket, self.outbox, self.conn = world, socket, outbox, conn
        self._closed = False

    async def run(self) -> None:
        reader = asyncio.create_task(self._read())
        try:
            await self._write()
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await reader

    async def close(self, code: int, reason: str) -> None:
        if not self._closed:
            self._closed = True
            with contextlib.suppress(Exception):
                await self.socket.close(code=code, reason=reason[:120])

    async def _read(self) -> None:
        decoder = FrameDecoder()
        try:
            while True:
                message = await self.socket.receive()
                if message["type"] == "websocket.disconnect":
                    break
                data = message.get("bytes")
                if data is None:
                    data = (message.get("text") or "").encode()
                decoder.receive_message(data)
                for frame in decoder.frames_received():
                    if frame.type == FrameType.ACKNOWLEDGMENT:
                        self.outbox.ack(decode_ack(frame.payload))
                self.conn.wake.set()
        except ProtocolError as error:
            self.conn.close_with = (error.close_code, error.message)
        except (WebSocketDisconnect, RuntimeError):
            pass
        self.conn.gone = self.conn.close_with is None
        self.conn.wake.set()

    async def _write(self) -> None:
        heartbeat_at = time.monotonic() + self.world.settings.heartbeat_seconds
        while not self.conn.gone:
            if await self._should_stop():
                return
            await self._resync_notice()
            now = time.monotonic()
            if now >= heartbeat_at:
                heartbeat_at = now + self.world.settings.heartbeat_seconds
                await self._send(control_frame(Control(ControlKind.HEARTBEAT), self._ms()))
            if await self._pump(now) or self.outbox.resync_needed:
                continue
            await self._sleep(heartbeat_at)

    async def _should_stop(self) -> bool:
        conn = self.conn
        if conn.close_with is not None:
            await self.close(*conn.close_with)
            return True
        if not self.world.authority.is_live(conn.token):
            await self.close(
                CLOSE_TOKEN_EXPIRED, "access token expired; refresh and resume with since"
            )
            return True
        if conn.closing_notice is not None:
            seconds, conn.closing_notice = conn.closing_notice, None
            notice = Control(ControlKind.CLOSING, in_seconds=seconds)
            await self._send(control_frame(notice, self._ms()))
        if conn.closing_at is not None and time.monotonic() >= conn.closing_at:
            await self.close(CLOSE_GOING_AWAY, "maintenance; reconnect with since")
            return True
        return False

    async def _resync_notice(self) -> None:
        if self.outbox.resync_needed:
            self.outbox.resync_needed = False
            reason = "events after your since point are no longer retained; list again"
            notice = Control(ControlKind.RESYNC_REQUIRED, reason=reason)
            await self._send(control_frame(notice, self._ms()))

    async def _pump(self, now: float) -> bool:
        """Send what is ready; returns whether anything was sent."""
        batch = self.conn.batch
        frames = self.outbox.take(now, batch * YIELD_EVERY)
        for start in range(0, len(frames), batch):
            await self._send(b"".join(frames[start : start + batch]))
        if frames:
            await asyncio.sleep(0)
        return bool(frames)

    async def _sleep(self, heartbeat_at: float) -> None:
        deadlines = [heartbeat_at, self.conn.expires_at]
        redelivery = self.outbox.next_deadline()
        if redelivery is not None:
            deadlines.append(redelivery)
        if self.conn.closing_at is not None:
            deadlines.append(self.conn.closing_at)
        timeout = max(0.0, min(deadlines) - time.monotonic())
        self.conn.wake.clear()
        if self.outbox.has_fresh():
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.conn.wake.wait(), timeout=timeout + 0.001)

    async def _send(self, message: bytes) -> None:
        fault = self.world.faults.take_ws()
        if fault is not None:
            spoiled = spoil(message, fault)
            if spoiled is None:
                return
            message = spoiled
        try:
            await self.socket.send_bytes(message)
        except (WebSocketDisconnect, RuntimeError, OSError):
            self.conn.gone = True

    def _ms(self) -> int:
        return self.world.clock.now_ms()
