"""OTLP export settings follow the OpenTelemetry specification's `OTEL_EXPORTER_OTLP_*` rules."""

from __future__ import annotations

import pytest

from reconciler.telemetry.otlp_config import DEFAULT_TIMEOUT_S, otlp_settings


def test_defaults_send_to_the_local_collector() -> None:
    settings = otlp_settings("traces", {})
    assert settings.endpoint == "http://localhost:4318/v1/traces"
    assert settings.headers == {}
    assert settings.timeout_s == DEFAULT_TIMEOUT_S
    assert settings.gzip is False
    assert settings.warnings == ()


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://collector:4318", "http://collector:4318/v1/metrics"),
        ("http://collector:4318/", "http://collector:4318/v1/metrics"),
        ("https://gw.example.test/otlp", "https://gw.example.test/otlp/v1/metrics"),
    ],
)
def test_the_general_endpoint_is_a_base_for_each_signal(base: str, expected: str) -> None:
    assert otlp_settings("metrics", {"OTEL_EXPORTER_OTLP_ENDPOINT": base}).endpoint == expected


def test_per_signal_variables_win_and_their_endpoint_is_used_as_given() -> None:
    environ = {
        "OTEL_EXPORTER_OTLP_ENDPOINT": "http://general:4318",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://traces:9999/custom/path",
        "OTEL_EXPORTER_OTLP_TIMEOUT": "2000",
        "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "500",
        "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
    }
    traces, metrics = otlp_settings("traces", environ), otlp_settings("metrics", environ)
    assert traces.endpoint == "http://traces:9999/custom/path"
    assert metrics.endpoint == "http://general:4318/v1/metrics"
    assert (traces.timeout_s, metrics.timeout_s) == (0.5, 2.0)  # milliseconds, per the spec
    assert traces.gzip
    assert metrics.gzip


def test_headers_are_percent_decoded_pairs_and_bad_pairs_are_named_by_position_only() -> None:
    environ = {"OTEL_EXPORTER_OTLP_HEADERS": "api-key=s3cr%3Dt%2C1 , x-team=cc,broken,=nokey"}
    settings = otlp_settings("traces", environ)
    assert settings.headers == {"api-key": "s3cr=t,1", "x-team": "cc"}
    assert len(settings.warnings) == 2
    assert "#3" in settings.warnings[0]
    assert "#4" in settings.warnings[1]
    assert not any("nokey" in warning or "s3cr" in warning for warning in settings.warnings)
    assert "s3cr" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "field", "fallback"),
    [
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "ten", "timeout_s", DEFAULT_TIMEOUT_S),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "-5", "timeout_s", DEFAULT_TIMEOUT_S),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli", "gzip", False),
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            "collector:4318",
            "endpoint",
            "http://localhost:4318/v1/traces",
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "gzip", False),
    ],
)
def test_unusable_values_fall_back_with_a_warning(
    name: str, value: str, field: str, fallback: object
) -> None:
    settings = otlp_settings("traces", {name: value})
    assert getattr(settings, field) == fallback
    assert len(settings.warnings) == 1


def test_tls_files_are_read_per_signal_first() -> None:
    environ = {
        "OTEL_EXPORTER_OTLP_CERTIFICATE": "/etc/ca.pem",
        "OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE": "/etc/metrics-ca.pem",
        "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE": "/etc/me.pem",
        "OTEL_EXPORTER_OTLP_CLIENT_KEY": "/etc/me.key",
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
    }
    traces, metrics = otlp_settings("traces", environ), otlp_settings("metrics", environ)
    assert (traces.certificate, metrics.certificate) == ("/etc/ca.pem", "/etc/metrics-ca.pem")
    assert (traces.client_certificate, traces.client_key) == ("/etc/me.pem", "/etc/me.key")
    assert traces.warnings == ()
