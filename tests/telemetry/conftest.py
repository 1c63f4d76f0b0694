"""Telemetry fixtures: the SDK wired to in-memory exporters for one test."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from reconciler.telemetry import use_providers
from reconciler.telemetry.sdk import TraceMode, configure


@dataclass
class Captured:
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader

    def finished(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def metric_points(self, name: str) -> list[tuple[dict[str, object], float]]:
        """(attributes, value) of every data point of metric `name` (sum or histogram count)."""
        data = self.metrics.get_metrics_data()
        points: list[tuple[dict[str, object], float]] = []
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name != name:
                        continue
                    for point in metric.data.data_points:
                        value = getattr(point, "value", None)
                        if value is None:
                            value = getattr(point, "count", 0)
                        points.append((dict(point.attributes or {}), float(value)))
        return points


@pytest.fixture
def captured() -> Iterator[Captured]:
    """gcbctl's spans and metrics for this test, kept in memory."""
    spans, metrics = InMemorySpanExporter(), InMemoryMetricReader()
    setup = configure(
        TraceMode.NONE, environ={}, stream=io.StringIO(), span_exporter=spans, metric_reader=metrics
    )
    with use_providers(setup.tracer_provider, setup.meter_provider):
        yield Captured(spans, metrics)
    setup.shutdown()
