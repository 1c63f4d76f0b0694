"""gcbctl's span encoder writes the message the OpenTelemetry exporter's encoder builds.

Both outputs are decoded with the generated OTLP classes and compared field for field, over
generated spans of every shape: all attribute value kinds, events, links, remote and local
parents, trace state, statuses, dropped counts, several resources and scopes.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans as sdk_encode
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.util import BoundedList
from opentelemetry.sdk.util.instrumentation import InstrumentationScope
from opentelemetry.trace import Link, SpanContext, SpanKind, Status, StatusCode, TraceFlags
from opentelemetry.trace.span import TraceState

from reconciler.telemetry.otlp_proto import any_value
from reconciler.telemetry.otlp_spans import encode_spans
from tests.telemetry.otlp_strategies import ATTRIBUTES, IDS, RESOURCES, SCOPES, TEXT, TIMES


@st.composite
def contexts(draw: st.DrawFn, remote: bool | None = None) -> SpanContext:
    state = draw(st.sampled_from([None, TraceState([("vendor", "x1")])]))
    return SpanContext(
        trace_id=draw(st.integers(min_value=1, max_value=2**128 - 1)),
        span_id=draw(IDS),
        is_remote=draw(st.booleans()) if remote is None else remote,
        trace_flags=TraceFlags(draw(st.sampled_from([0, 1]))),
        trace_state=state,
    )


@st.composite
def statuses(draw: st.DrawFn) -> Status:
    code = draw(st.sampled_from(list(StatusCode)))
    description = draw(st.one_of(st.none(), TEXT)) if code is StatusCode.ERROR else None
    return Status(code, description)


@st.composite
def spans(draw: st.DrawFn) -> ReadableSpan:
    events = [
        Event(draw(TEXT), draw(ATTRIBUTES), timestamp=draw(TIMES))
        for _ in range(draw(st.integers(0, 2)))
    ]
    links = [Link(draw(contexts()), draw(ATTRIBUTES)) for _ in range(draw(st.integers(0, 2)))]
    dropped = draw(st.booleans())
    return ReadableSpan(
        name=draw(TEXT),
        context=draw(contexts(remote=False)),
        parent=draw(st.one_of(st.none(), contexts())),
        resource=draw(RESOURCES),
        attributes=draw(ATTRIBUTES),
        events=BoundedList.from_seq(1, events) if dropped else events,
        links=BoundedList.from_seq(1, links) if dropped else links,
        kind=draw(st.sampled_from(list(SpanKind))),
        status=draw(statuses()),
        start_time=draw(TIMES),
        end_time=draw(TIMES),
        instrumentation_scope=draw(SCOPES),
    )


def decoded(body: bytes) -> ExportTraceServiceRequest:
    return ExportTraceServiceRequest.FromString(body)


@settings(max_examples=300, deadline=None)
@given(st.lists(spans(), max_size=6))
def test_encoded_spans_equal_the_sdk_encoders_message(batch: list[ReadableSpan]) -> None:
    assert decoded(encode_spans(batch)) == sdk_encode(batch)


def test_a_typical_api_call_span_matches_byte_for_byte_in_meaning() -> None:
    """The shape an apply exports thousands of times, twice (the second from the cache)."""
    context = SpanContext(0xABC, 0xDEF, is_remote=False, trace_flags=TraceFlags(1))
    span = ReadableSpan(
        name="POST /api/v2/callbacks",
        context=context,
        parent=SpanContext(0xABC, 0x123, is_remote=False),
        resource=Resource({"service.name": "gcbctl"}),
        attributes={
            "gcbctl.resource": "ReservationBatch/bench/cb_1",
            "http.request.method": "POST",
            "http.response.status_code": 201,
        },
        events=[Event("retry", {"gcbctl.backoff_s": 0.25, "gcbctl.attempt": 2}, timestamp=5)],
        kind=SpanKind.CLIENT,
        status=Status(StatusCode.ERROR, "status 500"),
        start_time=1,
        end_time=2,
        instrumentation_scope=InstrumentationScope("gcbctl", "1.0"),
    )
    body = encode_spans([span, span])
    assert decoded(body) == sdk_encode([span, span])
    assert decoded(body).resource_spans[0].scope_spans[0].spans[1].parent_span_id == (
        0x123
    ).to_bytes(8, "big")


def test_no_spans_is_an_empty_request() -> None:
    assert encode_spans([]) == b""
    assert decoded(b"") == sdk_encode([])


def test_values_the_wire_cannot_carry_are_refused_and_left_out() -> None:
    """The SDK never lets such a value into a span; the encoder still does not crash on one."""
    assert any_value(None) == b""
    with pytest.raises(TypeError, match="object"):
        any_value(object())
    span = ReadableSpan(
        name="odd",
        context=SpanContext(1, 2, is_remote=False),
        attributes={"fine": 1.5, "odd": object()},  # type: ignore[dict-item]
        resource=Resource({}),
    )
    message = decoded(encode_spans([span]))
    attributes = message.resource_spans[0].scope_spans[0].spans[0].attributes
    assert [(kv.key, kv.value.double_value) for kv in attributes] == [("fine", 1.5)]
    assert not math.isnan(attributes[0].value.double_value)
