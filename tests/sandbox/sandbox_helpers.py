"""Helpers for the sandbox tests: request bodies, WebSocket reading with deadlines, acks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from reconciler.sandbox.testing import Sandbox
from reconciler.wire import (
    Control,
    Event,
    Frame,
    FrameType,
    decode_control,
    decode_event,
    decode_message,
    encode_ack,
    encode_cumulative_ack,
    encode_message,
)

BodyFactory = Callable[..., dict[str, Any]]


def window(start: str, end: str) -> dict[str, str]:
    """One time-slot matrix entry."""
    return {"start": start, "end": end}


def open_stream(sandbox: Sandbox, token: str | None = None, **params: Any) -> Any:
    """A websockets connection to the stream, without compression, with a Bearer token."""
    query = str(httpx.QueryParams(params))
    url = sandbox.ws_url + (f"?{query}" if query else "")
    headers = {"Authorization": f"Bearer {token or sandbox.token()}"}
    return connect(url, additional_headers=headers, compression=None, open_timeout=5)


async def frames(ws: ClientConnection, wait: float = 2.0) -> list[Frame]:
    """The frames of the next message (raises TimeoutError when none arrives in time)."""
    message = await asyncio.wait_for(ws.recv(), wait)
    assert isinstance(message, bytes)
    return decode_message(message)


async def next_event(ws: ClientConnection, wait: float = 2.0) -> Event:
    """The next type-1 event, skipping control frames."""
    while True:
        for frame in await frames(ws, wait):
            if frame.type == FrameType.RESERVATION_UPDATE:
                return decode_event(frame.payload)


async def next_control(ws: ClientConnection, wait: float = 2.0) -> Control:
    while True:
        for frame in await frames(ws, wait):
            if frame.type == FrameType.CONTROL:
                return decode_control(frame.payload)


async def nothing_within(ws: ClientConnection, seconds: float) -> bool:
    """Whether no event arrives within `seconds` (controls are ignored)."""
    try:
        await next_event(ws, seconds)
    except TimeoutError:
        return True
    return False


async def ack(ws: ClientConnection, event: Event) -> None:
    await ws.send(
        encode_message([Frame(FrameType.ACKNOWLEDGMENT, encode_ack(event.correlation_id), 0)])
    )


async def ack_upto(ws: ClientConnection, sequence: int) -> None:
    frame = Frame(FrameType.ACKNOWLEDGMENT, encode_cumulative_ack(sequence), 0)
    await ws.send(encode_message([frame]))


async def until(check: Any, wait: float = 2.0) -> None:
    """Wait until `check()` holds (server bookkeeping trails the client a little)."""
    deadline = asyncio.get_running_loop().time() + wait
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)
