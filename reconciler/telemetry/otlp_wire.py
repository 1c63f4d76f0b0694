"""Finished SDK spans as the bytes of an OTLP `ExportTraceServiceRequest` (protobuf).

Why not the OpenTelemetry exporter's own encoder: it builds a protobuf object for every span,
attribute and value, about 110 µs a span on this project's machines, and it imports `protobuf`
and the generated OTLP modules. An apply exports a span per API call, thousands a run, and that
encoding alone was a third of what OTLP export added to an apply. Writing the wire format
directly takes a few µs a span: every field is a tag and a varint, a fixed-size number or a
length-prefixed run of bytes, and an attribute seen before (a route, a queue, a method) is
encoded once and reused. The output is the message the SDK's encoder makes, field for field:
`tests/telemetry/test_otlp_wire.py` decodes both with the generated OTLP classes and compares
them over generated spans of every shape.

Field numbers are those of `opentelemetry/proto/trace/v1/trace.proto`,
`common/v1/common.proto` and `resource/v1/resource.proto`.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from opentelemetry.trace import SpanKind

if TYPE_CHECKING:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import Event, ReadableSpan
    from opentelemetry.sdk.util.instrumentation import InstrumentationScope
    from opentelemetry.trace import Link, Status

_FIXED64: Final = struct.Struct("<Q").pack
_FIXED32: Final = struct.Struct("<I").pack
_DOUBLE: Final = struct.Struct("<d").pack
_UINT64: Final = (1 << 64) - 1
_SMALL: Final = tuple(bytes((n,)) for n in range(128))

# Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. A tag is (field << 3) | type.
_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5

# Span flags (trace.proto `SpanFlags`): whether the parent is known to be remote, and if it is.
_HAS_IS_REMOTE: Final = 0x100
_IS_REMOTE: Final = 0x200
_FLAGS_LOCAL: Final = _FIXED32(_HAS_IS_REMOTE)
_FLAGS_REMOTE: Final = _FIXED32(_HAS_IS_REMOTE | _IS_REMOTE)


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


def tag(field: int, wire_type: int) -> bytes:
    return varint(field << 3 | wire_type)


def delimited(field_tag: bytes, payload: bytes) -> bytes:
    """A length-delimited field: tag, length, bytes (a string, bytes or an embedded message)."""
    return field_tag + varint(len(payload)) + payload


# Tags used per span, computed once.
_SPAN_TRACE_ID: Final = tag(1, _LEN) + varint(16)
_SPAN_SPAN_ID: Final = tag(2, _LEN) + varint(8)
_SPAN_TRACE_STATE: Final = tag(3, _LEN)
_SPAN_PARENT_ID: Final = tag(4, _LEN) + varint(8)
_SPAN_NAME: Final = tag(5, _LEN)
_SPAN_KIND: Final = tag(6, _VARINT)
_SPAN_START: Final = tag(7, _I64)
_SPAN_END: Final = tag(8, _I64)
_SPAN_ATTRIBUTE: Final = tag(9, _LEN)
_SPAN_DROPPED_ATTRIBUTES: Final = tag(10, _VARINT)
_SPAN_EVENT: Final = tag(11, _LEN)
_SPAN_DROPPED_EVENTS: Final = tag(12, _VARINT)
_SPAN_LINK: Final = tag(13, _LEN)
_SPAN_DROPPED_LINKS: Final = tag(14, _VARINT)
_SPAN_STATUS: Final = tag(15, _LEN)
_SPAN_FLAGS: Final = tag(16, _I32)
# SpanKind INTERNAL..CONSUMER are 0..4 in the API and 1..5 in OTLP, where 0 is UNSPECIFIED.
_KINDS: Final = {kind: varint(kind.value + 1) for kind in SpanKind}

_EVENT_TIME: Final = tag(1, _I64)
_EVENT_NAME: Final = tag(2, _LEN)
_EVENT_ATTRIBUTE: Final = tag(3, _LEN)
_EVENT_DROPPED: Final = tag(4, _VARINT)

_LINK_TRACE_ID: Final = tag(1, _LEN) + varint(16)
_LINK_SPAN_ID: Final = tag(2, _LEN) + varint(8)
_LINK_ATTRIBUTE: Final = tag(4, _LEN)
_LINK_DROPPED: Final = tag(5, _VARINT)
_LINK_FLAGS: Final = tag(6, _I32)

_STATUS_MESSAGE: Final = tag(2, _LEN)
_STATUS_CODE: Final = tag(3, _VARINT)
_STATUS_UNSET: Final = delimited(_SPAN_STATUS, b"")

_KEY: Final = tag(1, _LEN)
_VALUE: Final = tag(2, _LEN)
_STRING: Final = tag(1, _LEN)
_BOOL: Final = tag(2, _VARINT)
_INT: Final = tag(3, _VARINT)
_DOUBLE_VALUE: Final = tag(4, _I64)
_ARRAY: Final = tag(5, _LEN)
_KVLIST: Final = tag(6, _LEN)
_BYTES: Final = tag(7, _LEN)
_LIST_VALUE: Final = tag(1, _LEN)  # ArrayValue.values and KeyValueList.values

_SCOPE_NAME: Final = tag(1, _LEN)
_SCOPE_VERSION: Final = tag(2, _LEN)
_SCOPE_ATTRIBUTE: Final = tag(3, _LEN)
_RESOURCE_ATTRIBUTE: Final = tag(1, _LEN)
_SCOPE_SPANS_SCOPE: Final = tag(1, _LEN)
_SCOPE_SPANS_SPAN: Final = tag(2, _LEN)
_SCHEMA_URL: Final = tag(3, _LEN)  # ScopeSpans.schema_url and ResourceSpans.schema_url
_RESOURCE_SPANS_RESOURCE: Final = tag(1, _LEN)
_RESOURCE_SPANS_SCOPE: Final = tag(2, _LEN)
_REQUEST_RESOURCE_SPANS: Final = tag(1, _LEN)


def encode_spans(spans: Sequence[ReadableSpan]) -> bytes:
    """The spans grouped by resource, then by instrumentation scope, in the order first seen."""
    # Keyed by identity first: hashing a `Resource` serialises it to JSON every time, and a
    # run's spans share one resource object. Equal resources still end up in one group.
    resources: dict[int, Resource] = {}
    grouped: dict[Resource, dict[InstrumentationScope | None, list[bytes]]] = {}
    for span in spans:
        resource = resources.get(id(span.resource))
        if resource is None:
            resource = resources[id(span.resource)] = span.resource
            grouped.setdefault(resource, {})
        scopes = grouped[resource]
        scopes.setdefault(span.instrumentation_scope or None, []).append(encode_span(span))
    body = bytearray()
    for resource, scopes in grouped.items():
        body += delimited(_REQUEST_RESOURCE_SPANS, _resource_spans(resource, scopes))
    return bytes(body)


def _resource_spans(
    resource: Resource, scopes: Mapping[InstrumentationScope | None, list[bytes]]
) -> bytes:
    fields: list[bytes] = []
    _attributes(fields, _RESOURCE_ATTRIBUTE, resource.attributes)
    attributes = b"".join(fields)
    parts = [delimited(_RESOURCE_SPANS_RESOURCE, attributes)]
    for scope, spans in scopes.items():
        parts.append(delimited(_RESOURCE_SPANS_SCOPE, _scope_spans(scope, spans)))
    if resource.schema_url:
        parts.append(delimited(_SCHEMA_URL, resource.schema_url.encode()))
    return b"".join(parts)


def _scope_spans(scope: InstrumentationScope | None, spans: list[bytes]) -> bytes:
    parts = [delimited(_SCOPE_SPANS_SCOPE, _scope(scope))]
    parts += [delimited(_SCOPE_SPANS_SPAN, span) for span in spans]
    if scope is not None and scope.schema_url:
        parts.append(delimited(_SCHEMA_URL, scope.schema_url.encode()))
    return b"".join(parts)


def _scope(scope: InstrumentationScope | None) -> bytes:
    if scope is None:
        return b""
    parts = [_string_field(_SCOPE_NAME, scope.name)]
    if scope.version:
        parts.append(_string_field(_SCOPE_VERSION, scope.version))
    _attributes(parts, _SCOPE_ATTRIBUTE, scope.attributes)
    return b"".join(parts)


def encode_span(span: ReadableSpan) -> bytes:
    """One `Span` message (without its field tag)."""
    context = span.get_span_context()
    if context is None:  # only a span never started lacks one; the SDK exports none such
        return b""
    parts = [
        _SPAN_TRACE_ID,
        context.trace_id.to_bytes(16, "big"),
        _SPAN_SPAN_ID,
        context.span_id.to_bytes(8, "big"),
    ]
    if context.trace_state:
        state = ",".join(f"{key}={value}" for key, value in context.trace_state.items())
        parts.append(_string_field(_SPAN_TRACE_STATE, state))
    parent = span.parent
    if parent:
        parts += (_SPAN_PARENT_ID, parent.span_id.to_bytes(8, "big"))
    if span.name:
        parts.append(_string_field(_SPAN_NAME, span.name))
    parts += (_SPAN_KIND, _KINDS[span.kind])
    if span.start_time:
        parts += (_SPAN_START, _FIXED64(span.start_time))
    if span.end_time:
        parts += (_SPAN_END, _FIXED64(span.end_time))
    _attributes(parts, _SPAN_ATTRIBUTE, span.attributes)
    _count(parts, _SPAN_DROPPED_ATTRIBUTES, span.dropped_attributes)
    events = span.events
    if events:
        parts += [delimited(_SPAN_EVENT, _event(event)) for event in events]
    _count(parts, _SPAN_DROPPED_EVENTS, span.dropped_events)
    links = span.links
    if links:
        parts += [delimited(_SPAN_LINK, _link(link)) for link in links]
    _count(parts, _SPAN_DROPPED_LINKS, span.dropped_links)
    status = span.status
    if status is not None:
        parts.append(
            _STATUS_UNSET
            if status.is_unset and not status.description
            else delimited(_SPAN_STATUS, _status(status))
        )
    parts += (
        _SPAN_FLAGS,
        _FLAGS_REMOTE if parent is not None and parent.is_remote else _FLAGS_LOCAL,
    )
    return b"".join(parts)


def _event(event: Event) -> bytes:
    parts: list[bytes] = []
    if event.timestamp:
        parts += (_EVENT_TIME, _FIXED64(event.timestamp))
    if event.name:
        parts.append(_string_field(_EVENT_NAME, event.name))
    _attributes(parts, _EVENT_ATTRIBUTE, event.attributes)
    _count(parts, _EVENT_DROPPED, event.dropped_attributes)
    return b"".join(parts)


def _link(link: Link) -> bytes:
    """As the SDK's encoder writes a link: ids, attributes and flags (no trace state)."""
    parts = [
        _LINK_TRACE_ID,
        link.context.trace_id.to_bytes(16, "big"),
        _LINK_SPAN_ID,
        link.context.span_id.to_bytes(8, "big"),
    ]
    _attributes(parts, _LINK_ATTRIBUTE, link.attributes)
    _count(parts, _LINK_DROPPED, link.dropped_attributes)
    parts += (_LINK_FLAGS, _FLAGS_REMOTE if link.context.is_remote else _FLAGS_LOCAL)
    return b"".join(parts)


