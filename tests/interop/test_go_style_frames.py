"""Frames encoded the Go msgpack/v5 way decode in `reconciler.wire` and ack events in the sandbox.

Runs everywhere (no Go toolchain needed): `go_style.go_frame` reproduces the Go encoder's bytes,
pinned here by hex captured from the product document's `WriteBinaryFrame` built with the Debian
msgpack/v5 5.3.5 package (`go_client -print-frame`).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import httpx
import pytest
from go_style import GO_NIL, go_frame, seed_ack
from websockets.asyncio.client import ClientConnection, connect

from reconciler.sandbox.testing import Sandbox, loopback_client, running_sandbox
from reconciler.wire import Event, Frame, FrameType, decode_ack, decode_event, decode_message

ACK_TIMEOUT = 0.3
STAMP = 1_796_137_200_000  # 2026-12-01T15:00:00Z in Unix milliseconds

# Spaces mark the fields: length, fixmap(3), "Type" int32, "Payload" bin/nil, "Timestamp" int64.
GO_GOLDEN = {
    # -frame-payload '{"status":"ack","correlation_id":"c0ffee"}' -frame-timestamp 1796137200000
    "ack": "00000052 83 a454797065 d200000002 a75061796c6f6164 c42a"
    " 7b22737461747573223a2261636b222c22636f7272656c6174696f6e5f6964223a22633066666565227d"
    " a954696d657374616d70 d3000001a2321ea980",
    # -frame-type 7 -frame-payload '' -frame-timestamp 0
    "empty": "00000028 83 a454797065 d200000007 a75061796c6f6164 c400"
    " a954696d657374616d70 d30000000000000000",
    # -frame-type -1 -frame-payload '<nil>' -frame-timestamp -5
    "nil": "00000027 83 a454797065 d2ffffffff a75061796c6f6164 c0"
    " a954696d657374616d70 d3fffffffffffffffb",
}


def test_builder_matches_bytes_from_go() -> None:
    """The Python builder reproduces Go msgpack/v5 output exactly (fixed-width ints, bin8, nil)."""
    assert go_frame(2, seed_ack("c0ffee"), STAMP) == bytes.fromhex(GO_GOLDEN["ack"])
    assert go_frame(7, b"", 0) == bytes.fromhex(GO_GOLDEN["empty"])
    assert go_frame(-1, GO_NIL, -5) == bytes.fromhex(GO_GOLDEN["nil"])


@pytest.mark.parametrize("size", [0, 42, 255, 256, 65535, 65536])
def test_wire_decodes_go_frames_of_every_bin_width(size: int) -> None:
    """bin8/bin16/bin32 payloads with 0xd2/0xd3 integers decode to the same Frame."""
    payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
    assert decode_message(go_frame(1, payload, STAMP)) == [Frame(1, payload, STAMP)]


def test_wire_splits_several_go_frames_in_one_message() -> None:
    """Frames written back to back (and unknown types, negative values) all come out in order."""
    message = go_frame(2, seed_ack("a"), STAMP) + go_frame(9, b"x", -1) + go_frame(3, b"", 0)
    assert decode_message(message) == [
        Frame(FrameType.ACKNOWLEDGMENT, seed_ack("a"), STAMP),
        Frame(9, b"x", -1),
        Frame(FrameType.CONTROL, b"", 0),
    ]
    assert decode_ack(decode_message(message)[0].payload).correlation_id == "a"


def test_wire_reads_a_go_nil_payload_as_empty() -> None:
    """A nil []byte (msgpack nil, as Go writes it) decodes as an empty payload, not an error."""
    (frame,) = decode_message(go_frame(2, GO_NIL, STAMP))
    assert (frame.type, frame.payload, frame.timestamp_ms) == (2, b"", STAMP)


@pytest.fixture
def sandbox_fast_acks() -> Iterator[Sandbox]:
    """A sandbox whose clock is at 2026-12-01T15:00Z and whose ack timeout is short."""
    with running_sandbox(
        clock="2026-12-01T15:00:00Z", ack_timeout_seconds=ACK_TIMEOUT, heartbeat_seconds=0.1
    ) as running:
        yield running


def _book(sandbox: Sandbox, token: str, callback_id: str) -> None:
    body = {
        "callback_id": callback_id,
        "callback_number": "+14155550199",
        "time_slot_matrix": [
            {"start": "2026-12-02T14:00:00-05:00", "end": "2026-12-02T14:15:00-05:00"}
        ],
        "channel_preferences": {"primary": "voice", "fallback": "sms", "allow_sms": True},
        "queue_id": "queue_12345",
        "reason": "Go interop",
        "concurrency_limit": 10,
    }
    with loopback_client(headers={"Authorization": f"Bearer {token}"}) as http:
        response = http.post(f"{sandbox.base_url}/api/v2/callbacks", json=body)
    assert response.status_code == httpx.codes.CREATED, response.text


async def _events(ws: ClientConnection, seconds: float) -> list[Event]:
    """Every type-1 event received within `seconds` (heartbeats are skipped)."""
    seen: list[Event] = []
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            while True:
                message = await ws.recv()
                assert isinstance(message, bytes)
                seen += [
                    decode_event(frame.payload)
                    for frame in decode_message(message)
                    if frame.type == FrameType.RESERVATION_UPDATE
                ]
    return seen


@pytest.mark.parametrize("as_text", [False, True], ids=["binary-message", "text-message"])
async def test_sandbox_accepts_a_go_encoded_ack(sandbox_fast_acks: Sandbox, as_text: bool) -> None:
    """A Go-encoded JSON ack (binary or x/net/websocket's text message) stops redelivery."""
    sandbox, token = sandbox_fast_acks, sandbox_fast_acks.token()
    headers = {"Authorization": f"Bearer {token}"}
    async with connect(sandbox.ws_url, additional_headers=headers, compression=None) as ws:
        await asyncio.to_thread(_book, sandbox, token, "cb_go_style")
        first = await _first_event(ws)
        assert first.event == "reservation.created"
        assert first.resource["callback_id"] == "cb_go_style"
        await ws.send(go_frame(2, seed_ack(first.correlation_id), STAMP), text=as_text)
        assert await _events(ws, 3 * ACK_TIMEOUT + 0.2) == []
        [row] = await asyncio.to_thread(sandbox.connections)
    assert (row["acked"], row["unacked"], row["redelivered"]) == (1, 0, 0)


async def test_without_the_ack_the_event_comes_back(sandbox_fast_acks: Sandbox) -> None:
    """Control for the test above: the same wait does see a redelivery when nothing is acked."""
    sandbox, token = sandbox_fast_acks, sandbox_fast_acks.token()
    headers = {"Authorization": f"Bearer {token}"}
    async with connect(sandbox.ws_url, additional_headers=headers, compression=None) as ws:
        await asyncio.to_thread(_book, sandbox, token, "cb_go_style")
        first = await _first_event(ws)
        again = await _events(ws, 3 * ACK_TIMEOUT + 0.2)
    assert again
    assert {event.correlation_id for event in again} == {first.correlation_id}


async def _first_event(ws: ClientConnection) -> Event:
    async with asyncio.timeout(5):
        while True:
            message = await ws.recv()
            assert isinstance(message, bytes)
            for frame in decode_message(message):
                if frame.type == FrameType.RESERVATION_UPDATE:
                    return decode_event(frame.payload)
