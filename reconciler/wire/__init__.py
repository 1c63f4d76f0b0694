"""The Callback WebSocket's wire format, shared by the client side and the sandbox.

This package is pure: it turns bytes into frames and payloads and back, and raises
`reconciler.errors.ProtocolError` on anything malformed. It does no I/O, reads no clock (callers
pass timestamps) and holds no connection state beyond one decoder's buffer.
"""

from reconciler.wire.frames import (
    MAX_FRAME_SIZE,
    Frame,
    FrameDecoder,
    FrameType,
    decode_message,
    encode_frame,
    encode_message,
)
from reconciler.wire.payloads import (
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

__all__ = [
    "MAX_FRAME_SIZE",
    "Ack",
    "Control",
    "ControlKind",
    "Event",
    "Frame",
    "FrameDecoder",
    "FrameType",
    "decode_ack",
    "decode_control",
    "decode_event",
    "decode_message",
    "encode_ack",
    "encode_control",
    "encode_cumulative_ack",
    "encode_event",
    "encode_frame",
    "encode_message",
]
