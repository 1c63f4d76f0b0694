"""The Callback WebSocket: events, acks, at-least-once redelivery, resume and flow control (§6)."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import msgpack
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sandbox_helpers import (
    BodyFactory,
    ack,
    ack_upto,
    frames,
    next_control,
    next_event,
    nothing_within,
    open_stream,
    until,
)
from websockets.exceptions import ConnectionClosed, InvalidStatus

from reconciler.errors import ProtocolError
from reconciler.sandbox.testing import Sandbox
from reconciler.wire import Frame, FrameType, decode_event, encode_message


async def _emit(sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory, count: int) -> str:
    made = (await aapi.post("/api/v2/callbacks", json=body(callback_id="cb_load"))).json()
    sandbox.admin("POST", "/_sandbox/events/emit", {"callback": made["id"], "count": count - 1})
    return str(made["id"])


async def test_create_is_streamed_and_an_ack_stops_redelivery(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """A create arrives as a type-1 frame; once acknowledged it is never sent again."""
    sandbox.settings(ack_timeout_seconds=0.2)
    async with open_stream(sandbox) as ws:
        made = (await aapi.post("/api/v2/callbacks", json=body())).json()
        event = await next_event(ws)
        assert (event.event, event.changed_by, event.sequence) == ("reservation.created", "api", 1)
        assert event.resource == made
        await ack(ws, event)
        assert await nothing_within(ws, 0.6)
    assert sandbox.state()["next_sequence"] == 2


async def test_unacknowledged_events_are_redelivered(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """Without an ack the same event (same correlation id and sequence) comes again."""
    sandbox.settings(ack_timeout_seconds=0.2)
    async with open_stream(sandbox) as ws:
        await aapi.post("/api/v2/callbacks", json=body())
        first = await next_event(ws)
        again = await next_event(ws, 2.0)
        assert (again.correlation_id, again.sequence) == (first.correlation_id, first.sequence)
        await ack(ws, again)
        assert await nothing_within(ws, 0.5)
    await until(lambda: sandbox.connections() == [])


async def test_cumulative_and_msgpack_acks(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """`{"status":"ack","sequence":N}` acknowledges everything up to N; msgpack acks work too."""
    sandbox.settings(ack_timeout_seconds=0.3)
    async with open_stream(sandbox) as ws:
        await _emit(sandbox, aapi, body, 4)
        events = [await next_event(ws) for _ in range(4)]
        assert [e.sequence for e in events] == [1, 2, 3, 4]
        await ack_upto(ws, 3)
        packed = msgpack.packb({"status": "ack", "correlation_id": events[3].correlation_id})
        await ws.send(encode_message([Frame(FrameType.ACKNOWLEDGMENT, packed, 0)]))
        assert await nothing_within(ws, 0.7)
        rows = sandbox.connections()
        assert (rows[0]["unacked"], rows[0]["acked"]) == (0, 4)


async def test_go_style_text_frame_acks_are_accepted(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """An ack sent in a *text* WebSocket message (x/net/websocket's default) is understood."""
    sandbox.settings(ack_timeout_seconds=0.2)
    async with open_stream(sandbox) as ws:
        await aapi.post("/api/v2/callbacks", json=body())
        event = await next_event(ws)
        ack_frame = Frame(
            FrameType.ACKNOWLEDGMENT,
            f'{{"status":"ack","correlation_id":"{event.correlation_id}"}}'.encode(),
            1,
        )
        await ws.send(encode_message([ack_frame]), text=True)
        assert await nothing_within(ws, 0.5)


async def test_resume_with_since(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """Reconnecting with since=N replays every retained event after N, in order."""
    await _emit(sandbox, aapi, body, 5)
    async with open_stream(sandbox, since=2) as ws:
        assert [(await next_event(ws)).sequence for _ in range(3)] == [3, 4, 5]
    async with open_stream(sandbox) as ws:
        assert await nothing_within(ws, 0.3), "without since only new events come"


async def test_resync_required_when_history_is_gone(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """A since point older than the 60-minute retention gets a resync_required control."""
    await _emit(sandbox, aapi, body, 3)
    sandbox.advance(61 * 60)
    async with open_stream(sandbox, since=1) as ws:
        control = await next_control(ws)
        assert control.control == "resync_required"
        assert control.reason
        await aapi.patch("/api/v2/queues/queue_12345", json={"concurrency_limit": 9})
        assert (await next_event(ws)).event == "queue.updated"


async def test_flow_control_stops_at_the_unacked_limit(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """With max_unacked=5 a silent client gets 5 events, then more only after acking."""
    sandbox.settings(max_unacked=5, ack_timeout_seconds=30)
    async with open_stream(sandbox, since=0) as ws:
        await _emit(sandbox, aapi, body, 12)
        got = [await next_event(ws) for _ in range(5)]
        assert await nothing_within(ws, 0.3)
        assert sandbox.connections()[0]["unacked"] == 5
        await ack_upto(ws, got[-1].sequence)
        more = [await next_event(ws) for _ in range(5)]
        assert [e.sequence for e in more] == [6, 7, 8, 9, 10]


async def test_memory_is_bounded_for_silent_clients(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """A never-acking client holds at most max_unacked events; the log keeps at most max_events."""
    sandbox.settings(max_unacked=20, max_events=100, ack_timeout_seconds=0.1)
    async with open_stream(sandbox, since=0) as ws:
        seen: list[int] = []

        async def read_without_acking() -> None:
            with contextlib.suppress(ConnectionClosed):
                while True:
                    for frame in await frames(ws, 5):
                        if frame.type == FrameType.RESERVATION_UPDATE:
                            seen.append(decode_event(frame.payload).sequence)

        reader = asyncio.create_task(read_without_acking())
        await _emit(sandbox, aapi, body, 500)
        await asyncio.sleep(0.4)
        rows = sandbox.connections()
        assert rows[0]["unacked"] == 20
        assert rows[0]["redelivered"] > 0
        assert sandbox.state()["retained_events"] == 100
        assert len(set(seen)) == 20
        await ws.close()
        await reader


async def test_heartbeats(sandbox: Sandbox) -> None:
    """Idle connections receive `heartbeat` controls at the configured interval."""
    sandbox.settings(heartbeat_seconds=0.2)
    async with open_stream(sandbox) as ws:
        assert (await next_control(ws, 1.0)).control == "heartbeat"
        assert (await next_control(ws, 1.0)).control == "heartbeat"


async def test_queue_filter_and_batching(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """queue_id limits the stream to those queues; batch=N packs up to N frames per message."""
    await _emit(sandbox, aapi, body, 4)
    for n in range(3):
        await aapi.patch("/api/v2/queues/queue_billing_eu", json={"concurrency_limit": 1 + n})
    async with open_stream(sandbox, queue_id="queue_billing_eu", batch=3, since=0) as ws:
        message = await frames(ws)
        events = [decode_event(f.payload) for f in message]
        assert len(events) == 3
        assert {e.event for e in events} == {"queue.updated"}
        assert all(e.resource["id"] == "queue_billing_eu" for e in events)


async def test_ui_and_system_changes_are_marked(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """Admin "UI" edits say changed_by ui; clock-driven lifecycle steps say system."""
    made = (await aapi.post("/api/v2/callbacks", json=body())).json()
    async with open_stream(sandbox) as ws:
        sandbox.ui_patch_callback(made["id"], reason="agent note")
        ui = await next_event(ws)
        assert (ui.event, ui.changed_by, ui.resource["reason"]) == (
            "reservation.updated",
            "ui",
            "agent note",
        )
        sandbox.set_clock("2026-12-15T19:20:00Z")
        steps = [await next_event(ws) for _ in range(2)]
        assert [(e.event, e.changed_by, e.resource["status"]) for e in steps] == [
            ("reservation.updated", "system", "connecting"),
            ("reservation.completed", "system", "completed"),
        ]


async def test_token_expiry_closes_with_4401(sandbox: Sandbox) -> None:
    """When the handshake token expires the server closes the socket with 4401."""
    async with open_stream(sandbox) as ws:
        sandbox.expire_tokens()
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 2)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401


async def test_closing_notice_then_close(sandbox: Sandbox) -> None:
    """A maintenance notice arrives as a `closing` control, then the socket closes (1001)."""
    async with open_stream(sandbox) as ws:
        sandbox.announce_closing(in_seconds=0)
        control = await next_control(ws)
        assert (control.control, control.in_seconds) == ("closing", 0)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 2)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1001


async def test_admin_close_with_code(sandbox: Sandbox) -> None:
    """The admin can close every WebSocket with a chosen code and reason."""
    async with open_stream(sandbox) as ws:
        assert sandbox.close_websockets(code=4000, reason="chaos") == 1
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 2)
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4000, "chaos")


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x00\x00\x00\x05hello", 1007),
        (b"\x00\x00\x00\x09abc", 1007),
        (b"\x00\x20\x00\x00" + b"\x00" * 8, 1009),
        (encode_message([Frame(2, b'{"status":"nope"}', 0)]), 1007),
    ],
)
async def test_malformed_frames_close_that_connection(
    sandbox: Sandbox, data: bytes, code: int
) -> None:
    """Bad frames close only the offending connection, with 1007 (1009 for size) and a reason."""
    async with open_stream(sandbox) as bystander, open_stream(sandbox) as ws:
        await ws.send(data)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 2)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == code
        assert closed.value.rcvd.reason
        await bystander.ping()
    await until(lambda: sandbox.connections() == [])


