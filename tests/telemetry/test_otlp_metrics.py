"""gcbctl's metric encoder writes the message the OpenTelemetry exporter's encoder builds.

Both outputs are decoded with the generated OTLP classes and compared field for field: over
generated collections of every kind of metric data (gauges, sums, explicit and exponential
histograms, with exemplars, empty and zero values), and over what a real `MeterProvider`
collects from gcbctl-like instruments with each temporality and histogram aggregation.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from opentelemetry.exporter.otlp.proto.common.metrics_encoder import encode_metrics as sdk_encode
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.sdk.metrics import Exemplar, Histogram, MeterProvider, ObservableCounter
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Buckets,
    ExponentialHistogram,
    ExponentialHistogramDataPoint,
    Gauge,
    HistogramDataPoint,
    InMemoryMetricReader,
    Metric,
    MetricsData,
    NumberDataPoint,
    ResourceMetrics,
    ScopeMetrics,
    Sum,
)
from opentelemetry.sdk.metrics.export import (
    Histogram as HistogramData,
)
from opentelemetry.sdk.metrics.view import (
    ExplicitBucketHistogramAggregation,
    ExponentialBucketHistogramAggregation,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.util.instrumentation import InstrumentationScope

from reconciler.telemetry.otlp_metrics import encode_metrics
from tests.telemetry.otlp_strategies import ATTRIBUTES, FLOATS, IDS, INT64, RESOURCES, SCOPES, TEXT

U64 = st.integers(min_value=0, max_value=2**64 - 1)
TIMES = st.integers(min_value=0, max_value=2**64 - 1)  # fixed64 on the wire
COUNTS = st.lists(U64, max_size=4)
NUMBERS = st.one_of(INT64, FLOATS)
TEMPORALITIES = st.sampled_from(list(AggregationTemporality))


@st.composite
def exemplars(draw: st.DrawFn) -> list[Exemplar]:
    def one() -> Exemplar:
        traced = draw(st.booleans())
        return Exemplar(
            draw(ATTRIBUTES),
            draw(NUMBERS),
            draw(TIMES),
            span_id=draw(IDS) if traced else draw(st.one_of(st.none(), IDS)),
            trace_id=draw(st.integers(1, 2**128 - 1)) if traced else None,
        )

    return [one() for _ in range(draw(st.integers(0, 2)))]


@st.composite
def number_points(draw: st.DrawFn) -> NumberDataPoint:
    return NumberDataPoint(
        draw(ATTRIBUTES), draw(TIMES), draw(TIMES), draw(NUMBERS), draw(exemplars())
    )


@st.composite
def histogram_points(draw: st.DrawFn) -> HistogramDataPoint:
    return HistogramDataPoint(
        attributes=draw(ATTRIBUTES),
        start_time_unix_nano=draw(TIMES),
        time_unix_nano=draw(TIMES),
        count=draw(U64),
        sum=draw(NUMBERS),
        bucket_counts=draw(COUNTS),
        explicit_bounds=draw(st.lists(FLOATS, max_size=3)),
        min=draw(FLOATS),
        max=draw(FLOATS),
        exemplars=draw(exemplars()),
    )


@st.composite
def exponential_points(draw: st.DrawFn) -> ExponentialHistogramDataPoint:
    def buckets() -> Buckets:
        return Buckets(draw(st.integers(-(2**31), 2**31 - 1)), draw(COUNTS))

    return ExponentialHistogramDataPoint(
        attributes=draw(ATTRIBUTES),
        start_time_unix_nano=draw(TIMES),
        time_unix_nano=draw(TIMES),
        count=draw(U64),
        sum=draw(NUMBERS),
        scale=draw(st.integers(-10, 20)),
        zero_count=draw(U64),
        positive=buckets(),
        negative=buckets(),
        flags=draw(st.integers(0, 2**32 - 1)),
        min=draw(FLOATS),
        max=draw(FLOATS),
        exemplars=draw(exemplars()),
    )


DATA = st.one_of(
    st.builds(Gauge, st.lists(number_points(), max_size=3)),
    st.builds(Sum, st.lists(number_points(), max_size=3), TEMPORALITIES, st.booleans()),
    st.builds(HistogramData, st.lists(histogram_points(), max_size=3), TEMPORALITIES),
    st.builds(ExponentialHistogram, st.lists(exponential_points(), max_size=3), TEMPORALITIES),
)
METRICS = st.builds(Metric, TEXT, st.one_of(st.none(), TEXT), st.one_of(st.none(), TEXT), DATA)
# The SDK's encoder keeps one entry per resource and per scope (a repeat replaces the first),
# and the SDK never collects a repeat: generate none.
SCOPE_METRICS = st.builds(ScopeMetrics, SCOPES, st.lists(METRICS, max_size=3), st.just(""))
RESOURCE_METRICS = st.builds(
    ResourceMetrics,
    RESOURCES,
    st.lists(SCOPE_METRICS, max_size=2, unique_by=lambda block: block.scope),
    st.just(""),
)
COLLECTIONS = st.builds(
    MetricsData, st.lists(RESOURCE_METRICS, max_size=2, unique_by=lambda block: block.resource)
)


def decoded(body: bytes) -> ExportMetricsServiceRequest:
    return ExportMetricsServiceRequest.FromString(body)


@settings(max_examples=300, deadline=None)
@given(COLLECTIONS)
def test_encoded_metrics_equal_the_sdk_encoders_message(data: MetricsData) -> None:
    assert decoded(encode_metrics(data)) == sdk_encode(data)


def test_zero_values_that_have_presence_are_still_written() -> None:
    """A gauge of int 0 and a histogram whose sum, min and max are 0.0 keep those fields."""
    point = HistogramDataPoint({}, 1, 2, 0, 0.0, [0], [], 0.0, 0.0)
    data = MetricsData(
        [
            ResourceMetrics(
                Resource({"service.name": "gcbctl"}),
                [
                    ScopeMetrics(
                        InstrumentationScope("gcbctl", "1.0"),
                        [
                            Metric("g", None, None, Gauge([NumberDataPoint({}, 0, 5, 0)])),
                            Metric(
                                "h",
                                None,
                                "s",
                                HistogramData([point], AggregationTemporality.DELTA),
                            ),
                        ],
                        "",
                    )
                ],
                "",
            )
        ]
    )
    message = decoded(encode_metrics(data))
    assert message == sdk_encode(data)
    gauge, histogram = message.resource_metrics[0].scope_metrics[0].metrics
    assert gauge.gauge.data_points[0].WhichOneof("value") == "as_int"
    assert histogram.histogram.data_points[0].HasField("sum")
    assert histogram.histogram.data_points[0].HasField("max")


@pytest.mark.parametrize("delta", [False, True], ids=["cumulative", "delta"])
@pytest.mark.parametrize("exponential", [False, True], ids=["explicit", "exponential"])
def test_what_a_meter_provider_collects_encodes_as_the_sdk_encodes_it(
    delta: bool, exponential: bool
) -> None:
    temporality = AggregationTemporality.DELTA if delta else AggregationTemporality.CUMULATIVE
    aggregation = (
        ExponentialBucketHistogramAggregation()
        if exponential
        else ExplicitBucketHistogramAggregation()
    )
    reader = InMemoryMetricReader(
        preferred_temporality={Histogram: temporality, ObservableCounter: temporality},
        preferred_aggregation={Histogram: aggregation},
    )
    provider = MeterProvider(metric_readers=[reader], resource=Resource({"service.name": "gcbctl"}))
    meter = provider.get_meter("gcbctl", "1.0")
    duration = meter.create_histogram("gcbctl.api.duration", unit="s")
    for elapsed in (0.004, 0.02, 0.02, 0.35, 1.7):
        duration.record(elapsed, {"http.request.method": "POST", "gcbctl.outcome": "success"})
    duration.record(0.9, {"http.request.method": "GET", "gcbctl.outcome": "rate_limited"})

    def observe(_options: CallbackOptions) -> list[Observation]:
        return [Observation(7, {"gcbctl.action": "create", "gcbctl.outcome": "applied"})]

    meter.create_observable_counter("gcbctl.actions", callbacks=[observe], unit="{action}")
    data = reader.get_metrics_data()
    provider.shutdown()
    assert data is not None
    message = decoded(encode_metrics(data))
    assert message == sdk_encode(data)
    names = {metric.name for metric in message.resource_metrics[0].scope_metrics[0].metrics}
    assert names == {"gcbctl.api.duration", "gcbctl.actions"}
