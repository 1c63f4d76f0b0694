"""A metric collection as the bytes of an OTLP `ExportMetricsServiceRequest` (protobuf).

gcbctl exports a handful of metrics once, at exit (every minute in long runs), so encoding speed
is not the point here: the OpenTelemetry exporter's encoder imports `protobuf` and the generated
OTLP modules, about 60 ms and 60 million instructions at the end of every traced command, more
than a fifth of all that OTLP export added to a 500-callback apply. Written with `otlp_proto`,
the message is the one the SDK's encoder builds, field for field, for every kind of metric data
(gauges, sums, explicit and exponential histograms, exemplars):
`tests/telemetry/test_otlp_metrics.py` decodes both and compares them.

Field numbers are those of `opentelemetry/proto/metrics/v1/metrics.proto`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, assert_never

from opentelemetry.sdk.metrics.export import (
    ExponentialHistogram,
    Gauge,
    Histogram,
    Sum,
)

from reconciler.telemetry.otlp_proto import (
    DOUBLE,
    FIXED64,
    I64,
    LEN,
    SFIXED64,
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
    zigzag,
)

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics import Exemplar
    from opentelemetry.sdk.metrics.export import (
        ExponentialHistogramDataPoint,
        HistogramDataPoint,
        Metric,
        MetricsData,
        NumberDataPoint,
    )
    from opentelemetry.sdk.resources import Resource

_REQUEST_RESOURCE_METRICS: Final = tag(1, LEN)

_METRIC_NAME: Final = tag(1, LEN)
_METRIC_DESCRIPTION: Final = tag(2, LEN)
_METRIC_UNIT: Final = tag(3, LEN)
_METRIC_GAUGE: Final = tag(5, LEN)
_METRIC_SUM: Final = tag(7, LEN)
_METRIC_HISTOGRAM: Final = tag(9, LEN)
_METRIC_EXPONENTIAL_HISTOGRAM: Final = tag(10, LEN)

# Gauge, Sum, Histogram and ExponentialHistogram: data points 1, temporality 2; Sum: monotonic 3.
_DATA_POINT: Final = tag(1, LEN)
_DATA_TEMPORALITY: Final = tag(2, VARINT)
_SUM_MONOTONIC: Final = tag(3, VARINT)

# Every kind of data point: start time 2, time 3.
_POINT_START: Final = tag(2, I64)
_POINT_TIME: Final = tag(3, I64)

_NUMBER_DOUBLE: Final = tag(4, I64)
_NUMBER_EXEMPLAR: Final = tag(5, LEN)
_NUMBER_INT: Final = tag(6, I64)
_NUMBER_ATTRIBUTE: Final = tag(7, LEN)

_HISTOGRAM_COUNT: Final = tag(4, I64)
_HISTOGRAM_SUM: Final = tag(5, I64)
_HISTOGRAM_BUCKET_COUNTS: Final = tag(6, LEN)
_HISTOGRAM_BOUNDS: Final = tag(7, LEN)
_HISTOGRAM_EXEMPLAR: Final = tag(8, LEN)
_HISTOGRAM_ATTRIBUTE: Final = tag(9, LEN)
_HISTOGRAM_MIN: Final = tag(11, I64)
_HISTOGRAM_MAX: Final = tag(12, I64)

_EXPONENTIAL_ATTRIBUTE: Final = tag(1, LEN)
_EXPONENTIAL_COUNT: Final = tag(4, I64)
_EXPONENTIAL_SUM: Final = tag(5, I64)
_EXPONENTIAL_SCALE: Final = tag(6, VARINT)
_EXPONENTIAL_ZERO_COUNT: Final = tag(7, I64)
_EXPONENTIAL_POSITIVE: Final = tag(8, LEN)
_EXPONENTIAL_NEGATIVE: Final = tag(9, LEN)
_EXPONENTIAL_FLAGS: Final = tag(10, VARINT)
_EXPONENTIAL_EXEMPLAR: Final = tag(11, LEN)
_EXPONENTIAL_MIN: Final = tag(12, I64)
_EXPONENTIAL_MAX: Final = tag(13, I64)
_BUCKETS_OFFSET: Final = tag(1, VARINT)
_BUCKETS_COUNTS: Final = tag(2, LEN)

_EXEMPLAR_TIME: Final = tag(2, I64)
_EXEMPLAR_DOUBLE: Final = tag(3, I64)
_EXEMPLAR_SPAN_ID: Final = tag(4, LEN) + varint(8)
_EXEMPLAR_TRACE_ID: Final = tag(5, LEN) + varint(16)
_EXEMPLAR_INT: Final = tag(6, I64)
_EXEMPLAR_ATTRIBUTE: Final = tag(7, LEN)


def encode_metrics(data: MetricsData) -> bytes:
    """Every resource's metrics, grouped by instrumentation scope as the SDK collected them."""
    grouped: dict[Resource, list[bytes]] = {}
    for resource_metrics in data.resource_metrics:
        blocks = grouped.setdefault(resource_metrics.resource, [])
        for scope_metrics in resource_metrics.scope_metrics:
            metrics = (encode_metric(metric) for metric in scope_metrics.metrics)
            blocks.append(scope_block(scope_metrics.scope, metrics))
    body = bytearray()
    for sdk_resource, blocks in grouped.items():
        body += delimited(_REQUEST_RESOURCE_METRICS, resource_block(sdk_resource, blocks))
    return bytes(body)


