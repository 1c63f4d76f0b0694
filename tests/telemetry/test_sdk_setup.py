"""SDK set-up: nothing exported unless asked, console spans as JSON lines, no leaks in spans."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from reconciler.cli.options import command_run, open_ledger
from reconciler.errors import ApiError, ApiErrorBody, RefusedError
from reconciler.ledger import Ledger
from reconciler.telemetry import step, use_providers
from reconciler.telemetry.sdk import TraceMode, configure, resolve_mode
from tests.telemetry.conftest import Captured

NUMBER = "+14155550199"


@pytest.mark.parametrize(
    ("flag", "environ", "mode"),
    [
        (None, {}, TraceMode.NONE),
        ("console", {"OTEL_TRACES_EXPORTER": "otlp"}, TraceMode.CONSOLE),
        (None, {"OTEL_TRACES_EXPORTER": "otlp"}, TraceMode.OTLP),
        (None, {"OTEL_TRACES_EXPORTER": "console"}, TraceMode.CONSOLE),
        (None, {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, TraceMode.OTLP),
        (None, {"OTEL_SDK_DISABLED": "true", "OTEL_TRACES_EXPORTER": "otlp"}, TraceMode.NONE),
        ("none", {"OTEL_TRACES_EXPORTER": "otlp"}, TraceMode.NONE),
    ],
)
def test_trace_mode_comes_from_the_flag_then_the_environment(
    flag: str | None, environ: dict[str, str], mode: TraceMode
) -> None:
    """`--trace` wins over OTEL_* variables, and without either nothing is exported."""
    assert resolve_mode(flag, environ) is mode


def test_console_mode_prints_one_json_span_per_line() -> None:
    """`--trace console` writes each span as one JSON object on its own line, named gcbctl."""
    stream = io.StringIO()
    setup = configure(TraceMode.CONSOLE, environ={}, stream=stream)
    with (
        use_providers(setup.tracer_provider, setup.meter_provider),
        step("outer"),
        step("inner", {"gcbctl.resource": "Webhook/calendar"}),
    ):
        pass
    setup.shutdown()
    spans = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [span["name"] for span in spans] == ["inner", "outer"]
    assert spans[0]["resource"]["attributes"]["service.name"] == "gcbctl"
    assert spans[0]["attributes"] == {"gcbctl.resource": "Webhook/calendar"}


def test_service_name_follows_otel_service_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """OTEL_SERVICE_NAME names the service when it is set."""
    monkeypatch.setenv("OTEL_SERVICE_NAME", "callbacks-ci")
    setup = configure(TraceMode.NONE, environ={}, stream=io.StringIO())
    assert setup.tracer_provider.resource.attributes["service.name"] == "callbacks-ci"
    setup.shutdown()


def test_a_failed_step_keeps_numbers_and_secrets_out_of_the_span(captured: Captured) -> None:
    """An error's message is redacted before it becomes the span's status and exception event."""
    body = ApiErrorBody(status=400, message=f"bad number {NUMBER}")
    with pytest.raises(ApiError), step("apply", {"gcbctl.note": f"for {NUMBER}"}):
        raise ApiError(f"POST /api/v2/callbacks failed: {NUMBER} Bearer abcdef123", body)
    (span,) = captured.finished()
    dumped = span.to_json()
    assert "4155550199" not in dumped
    assert "abcdef123" not in dumped
    assert "•••••••0199" in json.loads(dumped)["attributes"]["gcbctl.note"]
    assert span.status.description is not None
    assert span.status.description.startswith("ApiError")


def test_command_run_records_refusals_in_the_ledger(tmp_path: Path) -> None:
    """A refusal inside a command run lands in the ledger with its hint, then propagates."""
    ledger = open_ledger(tmp_path / "l.jsonl", False, manifest_paths=[str(tmp_path)])
    with pytest.raises(RefusedError), command_run("apply", trace="none", ledger=ledger):
        raise RefusedError(f"stale plan for {NUMBER}", hint="re-run plan")
    (line,) = (tmp_path / "l.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert (record["action"], record["outcome"], record["resource"]) == (
        "refuse",
        "refused",
        "apply",
    )
    assert record["details"]["hint"] == "re-run plan"
    assert NUMBER not in line
    assert len(record["trace_id"]) == 32


def test_quiet_runs_still_share_one_trace_between_ledger_and_platform(tmp_path: Path) -> None:
    """Without exporting, the traceparent sent and the ledger's trace id name the same trace."""
    ledger = Ledger(tmp_path / "l.jsonl", environ={})
    with command_run("plan", trace="none", ledger=ledger) as run:
        sent = run.api.traceparent()
        record = ledger.record(action="plan", resource="plan", outcome="planned")
    assert record is not None
    assert sent.split("-")[1] == record["trace_id"]


def test_command_run_records_errors_and_closes_the_ledger(tmp_path: Path) -> None:
    """An error is recorded with its exit code, and the background ledger is flushed on exit."""
    ledger = Ledger(tmp_path / "l.jsonl", environ={}, commit_interval=60.0)
    body = ApiErrorBody(status=500, context_id="ctx-9")
    with pytest.raises(ApiError), command_run("apply", trace="none", ledger=ledger):
        raise ApiError(f"POST /api/v2/callbacks failed for {NUMBER}: 500", body)
    (line,) = (tmp_path / "l.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert (record["action"], record["outcome"]) == ("error", "error")
    assert record["details"]["exit_code"] == 1
    assert "•••••••0199" in record["details"]["message"]
