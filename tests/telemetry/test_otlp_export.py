"""OTLP export configured by the standard OTEL_* variables reaches a receiver on 127.0.0.1."""

from __future__ import annotations

import io
import threading

import pytest

from reconciler.telemetry import record_action, step, use_providers
from reconciler.telemetry.sdk import TraceMode, configure, resolve_mode
from tests.telemetry.otlp_receiver import otlp_receiver


def test_otlp_endpoint_variable_exports_spans_and_metrics(monkeypatch: pytest.MonkeyPatch) -> None:
    """With OTEL_EXPORTER_OTLP_ENDPOINT set, spans and metrics are posted there on shutdown."""
    with otlp_receiver() as (url, received):
        environ = {"OTEL_EXPORTER_OTLP_ENDPOINT": url}
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        mode = resolve_mode(None, environ)
        assert mode is TraceMode.OTLP
        setup = configure(mode, environ=environ, stream=io.StringIO())
        with use_providers(setup.tracer_provider, setup.meter_provider), step("gcbctl apply"):
            record_action("create", "applied")
        setup.shutdown()
        assert received.span_names() == ["gcbctl apply"]
        [request] = received.metrics()
        [resource] = request.resource_metrics
        service = {kv.key: kv.value.string_value for kv in resource.resource.attributes}
        assert service["service.name"] == "gcbctl"
        [actions] = [
            metric
            for scope in resource.scope_metrics
            for metric in scope.metrics
            if metric.name == "gcbctl.actions"
        ]
        [point] = actions.sum.data_points
        assert actions.sum.is_monotonic
        assert point.as_int == 1
        labels = {kv.key: kv.value.string_value for kv in point.attributes}
        assert labels == {"gcbctl.action": "create", "gcbctl.outcome": "applied"}


def test_spans_and_metrics_are_exported_side_by_side_at_shutdown() -> None:
    """Each final export may wait out its timeout for a silent collector: they overlap, so a
    command pays it once. The receiver answers only while both requests are in flight."""
    gate = threading.Barrier(2, timeout=5)
    with otlp_receiver(gate=gate) as (url, received):
        environ = {"OTEL_EXPORTER_OTLP_ENDPOINT": url, "OTEL_EXPORTER_OTLP_TIMEOUT": "8000"}
        setup = configure(TraceMode.OTLP, environ=environ, stream=io.StringIO())
        with use_providers(setup.tracer_provider, setup.meter_provider), step("gcbctl plan"):
            record_action("create", "applied")
        setup.shutdown()
        assert not gate.broken
        assert received.span_names() == ["gcbctl plan"]
        assert len(received.metrics()) == 1