def encode_metric(metric: Metric) -> bytes:
    """One `Metric` message: name, description, unit and its data, whatever its kind."""
    parts = [string_field(_METRIC_NAME, metric.name)] if metric.name else []
    if metric.description:
        parts.append(string_field(_METRIC_DESCRIPTION, metric.description))
    if metric.unit:
        parts.append(string_field(_METRIC_UNIT, metric.unit))
    if metric.data.data_points:  # no points, no data field: the SDK's encoder writes none either
        parts.append(_data(metric.data))
    return b"".join(parts)


def _data(data: Gauge | Sum | Histogram | ExponentialHistogram) -> bytes:
    """The metric's data field: the points, their temporality, and whether a sum only grows."""
    if isinstance(data, Gauge):
        points = [_number_point(point, with_start=False) for point in data.data_points]
        return delimited(_METRIC_GAUGE, _points(points))
    if isinstance(data, Sum):
        points = [_number_point(point, with_start=True) for point in data.data_points]
        body = _points(points, int(data.aggregation_temporality))
        if data.is_monotonic:
            body += _SUM_MONOTONIC + varint(1)
        return delimited(_METRIC_SUM, body)
    if isinstance(data, Histogram):
        points = [_histogram_point(point) for point in data.data_points]
        return delimited(_METRIC_HISTOGRAM, _points(points, int(data.aggregation_temporality)))
    if isinstance(data, ExponentialHistogram):
        points = [_exponential_point(point) for point in data.data_points]
        body = _points(points, int(data.aggregation_temporality))
        return delimited(_METRIC_EXPONENTIAL_HISTOGRAM, body)
    assert_never(data)  # a kind of data a later SDK adds fails the export, loudly


def _points(points: Iterable[bytes], temporality: int = 0) -> bytes:
    parts = [delimited(_DATA_POINT, point) for point in points]
    count(parts, _DATA_TEMPORALITY, temporality)
    return b"".join(parts)


def _number_point(point: NumberDataPoint, *, with_start: bool) -> bytes:
    """A gauge's point has no start time in OTLP; the SDK's encoder leaves it out."""
    parts: list[bytes] = []
    _times(parts, point.start_time_unix_nano if with_start else 0, point.time_unix_nano)
    value = point.value
    if isinstance(value, int):
        parts += (_NUMBER_INT, SFIXED64(value))
    else:
        parts += (_NUMBER_DOUBLE, DOUBLE(value))
    _exemplars(parts, _NUMBER_EXEMPLAR, point.exemplars)
    attributes(parts, _NUMBER_ATTRIBUTE, point.attributes)
    return b"".join(parts)


