"""Finished SDK spans as the bytes of an OTLP `ExportTraceServiceRequest` (protobuf).

Why not the OpenTelemetry exporter's own encoder: it builds a protobuf object for every span,
attribute and value, about 110 µs a span on this project's machines, and it imports `protobuf`
and the generated OTLP modules. An apply exports a span per API call, thousands a run, and that
encoding alone was a third of what OTLP export added to an apply. Writing the wire format
directly (`otlp_proto`) takes a few µs a span, and an attribute seen before (a route, a queue, a
method) is encoded once and reused. The output is the message the SDK's encoder makes, field for
field: `tests/telemetry/test_otlp_spans.py` decodes both with the generated OTLP classes and
compares them over generated spans of every shape.

Field numbers are those of `opentelemetry/proto/trace/v1/trace.proto`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from opentelemetry.trace import SpanKind

from reconciler.telemetry.otlp_proto import (
    FIXED32,
    I32,
    I64,
    LEN,
    VARINT,
    attributes,
    count,
    delimited,
    fixed,
    resource_block,
    scope_block,
    string_field,
    tag,
    varint,
)

if TYPE_CHECKING:
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import Event, ReadableSpan
    from opentelemetry.sdk.util.instrumentation import InstrumentationScope
    from opentelemetry.trace import Link, Status

# Span flags (trace.proto `SpanFlags`): whether the parent is known to be remote, and if it is.
_HAS_IS_REMOTE: Final = 0x100
_IS_REMOTE: Final = 0x200
_FLAGS_LOCAL: Final = FIXED32(_HAS_IS_REMOTE)
_FLAGS_REMOTE: Final = FIXED32(_HAS_IS_REMOTE | _IS_REMOTE)

# Tags used per span, computed once.
_SPAN_TRACE_ID: Final = tag(1, LEN) + varint(16)
_SPAN_SPAN_ID: Final = tag(2, LEN) + varint(8)
_SPAN_TRACE_STATE: Final = tag(3, LEN)
_SPAN_PARENT_ID: Final = tag(4, LEN) + varint(8)
_SPAN_NAME: Final = tag(5, LEN)
_SPAN_KIND: Final = tag(6, VARINT)
_SPAN_START: Final = tag(7, I64)
_SPAN_END: Final = tag(8, I64)
_SPAN_ATTRIBUTE: Final = tag(9, LEN)
_SPAN_DROPPED_ATTRIBUTES: Final = tag(10, VARINT)
_SPAN_EVENT: Final = tag(11, LEN)
_SPAN_DROPPED_EVENTS: Final = tag(12, VARINT)
_SPAN_LINK: Final = tag(13, LEN)
_SPAN_DROPPED_LINKS: Final = tag(14, VARINT)
_SPAN_STATUS: Final = tag(15, LEN)
_SPAN_FLAGS: Final = tag(16, I32)
# SpanKind INTERNAL..CONSUMER are 0..4 in the API and 1..5 in OTLP, where 0 is UNSPECIFIED.
_KINDS: Final = {kind: varint(kind.value + 1) for kind in SpanKind}

_EVENT_TIME: Final = tag(1, I64)
_EVENT_NAME: Final = tag(2, LEN)
_EVENT_ATTRIBUTE: Final = tag(3, LEN)
_EVENT_DROPPED: Final = tag(4, VARINT)

_LINK_TRACE_ID: Final = tag(1, LEN) + varint(16)
_LINK_SPAN_ID: Final = tag(2, LEN) + varint(8)
_LINK_ATTRIBUTE: Final = tag(4, LEN)
_LINK_DROPPED: Final = tag(5, VARINT)
_LINK_FLAGS: Final = tag(6, I32)

_STATUS_MESSAGE: Final = tag(2, LEN)
_STATUS_CODE: Final = tag(3, VARINT)
_STATUS_UNSET: Final = delimited(_SPAN_STATUS, b"")

_REQUEST_RESOURCE_SPANS: Final = tag(1, LEN)


def encode_spans(spans: Sequence[ReadableSpan]) -> bytes:
    """The spans grouped by resource, then by instrumentation scope, in the order first seen."""
    # Keyed by identity first: hashing a `Resource` serialises it to JSON every time, and a
    # run's spans share one resource object. Equal resources still end up in one group.
    resources: dict[int, Resource] = {}
    grouped: dict[Resource, dict[InstrumentationScope | None, list[bytes]]] = {}
    for span in spans:
        known = resources.get(id(span.resource))
        if known is None:
            known = resources[id(span.resource)] = span.resource
            grouped.setdefault(known, {})
        scopes = grouped[known]
        scopes.setdefault(span.instrumentation_scope or None, []).append(encode_span(span))
    body = bytearray()
    for sdk_resource, scopes in grouped.items():
        blocks = [scope_block(scope, spans) for scope, spans in scopes.items()]
        body += delimited(_REQUEST_RESOURCE_SPANS, resource_block(sdk_resource, blocks))
    return bytes(body)


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
        parts.append(string_field(_SPAN_TRACE_STATE, state))
    parent = span.parent
    if parent:
        parts += (_SPAN_PARENT_ID, parent.span_id.to_bytes(8, "big"))
    if span.name:
        parts.append(string_field(_SPAN_NAME, span.name))
    parts += (_SPAN_KIND, _KINDS[span.kind])
    fixed(parts, _SPAN_START, span.start_time or 0)
    fixed(parts, _SPAN_END, span.end_time or 0)
    attributes(parts, _SPAN_ATTRIBUTE, span.attributes)
    count(parts, _SPAN_DROPPED_ATTRIBUTES, span.dropped_attributes)
    events = span.events
    if events:
        parts += [delimited(_SPAN_EVENT, _event(event)) for event in events]
    count(parts, _SPAN_DROPPED_EVENTS, span.dropped_events)
    links = span.links
    if links:
        parts += [delimited(_SPAN_LINK, _link(link)) for link in links]
    count(parts, _SPAN_DROPPED_LINKS, span.dropped_links)
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
    fixed(parts, _EVENT_TIME, event.timestamp)
    if event.name:
        parts.append(string_field(_EVENT_NAME, event.name))
    attributes(parts, _EVENT_ATTRIBUTE, event.attributes)
    count(parts, _EVENT_DROPPED, event.dropped_attributes)
    return b"".join(parts)


def _link(link: Link) -> bytes:
    """As the SDK's encoder writes a link: ids, attributes and flags (no trace state)."""
    parts = [
        _LINK_TRACE_ID,
        link.context.trace_id.to_bytes(16, "big"),
        _LINK_SPAN_ID,
        link.context.span_id.to_bytes(8, "big"),
    ]
    attributes(parts, _LINK_ATTRIBUTE, link.attributes)
    count(parts, _LINK_DROPPED, link.dropped_attributes)
    parts += (_LINK_FLAGS, _FLAGS_REMOTE if link.context.is_remote else _FLAGS_LOCAL)
    return b"".join(parts)


def _status(status: Status) -> bytes:
    parts = [string_field(_STATUS_MESSAGE, status.description)] if status.description else []
    if status.status_code.value:
        parts += (_STATUS_CODE, varint(status.status_code.value))
    return b"".join(parts)
