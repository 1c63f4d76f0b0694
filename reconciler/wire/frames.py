"""Length-prefixed msgpack frames: the unit of the Callback WebSocket (callback-api.md §6).

A WebSocket message carries one or more frames back to back. A frame is a 4-byte big-endian
unsigned length N followed by N bytes of msgpack encoding a map with exactly the keys "Type"
(int), "Payload" (bin) and "Timestamp" (int, Unix milliseconds), which is what Go's msgpack/v5
writes for the product document's `BinaryFrame` struct.

This module only converts between bytes and `Frame` values. It must not read a clock (the caller
supplies `timestamp_ms`) nor touch a socket; malformed input raises `ProtocolError` carrying the
close code the connection should use (1007 for a bad frame, 1009 for an oversized one).
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgpack

from reconciler.errors import ProtocolError

MAX_FRAME_SIZE = 1024 * 1024
"""Largest msgpack body a frame may declare (1 MiB); a longer one is closed with 1009."""

CLOSE_INVALID_DATA = 1007
CLOSE_TOO_BIG = 1009

_LENGTH = struct.Struct(">I")
_KEYS = frozenset(("Type", "Payload", "Timestamp"))
_HINT = (
    "the peer must send 4-byte big-endian lengths followed by msgpack Type/Payload/Timestamp maps"
)


class FrameType(enum.IntEnum):
    """The frame types of the protocol; receivers ignore any other value."""

    RESERVATION_UPDATE = 1
    ACKNOWLEDGMENT = 2
    CONTROL = 3


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame: `type` may be a value `FrameType` does not know."""

    type: int
    payload: bytes
    timestamp_ms: int


def encode_frame(frame: Frame) -> bytes:
    """The bytes of one frame: length prefix plus msgpack body."""
    body: bytes = msgpack.packb(
        {"Type": frame.type, "Payload": frame.payload, "Timestamp": frame.timestamp_ms},
        use_bin_type=True,
    )
    return _LENGTH.pack(len(body)) + body


def encode_message(frames: Iterable[Frame]) -> bytes:
    """The payload of one WebSocket message holding `frames` back to back."""
    return b"".join(encode_frame(frame) for frame in frames)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _frame_from_body(body: bytes) -> Frame:
    try:
        value: Any = msgpack.unpackb(body, raw=False)
    except Exception as exc:  # msgpack raises several unrelated types for bad input
        raise ProtocolError(f"frame body is not msgpack: {exc}", hint=_HINT) from exc
    if not isinstance(value, dict) or set(value) != _KEYS:
        raise ProtocolError("frame body is not a Type/Payload/Timestamp map", hint=_HINT)
    kind, payload, stamp = value["Type"], value["Payload"], value["Timestamp"]
    if payload is None:  # Go's msgpack writes a nil []byte as nil: an empty payload
        payload = b""
    if not _is_int(kind) or not _is_int(stamp) or not isinstance(payload, bytes):
        raise ProtocolError("frame fields have the wrong types", hint=_HINT)
    return Frame(type=kind, payload=payload, timestamp_ms=stamp)


class FrameDecoder:
    """Sans-I/O decoder: feed whole WebSocket messages, collect the frames they held.

    `receive_message()` either accepts every frame of a message or raises `ProtocolError` and
    keeps none of them; `frames_received()` hands back what has accumulated since its last call.
    """

    def __init__(self, *, max_frame_size: int = MAX_FRAME_SIZE) -> None:
        self._max = max_frame_size
        self._frames: list[Frame] = []

    def receive_message(self, data: bytes) -> None:
        """Split one message into frames, looping until every byte is consumed."""
        self._frames.extend(self._split(memoryview(data)))

    def frames_received(self) -> list[Frame]:
        """The frames decoded since the previous call, oldest first."""
        frames, self._frames = self._frames, []
        return frames

    def _split(self, view: memoryview) -> list[Frame]:
        frames: list[Frame] = []
        offset, total = 0, len(view)
        if total == 0:
            raise ProtocolError("empty message holds no frame", hint=_HINT)
        while offset < total:
            if total - offset < _LENGTH.size:
                raise ProtocolError("message ends inside a length prefix", hint=_HINT)
            (length,) = _LENGTH.unpack_from(view, offset)
            offset += _LENGTH.size
            if length > self._max:
                raise ProtocolError(
                    f"frame of {length} bytes exceeds {self._max}",
                    close_code=CLOSE_TOO_BIG,
                    hint=f"keep frames under {self._max} bytes",
                )
            if length > total - offset:
                raise ProtocolError("frame length runs past the end of the message", hint=_HINT)
            frames.append(_frame_from_body(bytes(view[offset : offset + length])))
            offset += length
        return frames


def decode_message(data: bytes, *, max_frame_size: int = MAX_FRAME_SIZE) -> list[Frame]:
    """Every frame in one WebSocket message, or `ProtocolError`."""
    decoder = FrameDecoder(max_frame_size=max_frame_size)
    decoder.receive_message(data)
    return decoder.frames_received()
