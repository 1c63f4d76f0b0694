"""validate -> plan -> apply -> failures and refusals against the sandbox: no secret and no full
phone number in stdout, stderr, exported spans, saved plans or the ledger."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from reconciler.sandbox.testing import Sandbox, running_sandbox
from tests.conftest import CliResult
from tests.telemetry.otlp_receiver import otlp_receiver

Run = Callable[..., CliResult]

NOW = "2026-12-01T00:00:00Z"
CLIENT_SECRET = "sandbox-secret-0000"
WEBHOOK_SECRET = "whsec-Zq81-calendar-7731"
NUMBERS = ("+14155550142", "+14155550177", "+14155550123")
BAD_NUMBER = "+1415555019"

MANIFESTS = """\
apiVersion: gcbctl.io/v1
kind: QueueCapacity
metadata: {name: tech-support}
spec:
  queue: {id: queue_12345}
  concurrencyLimit: 10
---
apiVersion: gcbctl.io/v1
kind: Webhook
metadata: {name: calendar-sync}
spec:
  url: https://calendar.example.com/hooks/genesys
  contentType: application/json
  enabled: true
  events: [reservation.created]
  secret: {fromEnv: CALENDAR_WEBHOOK_SECRET}
---
apiVersion: gcbctl.io/v1
kind: ReservationBatch
metadata: {name: leak-check}
spec:
  queue: tech-support
  prune: true
  defaults:
    channelPreferences: {primary: voice, fallback: sms, allowSms: true}
    reason: Escalation
  reservations:
"""


def reservation(callback_id: str, number: str, day: int) -> str:
    return (
        f"    - callbackId: {callback_id}\n"
        f'      callbackNumber: "{number}"\n'
        f'      timeSlots: [{{start: "2026-12-{day:02d}T09:00", end: "2026-12-{day:02d}T12:00"}}]\n'
    )


def forbidden() -> list[str]:
    """Every string that must never appear: secrets, credentials, and each number's digits."""
    words = [CLIENT_SECRET, WEBHOOK_SECRET, "c2FuZGJveC1zZWNyZXQtMDAwMA"]
    for number in (*NUMBERS, BAD_NUMBER):
        digits = number.lstrip("+")
        words += [number, digits, digits[1:], f"{digits[1:4]}-{digits[4:7]}-{digits[7:]}"]
    return words


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with running_sandbox(clock=NOW, rate_limit=100_000) as running:
        yield running


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox) -> Path:
    """Manifests in a folder, the target and secrets in the environment, cwd in the folder."""
    (tmp_path / "manifests").mkdir()
    body = MANIFESTS + "".join(
        reservation(f"cb_leak_{n}", number, 14 + n) for n, number in enumerate(NUMBERS[:2])
    )
    (tmp_path / "manifests" / "all.yaml").write_text(body, encoding="utf-8")
    monkeypatch.setenv("GENESYS_HOSTNAME", sandbox.base_url)
    monkeypatch.setenv("GENESYS_CLIENT_ID", sandbox.client_id)
    monkeypatch.setenv("GENESYS_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("CALENDAR_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def live_id(sandbox: Sandbox, callback_id: str) -> str:
    """The platform id of the callback with this `callbackId`."""
    response = httpx.get(
        f"{sandbox.base_url}/api/v2/callbacks",
        params={"callback_id": callback_id},
        headers={"Authorization": f"Bearer {sandbox.token()}"},
        timeout=10,
    )
    return str(response.json()["entities"][0]["id"])


def add_reservation(workdir: Path, callback_id: str, number: str, day: int) -> None:
    path = workdir / "manifests" / "all.yaml"
    path.write_text(path.read_text(encoding="utf-8") + reservation(callback_id, number, day))


def test_no_secret_or_number_leaks_anywhere(gcbctl: Run, workdir: Path, sandbox: Sandbox) -> None:
    """Every output of a full run, errors included, is free of secrets and full numbers."""
    outputs: list[str] = []

    def run(*args: str) -> CliResult:
        result = gcbctl(*args)
        outputs.extend([result.out, result.err])
        return result

    trace = ("--trace", "console")
    assert run("validate", "manifests", "--now", NOW, *trace).code == 0
    for output in ("text", "json", "markdown"):
        assert run("plan", "manifests", "--now", NOW, "--output", output, *trace).code == 0
    assert run("plan", "manifests", "--now", NOW, "--out", "plan.json", *trace).code == 0
    applied = run("apply", "plan.json", "--auto-approve", "--now", NOW, *trace)
    assert applied.code == 0, applied.err

    # An API failure: every create of a third reservation fails on the platform.
    add_reservation(workdir, "cb_leak_2", NUMBERS[2], 17)
    # Its spans go over OTLP to a receiver on 127.0.0.1, as the OTEL_* variables say.
    sandbox.fault_http(method="POST", path="/api/v2/callbacks*", status=500, times=100)
    with otlp_receiver() as (endpoint, received):
        with pytest.MonkeyPatch.context() as env:
            env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
            failed = run("apply", "manifests", "--auto-approve", "--now", NOW)
        exported = received.raw("/v1/traces") + received.raw("/v1/metrics")
    assert failed.code == 1
    assert "POST /api/v2/callbacks" in received.span_names()
    sandbox.clear_faults()

    # A refusal: the saved plan went stale because the platform changed since.
    assert run("plan", "manifests", "--now", NOW, "--out", "stale.json").code == 0
    sandbox.ui_patch_callback(live_id(sandbox, "cb_leak_0"), reason="changed by hand")
    refused = run("apply", "stale.json", "--auto-approve", *trace)
    assert refused.code == 4

    # Invalid manifests: a number that is not a valid E.164 number.
    add_reservation(workdir, "cb_leak_bad", BAD_NUMBER, 18)
    assert run("validate", "manifests", "--now", NOW, *trace).code == 3
    assert run("plan", "manifests", "--now", NOW, *trace).code == 3

    ledger = workdir / "manifests" / ".gcbctl" / "ledger.jsonl"
    records = [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines()]
    actions = {(r["action"], r["outcome"]) for r in records}
    assert ("plan", "planned") in actions
    assert ("refuse", "refused") in actions
    assert ("error", "error") in actions
    assert any(r["outcome"] == "failed" for r in records)
    assert gcbctl("ledger", "verify", str(ledger)).code == 0

    spans = [line for text in outputs for line in text.splitlines() if '"trace_id"' in line]
    assert any('"GET /api/v2/callbacks"' in line for line in spans)

    everything = "\n".join(
        [
            *outputs,
            ledger.read_text(encoding="utf-8"),
            (workdir / "plan.json").read_text(encoding="utf-8"),
            (workdir / "stale.json").read_text(encoding="utf-8"),
            exported.decode("utf-8", errors="replace"),
        ]
    )
    leaks = [word for word in forbidden() if word in everything]
    assert leaks == []
    assert "•••••••0142" in everything
