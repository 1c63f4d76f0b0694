"""The frame codec: round trips, the Go msgpack/v5 layout, and every protocol error."""

from __future__ import annotations

import struct

import msgpack
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from reconciler.errors import ProtocolError
from reconciler.wire import MAX_FRAME_SIZE, Frame, FrameDecoder, decode_message, encode_message
from reconciler.wire.frames import encode_frame

frames = st.builds(
    Frame,
    type=st.integers(min_value=-(2**31), max_value=2**31 - 1),
    payload=st.binary(max_size=512),
    timestamp_ms=st.integers(min_value=0, max_value=2**62),
)


def _raw(body: object) -> bytes:
    packed = msgpack.packb(body, use_bin_type=True)
    return struct.pack(">I", len(packed)) + packed


@given(st.lists(frames, min_size=1, max_size=8))
def test_messages_round_trip(batch: list[Frame]) -> None:
    """Any list of frames encodes into one message that decodes to the same frames."""
    assert decode_message(encode_message(batch)) == batch


@settings(max_examples=600)
@given(st.binary(max_size=300))
def test_decoder_never_crashes_on_arbitrary_bytes(data: bytes) -> None:
    """Arbitrary bytes give frames or a ProtocolError with 1007/1009, never anything else."""
    failure: ProtocolError | None = None
    result: list[Frame] = []
    try:
        result = decode_message(data)
    except ProtocolError as error:
        failure = error
    if failure is not None:
        assert failure.close_code in (1007, 1009)
    assert all(isinstance(frame, Frame) for frame in result)


@settings(max_examples=150)
@given(st.lists(frames, min_size=1, max_size=3), st.integers(min_value=1, max_value=40))
def test_truncated_messages_are_protocol_errors(batch: list[Frame], cut: int) -> None:
    """A message cut short inside a frame is rejected with 1007, never half-accepted."""
    data = encode_message(batch)
    boundaries = {len(encode_message(batch[:n])) for n in range(len(batch))}
    end = max(0, len(data) - cut)
    assume(end not in boundaries or end == 0)
    with pytest.raises(ProtocolError) as caught:
        decode_message(data[:end])
    assert caught.value.close_code == 1007


def test_go_msgpack_v5_layout_is_understood() -> None:
    """A frame shaped like Go's msgpack/v5 output for BinaryFrame (int32 Type) decodes."""
    body = b"\x83\xa4Type\xd2\x00\x00\x00\x02\xa7Payload\xc4\x03abc\xa9Timestamp\xd3" + (
        1_700_000_000_000
    ).to_bytes(8, "big")
    frame = decode_message(struct.pack(">I", len(body)) + body)[0]
    assert frame == Frame(2, b"abc", 1_700_000_000_000)


def test_encoded_frame_has_exactly_the_three_keys() -> None:
    """The encoder writes a 4-byte big-endian length and a Type/Payload/Timestamp map."""
    data = encode_frame(Frame(1, b"\x01\x02", 42))
    (length,) = struct.unpack(">I", data[:4])
    assert length == len(data) - 4
    assert msgpack.unpackb(data[4:]) == {"Type": 1, "Payload": b"\x01\x02", "Timestamp": 42}


@pytest.mark.parametrize(
    "body",
    [
        {"Type": 1, "Payload": b"x"},
        {"Type": 1, "Payload": b"x", "Timestamp": 1, "Extra": 0},
        {"Type": "1", "Payload": b"x", "Timestamp": 1},
        {"Type": True, "Payload": b"x", "Timestamp": 1},
        {"Type": 1, "Payload": "text", "Timestamp": 1},
        {"Type": 1, "Payload": b"x", "Timestamp": 1.5},
        [1, b"x", 1],
    ],
)
def test_wrong_bodies_close_with_1007(body: object) -> None:
    """Bodies that are not exactly the Type/Payload/Timestamp map are protocol errors."""
    with pytest.raises(ProtocolError) as caught:
        decode_message(_raw(body))
    assert caught.value.close_code == 1007


def test_oversized_frame_closes_with_1009() -> None:
    """A declared length over 1 MiB is refused before reading it, with close code 1009."""
    with pytest.raises(ProtocolError) as caught:
        decode_message(struct.pack(">I", MAX_FRAME_SIZE + 1) + b"\x00" * 16)
    assert caught.value.close_code == 1009


def test_empty_and_trailing_bytes_are_errors() -> None:
    """An empty message, or stray bytes after the last frame, are protocol errors."""
    good = encode_frame(Frame(2, b"", 0))
    for data in (b"", good + b"\x00\x00"):
        with pytest.raises(ProtocolError):
            decode_message(data)


def test_decoder_accumulates_until_drained() -> None:
    """The sans-I/O decoder hands back frames from several messages in order, then none."""
    decoder = FrameDecoder()
    decoder.receive_message(encode_message([Frame(1, b"a", 1), Frame(3, b"b", 2)]))
    decoder.receive_message(encode_message([Frame(2, b"c", 3)]))
    assert [f.payload for f in decoder.frames_received()] == [b"a", b"b", b"c"]
    assert decoder.frames_received() == []


def test_a_bad_message_keeps_none_of_its_frames() -> None:
    """A message with one good and one bad frame adds nothing to the decoder."""
    decoder = FrameDecoder()
    with pytest.raises(ProtocolError):
        decoder.receive_message(encode_frame(Frame(1, b"a", 1)) + b"\x00\x00\x00\x01\xc1")
    assert decoder.frames_received() == []
