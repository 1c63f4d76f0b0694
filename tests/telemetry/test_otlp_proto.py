"""The protobuf wire pieces gcbctl's OTLP encoders are built from, against known encodings."""

from __future__ import annotations

from reconciler.telemetry.otlp_proto import fixed, varint, zigzag


def test_varints_follow_the_protobuf_encoding() -> None:
    assert varint(0) == b"\x00"
    assert varint(127) == b"\x7f"
    assert varint(128) == b"\x80\x01"
    assert varint(300) == b"\xac\x02"
    assert varint(-1) == b"\xff" * 9 + b"\x01"  # int64 -1: ten bytes of two's complement


def test_zigzag_keeps_small_negative_numbers_short() -> None:
    assert [zigzag(n) for n in (0, -1, 1, -2, 2)] == [b"\x00", b"\x01", b"\x02", b"\x03", b"\x04"]
    assert zigzag(-64) == b"\x7f"
    assert zigzag(2**31 - 1) == b"\xfe\xff\xff\xff\x0f"


def test_a_zero_fixed64_is_left_out_and_others_are_little_endian() -> None:
    parts: list[bytes] = []
    fixed(parts, b"\x11", 0)
    fixed(parts, b"\x11", 1)
    assert parts == [b"\x11", b"\x01" + b"\x00" * 7]