def _status(status: Status) -> bytes:
    parts = [_string_field(_STATUS_MESSAGE, status.description)] if status.description else []
    if status.status_code.value:
        parts += (_STATUS_CODE, varint(status.status_code.value))
    return b"".join(parts)


def _count(parts: list[bytes], field_tag: bytes, count: int) -> None:
    if count:
        parts += (field_tag, varint(count))


def _attributes(
    parts: list[bytes], field_tag: bytes, attributes: Mapping[str, object] | None
) -> None:
    """Append one field per attribute; a value the wire cannot carry is left out, as the SDK's
    encoder leaves it out (the SDK's own attribute checks let none through)."""
    if not attributes:
        return
    for key, value in attributes.items():
        if type(value) is str:  # the common case, and the only one cached: see `_cached_text`
            parts.append(_cached_text(field_tag, key, value))
            continue
        try:
            parts.append(delimited(field_tag, _key_value(key, value)))
        except TypeError:
            continue


def _key_value(key: str, value: object) -> bytes:
    return _string_field(_KEY, key) + delimited(_VALUE, any_value(value))


@lru_cache(maxsize=4096)
def _cached_text(field_tag: bytes, key: str, value: str) -> bytes:
    """A text attribute as a whole field. Only exact `str` values are cached: `True == 1` and
    `0.0 == -0.0` would otherwise share an entry and be written as each other."""
    pair = _string_field(_KEY, key) + delimited(_VALUE, _string_field(_STRING, value))
    return delimited(field_tag, pair)


def any_value(value: object) -> bytes:  # noqa: PLR0911 (one return per OTLP value kind)
    """An `AnyValue` message, choosing its member as the SDK's encoder does (bool before int)."""
    if value is None:
        return b""
    if isinstance(value, bool):
        return _BOOL + varint(int(value))
    if isinstance(value, str):
        return _string_field(_STRING, value)
    if isinstance(value, int):
        return _INT + varint(value)
    if isinstance(value, float):
        return _DOUBLE_VALUE + _DOUBLE(value)
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


def _string_field(field_tag: bytes, text: str) -> bytes:
    return delimited(field_tag, text.encode("utf-8", "replace"))
