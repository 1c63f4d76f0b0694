"""The protobuf wire format, as much of it as OTLP's messages need: gcbctl writes them directly.

Every field is a tag (field number and wire type) followed by a varint, a fixed-size number or a
length-prefixed run of bytes. Writing those bytes straight from the SDK's span and metric objects
is many times cheaper than building protobuf objects first, and it means a run that exports
telemetry never imports `protobuf` or the generated OTLP modules (about 60 ms at exit).
`otlp_spans` and `otlp_metrics` build the two export requests from these pieces; the messages
they share (`AnyValue`, `KeyValue`, `InstrumentationScope`, `Resource` and the resource and
scope blocks around spans and metrics) live here.

Field numbers are those of `opentelemetry/proto/common/v1/common.proto` and
`resource/v1/resource.proto`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.util.instrumentation import InstrumentationScope

FIXED64: Final = struct.Struct("<Q").pack
SFIXED64: Final = struct.Struct("<q").pack
FIXED32: Final = struct.Struct("<I").pack
DOUBLE: Final = struct.Struct("<d").pack
_UINT64: Final = (1 << 64) - 1
_SMALL: Final = tuple(bytes((n,)) for n in range(128))

# Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. A tag is (field << 3) | type.
VARINT, I64, LEN, I32 = 0, 1, 2, 5


def varint(value: int) -> bytes:
    """Base-128 varint; a negative int64 as its 64-bit two's complement (ten bytes)."""
    if 0 <= value < 128:
        return _SMALL[value]
    value &= _UINT64
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def zigzag(value: int) -> bytes:
    """A `sint32`/`sint64` varint: small negative numbers stay short."""
    return varint(value << 1 if value >= 0 else (-value << 1) - 1)


def tag(field: int, wire_type: int) -> bytes:
    return varint(field << 3 | wire_type)


def delimited(field_tag: bytes, payload: bytes) -> bytes:
    """A length-delimited field: tag, length, bytes (a string, bytes or an embedded message)."""
    return field_tag + varint(len(payload)) + payload


def string_field(field_tag: bytes, text: str) -> bytes:
    return delimited(field_tag, text.encode("utf-8", "replace"))


def count(parts: list[bytes], field_tag: bytes, number: int) -> None:
    """Append a varint field unless it is zero (proto3 leaves default values out)."""
    if number:
        parts += (field_tag, varint(number))


def fixed(parts: list[bytes], field_tag: bytes, number: int) -> None:
    """Append a `fixed64` field (a timestamp, a count) unless it is zero."""
    if number:
        parts += (field_tag, FIXED64(number))


_KEY: Final = tag(1, LEN)
_VALUE: Final = tag(2, LEN)
_STRING: Final = tag(1, LEN)
_BOOL: Final = tag(2, VARINT)
_INT: Final = tag(3, VARINT)
_DOUBLE_VALUE: Final = tag(4, I64)
_ARRAY: Final = tag(5, LEN)
_KVLIST: Final = tag(6, LEN)
_BYTES: Final = tag(7, LEN)
_LIST_VALUE: Final = tag(1, LEN)  # ArrayValue.values and KeyValueList.values

_SCOPE_NAME: Final = tag(1, LEN)
_SCOPE_VERSION: Final = tag(2, LEN)
_SCOPE_ATTRIBUTE: Final = tag(3, LEN)
_RESOURCE_ATTRIBUTE: Final = tag(1, LEN)


def attributes(parts: list[bytes], field_tag: bytes, values: Mapping[str, object] | None) -> None:
    """Append one `KeyValue` field per attribute; a value the wire cannot carry is left out, as
    the SDK's encoder leaves it out (the SDK's own attribute checks let none through)."""
    if not values:
        return
    for key, value in values.items():
        if type(value) is str:  # the common case, and the only one cached: see `_cached_text`
            parts.append(_cached_text(field_tag, key, value))
            continue
        try:
            parts.append(delimited(field_tag, _key_value(key, value)))
        except TypeError:
            continue


def _key_value(key: str, value: object) -> bytes:
    return string_field(_KEY, key) + delimited(_VALUE, any_value(value))


@lru_cache(maxsize=4096)
def _cached_text(field_tag: bytes, key: str, value: str) -> bytes:
    """A text attribute as a whole field. Only exact `str` values are cached: `True == 1` and
    `0.0 == -0.0` would otherwise share an entry and be written as each other."""
    pair = string_field(_KEY, key) + delimited(_VALUE, string_field(_STRING, value))
    return delimited(field_tag, pair)


def any_value(value: object) -> bytes:  # noqa: PLR0911 (one return per OTLP value kind)
    """An `AnyValue` message, choosing its member as the SDK's encoder does (bool before int)."""
    if value is None:
        return b""
    if isinstance(value, bool):
        return _BOOL + varint(int(value))
    if isinstance(value, str):
        return string_field(_STRING, value)
    if isinstance(value, int):
        return _INT + varint(value)
    if isinstance(value, float):
        return _DOUBLE_VALUE + DOUBLE(value)
    if isinstance(value, bytes):
        return delimited(_BYTES, value)
    if isinstance(value, Sequence):
        return delimited(_ARRAY, _list_values(any_value(item) for item in value))
    if isinstance(value, Mapping):
        pairs = (_key_value(str(key), item) for key, item in value.items())
        return delimited(_KVLIST, _list_values(pairs))
    raise TypeError(f"an attribute value of type {type(value).__name__} cannot be exported")


def _list_values(values: Iterable[bytes]) -> bytes:
    return b"".join(delimited(_LIST_VALUE, value) for value in values)


# `ResourceSpans` and `ResourceMetrics` share their field numbers, as do `ScopeSpans` and
# `ScopeMetrics`: resource or scope 1, its items (scopes, spans, metrics) 2, schema URL 3.
_BLOCK_HEAD: Final = tag(1, LEN)
_BLOCK_ITEM: Final = tag(2, LEN)
_BLOCK_SCHEMA_URL: Final = tag(3, LEN)


def resource_block(sdk_resource: Resource, scope_blocks: Iterable[bytes]) -> bytes:
    """A `ResourceSpans` or `ResourceMetrics` message around its encoded scope blocks."""
    fields: list[bytes] = []
    attributes(fields, _RESOURCE_ATTRIBUTE, sdk_resource.attributes)
    parts = [delimited(_BLOCK_HEAD, b"".join(fields))]
    parts += [delimited(_BLOCK_ITEM, block) for block in scope_blocks]
    if sdk_resource.schema_url:
        parts.append(string_field(_BLOCK_SCHEMA_URL, sdk_resource.schema_url))
    return b"".join(parts)


def scope_block(instrumentation: InstrumentationScope | None, items: Iterable[bytes]) -> bytes:
    """A `ScopeSpans` or `ScopeMetrics` message around its encoded spans or metrics."""
    parts = [delimited(_BLOCK_HEAD, _scope(instrumentation))]
    parts += [delimited(_BLOCK_ITEM, item) for item in items]
    if instrumentation is not None and instrumentation.schema_url:
        parts.append(string_field(_BLOCK_SCHEMA_URL, instrumentation.schema_url))
    return b"".join(parts)


def _scope(instrumentation: InstrumentationScope | None) -> bytes:
    if instrumentation is None:
        return b""
    parts = [string_field(_SCOPE_NAME, instrumentation.name)]
    if instrumentation.version:
        parts.append(string_field(_SCOPE_VERSION, instrumentation.version))
    attributes(parts, _SCOPE_ATTRIBUTE, instrumentation.attributes)
    return b"".join(parts)
