"""The OTLP/HTTP sender and exporters against a receiver on 127.0.0.1: bodies, headers, gzip,
the retries the OTLP specification asks for, the timeout, TLS, and quiet failure reports."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExportResult
from opentelemetry.trace import SpanContext

from reconciler.telemetry.otlp_config import OtlpSettings, otlp_settings
from reconciler.telemetry.otlp_exporters import OtlpSpanExporter
from reconciler.telemetry.otlp_http import OtlpHttpSender, Outcome
from tests.certs import self_signed
from tests.telemetry.otlp_receiver import otlp_receiver

BODY = b"\x0a\x00otlp-body"


@dataclass
class FakeTime:
    """A clock that only moves when the sender sleeps, so retry tests take no real time."""

    now: float = 100.0
    slept: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def send_once(settings: OtlpSettings, time: FakeTime | None = None) -> Outcome:
    """One export through a new sender, closed afterwards; on fake time when given."""
    sender = (
        OtlpHttpSender(settings)
        if time is None
        else OtlpHttpSender(settings, sleep=time.sleep, clock=time.clock, rand=lambda: 0.5)
    )
    try:
        return sender.send(BODY)
    finally:
        sender.close()


def settings_for(base: str, **environ: str) -> OtlpSettings:
    return otlp_settings("traces", {"OTEL_EXPORTER_OTLP_ENDPOINT": base, **environ})


def test_a_body_is_posted_with_the_configured_headers_and_gzip() -> None:
    with otlp_receiver() as (url, received):
        settings = settings_for(
            url, OTEL_EXPORTER_OTLP_HEADERS="api-key=k%20v", OTEL_EXPORTER_OTLP_COMPRESSION="gzip"
        )
        sender = OtlpHttpSender(settings)
        first, second = sender.send(BODY), sender.send(BODY + b"2")
        sender.close()
    assert (first.ok, first.status, first.attempts) == (True, 200, 1)
    assert second.ok
    assert received.bodies["/v1/traces"] == [BODY, BODY + b"2"]
    headers = received.headers[0]
    assert headers["api-key"] == "k v"
    assert headers["Content-Type"] == "application/x-protobuf"
    assert headers["Content-Encoding"] == "gzip"


def test_retry_after_is_honoured_then_backoff_grows() -> None:
    time = FakeTime()
    answers = [(503, {"Retry-After": "2"}), (429, {}), (502, {}), (200, {})]
    with otlp_receiver(answers) as (url, received):
        outcome = send_once(settings_for(url), time)
    assert (outcome.ok, outcome.attempts) == (True, 4)
    assert time.slept == [2.0, 0.25, 0.5]  # Retry-After, then half of 0.5 s and of 1 s
    assert received.bodies["/v1/traces"] == [BODY]


def test_an_answer_that_cannot_change_is_final() -> None:
    time = FakeTime()
    with otlp_receiver([(400, {})]) as (url, received):
        outcome = send_once(settings_for(url), time)
    assert (outcome.ok, outcome.status, outcome.attempts) == (False, 400, 1)
    assert time.slept == []
    assert received.requests() == 0


def test_retries_stop_at_the_export_timeout() -> None:
    time = FakeTime()
    answers = [(503, {})] * 50
    with otlp_receiver(answers) as (url, _received):
        settings = settings_for(url, OTEL_EXPORTER_OTLP_TIMEOUT="3000")
        outcome = send_once(settings, time)
    assert not outcome.ok
    assert outcome.status == 503
    assert sum(time.slept) < 3.0
    assert outcome.attempts == len(time.slept) + 1


def test_a_retry_after_beyond_the_timeout_is_not_waited_for() -> None:
    time = FakeTime()
    with otlp_receiver([(429, {"Retry-After": "60"})]) as (url, _received):
        outcome = send_once(settings_for(url), time)
    assert (outcome.ok, outcome.status, outcome.attempts, time.slept) == (False, 429, 1, [])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_no_collector_is_retried_then_reported_as_no_answer() -> None:
    time = FakeTime()
    settings = settings_for(f"http://127.0.0.1:{free_port()}", OTEL_EXPORTER_OTLP_TIMEOUT="2000")
    outcome = send_once(settings, time)
    assert (outcome.ok, outcome.status) == (False, None)
    assert outcome.attempts > 1
    assert "ConnectionRefusedError" in outcome.detail


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed(tmp_path_factory.mktemp("tls"))


def test_https_trusts_the_configured_certificate_only(certificate: tuple[Path, Path]) -> None:
    cert, _key = certificate
    with otlp_receiver(tls=certificate) as (url, received):
        trusted = settings_for(url, OTEL_EXPORTER_OTLP_CERTIFICATE=str(cert))
        assert send_once(trusted).ok
        time = FakeTime()
        untrusted = settings_for(url, OTEL_EXPORTER_OTLP_TIMEOUT="1000")
        refused = send_once(untrusted, time)
    assert received.bodies["/v1/traces"] == [BODY]
    assert (refused.ok, refused.status) == (False, None)
    assert "SSL" in refused.detail


def test_an_unreadable_certificate_file_fails_at_once(tmp_path: Path) -> None:
    time = FakeTime()
    settings = settings_for(
        "https://127.0.0.1:9", OTEL_EXPORTER_OTLP_CERTIFICATE=str(tmp_path / "missing.pem")
    )
    outcome = send_once(settings, time)
    assert (outcome.ok, outcome.attempts, time.slept) == (False, 1, [])
    assert "TLS files unusable" in outcome.detail


@pytest.fixture
def one_span() -> list[ReadableSpan]:
    return [ReadableSpan(name="x", context=SpanContext(1, 2, False), resource=Resource({}))]


def test_a_failed_span_export_is_logged_without_credentials(
    one_span: list[ReadableSpan], caplog: pytest.LogCaptureFixture
) -> None:
    secret = "token-6d1f0c"
    with otlp_receiver([(401, {})]) as (url, _received):
        base = url.replace("http://", f"http://user:{secret}@") + "/?key=" + secret
        settings = settings_for(base, OTEL_EXPORTER_OTLP_HEADERS=f"authorization=Bearer {secret}")
        exporter = OtlpSpanExporter(settings)
        with caplog.at_level(logging.WARNING):
            result = exporter.export(one_span)
        exporter.shutdown()
    assert result is SpanExportResult.FAILURE
    assert "1 spans not exported" in caplog.text
    assert "status 401" in caplog.text
    assert secret not in caplog.text
    assert exporter.export(one_span) is SpanExportResult.FAILURE  # after shutdown
