"""Byte-exact frames as a Go client built from the product document sends them.

The product document's client marshals `BinaryFrame{Type int32; Payload []byte; Timestamp int64}`
with github.com/vmihailenco/msgpack/v5 and its defaults (checked in the 5.3.5 source): a fixmap of
three entries in field order, fixstr keys, `Type` as a fixed-width int32 (0xd2), `Payload` as bin8,
bin16 or bin32 by length (a nil slice as msgpack nil, 0xc0), `Timestamp` as a fixed-width int64
(0xd3); `WriteBinaryFrame` puts a 4-byte big-endian length in front. gcbctl's own encoder writes
compact integers instead, so these bytes exercise the decoder on the other dialect.
"""

from __future__ import annotations

import struct

GO_NIL = None
"""Stands for a nil `[]byte`, which Go encodes as msgpack nil rather than an empty bin."""


def _fixstr(text: str) -> bytes:
    raw = text.encode()
    assert len(raw) < 32
    return bytes([0xA0 | len(raw)]) + raw


def _bin(payload: bytes | None) -> bytes:
    if payload is None:
        return b"\xc0"
    size = len(payload)
    if size < 256:
        head = b"\xc4" + struct.pack(">B", size)
    elif size <= 0xFFFF:
        head = b"\xc5" + struct.pack(">H", size)
    else:
        head = b"\xc6" + struct.pack(">I", size)
    return head + payload


def go_frame(frame_type: int, payload: bytes | None, timestamp_ms: int) -> bytes:
    """One length-prefixed frame, byte for byte what msgpack/v5's Marshal gives the seed."""
    body = (
        b"\x83"
        + _fixstr("Type")
        + b"\xd2"
        + struct.pack(">i", frame_type)
        + _fixstr("Payload")
        + _bin(payload)
        + _fixstr("Timestamp")
        + b"\xd3"
        + struct.pack(">q", timestamp_ms)
    )
    return struct.pack(">I", len(body)) + body


def seed_ack(correlation_id: str) -> bytes:
    """The product document's JSON acknowledgment payload, formatted as its Sprintf does."""
    return f'{{"status":"ack","correlation_id":"{correlation_id}"}}'.encode()
