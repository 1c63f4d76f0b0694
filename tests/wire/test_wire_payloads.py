"""Type-1/2/3 payload helpers: events, the seed's JSON ack and its variants, controls."""

from __future__ import annotations

import msgpack
import pytest

from reconciler.errors import ProtocolError
from reconciler.wire import (
    Ack,
    Control,
    ControlKind,
    Event,
    decode_ack,
    decode_control,
    decode_event,
    encode_ack,
    encode_control,
    encode_cumulative_ack,
    encode_event,
)


def test_event_round_trip() -> None:
    """An event survives encode/decode with its resource intact."""
    event = Event("c-1", 812, "reservation.updated", "ui", {"id": "cb_1", "version": 2})
    assert decode_event(encode_event(event)) == event


def test_seed_json_ack_is_exactly_the_documented_bytes() -> None:
    """encode_ack writes the product document's JSON acknowledgment."""
    assert encode_ack("abc") == b'{"status":"ack","correlation_id":"abc"}'
    assert decode_ack(encode_ack("abc")) == Ack(correlation_id="abc")


def test_msgpack_and_cumulative_acks() -> None:
    """A msgpack ack and the cumulative JSON form are accepted."""
    packed = msgpack.packb({"status": "ack", "correlation_id": "x"})
    assert decode_ack(packed) == Ack(correlation_id="x")
    assert decode_ack(encode_cumulative_ack(812)) == Ack(sequence=812)
    assert decode_ack(msgpack.packb({"status": "ack", "sequence": 3})) == Ack(sequence=3)


@pytest.mark.parametrize(
    "payload",
    [
        b'{"status":"nack","correlation_id":"x"}',
        b'{"status":"ack"}',
        b'{"status":"ack","sequence":-1}',
        b"{not json",
        b"[1,2]",
        b"\xc1",
        msgpack.packb([1, 2]),
    ],
)
def test_bad_acks_are_protocol_errors(payload: bytes) -> None:
    """Acks without status "ack" and an id or sequence are refused."""
    with pytest.raises(ProtocolError):
        decode_ack(payload)


def test_controls_round_trip() -> None:
    """Heartbeat, resync_required and closing controls carry their fields."""
    for control in (
        Control(ControlKind.HEARTBEAT),
        Control(ControlKind.RESYNC_REQUIRED, reason="too old"),
        Control(ControlKind.CLOSING, in_seconds=60),
    ):
        assert decode_control(encode_control(control)) == control


def test_bad_event_payloads_are_protocol_errors() -> None:
    """An event payload missing fields or of the wrong shape is refused."""
    for value in ({"sequence": 1}, {"correlation_id": "x", "sequence": True}, [1]):
        with pytest.raises(ProtocolError):
            decode_event(msgpack.packb(value))
    with pytest.raises(ProtocolError):
        decode_control(msgpack.packb({"reason": "x"}))


def test_product_document_ack_form() -> None:
    """The seed's `{"status":"ack","id":...}` decodes as an acknowledgment of an object."""
    assert decode_ack(b'{"status":"ack","id":"cb_1-abc"}') == Ack(resource_id="cb_1-abc")
