"""Hypothesis strategies for the OTLP encoder tests: attribute values of every kind OTLP carries,
ids, timestamps, and a few resources and instrumentation scopes."""

from __future__ import annotations

from hypothesis import strategies as st
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
FLOATS = st.floats(allow_nan=False)  # NaN is never equal to itself, in any message compare
TEXT = st.text(max_size=12)
SCALARS = st.one_of(TEXT, st.booleans(), INT64, FLOATS)
VALUES = st.one_of(
    SCALARS,
    st.lists(TEXT, max_size=3).map(tuple),
    st.lists(st.booleans(), max_size=3).map(tuple),
    st.lists(INT64, max_size=3).map(tuple),
    st.lists(FLOATS, max_size=3).map(tuple),
)
ATTRIBUTES = st.dictionaries(TEXT, VALUES, max_size=5)
IDS = st.integers(min_value=1, max_value=2**64 - 1)
TIMES = st.integers(min_value=0, max_value=2**63 - 1)
RESOURCES = st.sampled_from(
    [
        Resource({"service.name": "gcbctl", "service.version": "1.0"}),
        Resource({"service.name": "gcbctl-ci"}, schema_url="https://opentelemetry.io/schemas/1"),
    ]
)
SCOPES = st.sampled_from(
    [
        InstrumentationScope("gcbctl", "1.0"),
        InstrumentationScope("other", None, "https://example.test/schema", {"team": "cc"}),
    ]
)