def _histogram_point(point: HistogramDataPoint) -> bytes:
    parts: list[bytes] = []
    _times(parts, point.start_time_unix_nano, point.time_unix_nano)
    fixed(parts, _HISTOGRAM_COUNT, point.count)
    _optional_double(parts, _HISTOGRAM_SUM, point.sum)
    if point.bucket_counts:
        packed = b"".join(FIXED64(n) for n in point.bucket_counts)
        parts.append(delimited(_HISTOGRAM_BUCKET_COUNTS, packed))
    if point.explicit_bounds:
        packed = b"".join(DOUBLE(bound) for bound in point.explicit_bounds)
        parts.append(delimited(_HISTOGRAM_BOUNDS, packed))
    _exemplars(parts, _HISTOGRAM_EXEMPLAR, point.exemplars)
    attributes(parts, _HISTOGRAM_ATTRIBUTE, point.attributes)
    _optional_double(parts, _HISTOGRAM_MIN, point.min)
    _optional_double(parts, _HISTOGRAM_MAX, point.max)
    return b"".join(parts)


def _exponential_point(point: ExponentialHistogramDataPoint) -> bytes:
    parts: list[bytes] = []
    attributes(parts, _EXPONENTIAL_ATTRIBUTE, point.attributes)
    _times(parts, point.start_time_unix_nano, point.time_unix_nano)
    fixed(parts, _EXPONENTIAL_COUNT, point.count)
    _optional_double(parts, _EXPONENTIAL_SUM, point.sum)
    if point.scale:
        parts += (_EXPONENTIAL_SCALE, zigzag(point.scale))
    fixed(parts, _EXPONENTIAL_ZERO_COUNT, point.zero_count)
    # A side with no buckets is left out altogether, as the SDK's encoder leaves it out.
    sides = ((_EXPONENTIAL_POSITIVE, point.positive), (_EXPONENTIAL_NEGATIVE, point.negative))
    for field_tag, side in sides:
        if side.bucket_counts:
            parts.append(delimited(field_tag, _buckets(side.offset, side.bucket_counts)))
    count(parts, _EXPONENTIAL_FLAGS, point.flags)
    _exemplars(parts, _EXPONENTIAL_EXEMPLAR, point.exemplars)
    _optional_double(parts, _EXPONENTIAL_MIN, point.min)
    _optional_double(parts, _EXPONENTIAL_MAX, point.max)
    return b"".join(parts)


def _buckets(offset: int, counts: Sequence[int]) -> bytes:
    parts = [_BUCKETS_OFFSET, zigzag(offset)] if offset else []
    parts.append(delimited(_BUCKETS_COUNTS, b"".join(varint(n) for n in counts)))
    return b"".join(parts)


def _exemplars(parts: list[bytes], field_tag: bytes, exemplars: Sequence[Exemplar]) -> None:
    for exemplar in exemplars:
        parts.append(delimited(field_tag, _exemplar(exemplar)))


def _exemplar(exemplar: Exemplar) -> bytes:
    parts: list[bytes] = []
    fixed(parts, _EXEMPLAR_TIME, exemplar.time_unix_nano)
    value = exemplar.value
    if isinstance(value, float):
        parts += (_EXEMPLAR_DOUBLE, DOUBLE(value))
    elif isinstance(value, int):
        parts += (_EXEMPLAR_INT, SFIXED64(value))
    else:
        raise ValueError("an exemplar's value must be an int or a float")
    if exemplar.span_id is not None and exemplar.trace_id is not None:
        parts += (
            _EXEMPLAR_SPAN_ID,
            exemplar.span_id.to_bytes(8, "big"),
            _EXEMPLAR_TRACE_ID,
            exemplar.trace_id.to_bytes(16, "big"),
        )
    attributes(parts, _EXEMPLAR_ATTRIBUTE, exemplar.filtered_attributes)
    return b"".join(parts)


def _times(parts: list[bytes], start: int, time: int) -> None:
    fixed(parts, _POINT_START, start)
    fixed(parts, _POINT_TIME, time)


def _optional_double(parts: list[bytes], field_tag: bytes, value: float | None) -> None:
    """An `optional double`: written whenever it is set, zero included (it has presence)."""
    if value is not None:
        parts += (field_tag, DOUBLE(value))