async def test_handshake_refusals(sandbox: Sandbox) -> None:
    """No token is 401, a token without callback:read is 403, bad query values are 400."""
    cases = [
        (open_stream(sandbox, token="bogus"), 401),
        (open_stream(sandbox, token=sandbox.token(scope="webhook:read")), 403),
        (open_stream(sandbox, since="x"), 400),
        (open_stream(sandbox, queue_id="queue_nope"), 400),
        (open_stream(sandbox, batch=0), 400),
    ]
    for connecting, status in cases:
        with pytest.raises(InvalidStatus) as refused:
            async with connecting:
                pass
        assert refused.value.response.status_code == status


async def test_dropped_message_is_redelivered(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """A message dropped by a scripted fault arrives later through redelivery."""
    sandbox.settings(ack_timeout_seconds=0.2)
    sandbox.fault_ws("drop", times=1)
    async with open_stream(sandbox) as ws:
        await aapi.post("/api/v2/callbacks", json=body())
        event = await next_event(ws, 2.0)
        assert event.sequence == 1


@pytest.mark.parametrize("kind", ["corrupt", "truncate"])
async def test_spoiled_messages_fail_to_decode(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory, kind: str
) -> None:
    """Corrupted or truncated messages reach the client as undecodable bytes."""
    sandbox.fault_ws(kind, times=1)
    async with open_stream(sandbox) as ws:
        await aapi.post("/api/v2/callbacks", json=body())
        with pytest.raises(ProtocolError):
            await frames(ws)


async def test_seed_style_ack_by_object_id(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """The product document's `{"status":"ack","id":...}` acknowledges that object's events."""
    sandbox.settings(ack_timeout_seconds=0.2)
    async with open_stream(sandbox) as ws:
        made = (await aapi.post("/api/v2/callbacks", json=body())).json()
        await next_event(ws)
        payload = f'{{"status":"ack","id":"{made["id"]}"}}'.encode()
        await ws.send(encode_message([Frame(FrameType.ACKNOWLEDGMENT, payload, 0)]), text=True)
        assert await nothing_within(ws, 0.5)
        unknown = b'{"status":"ack","id":"not-a-known-object"}'
        await ws.send(encode_message([Frame(FrameType.ACKNOWLEDGMENT, unknown, 0)]))
        await ws.ping()


async def test_webhook_changes_are_not_streamed(sandbox: Sandbox, aapi: httpx.AsyncClient) -> None:
    """Creating a webhook adds no event: the stream carries reservation and queue events only."""
    async with open_stream(sandbox) as ws:
        hook = {"name": "w", "url": "https://w.example.com/"}
        assert (await aapi.post("/api/v2/webhooks", json=hook)).status_code == 201
        assert await nothing_within(ws, 0.3)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=64), text=st.booleans())
async def test_random_messages_never_break_the_server(
    sandbox: Sandbox, data: bytes, text: bool
) -> None:
    """Arbitrary bytes (binary or text messages) either pass or close that socket with 1007."""
    codes: list[int | None] = []
    async with open_stream(sandbox) as ws:
        await ws.send(data, text=text)
        try:
            await asyncio.wait_for(ws.recv(), 0.05)
        except TimeoutError:
            pass
        except ConnectionClosed as closed:
            codes.append(closed.rcvd.code if closed.rcvd else None)
    assert set(codes) <= {1007, 1009}
