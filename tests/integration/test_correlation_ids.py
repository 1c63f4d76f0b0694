"""The platform's correlation id of every applied action reaches the ledger and the JSON report."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx

from reconciler.sandbox.testing import Sandbox
from tests.integration.conftest import CLOCK, Workspace


def is_uuid(text: object) -> bool:
    try:
        uuid.UUID(str(text))
    except ValueError:
        return False
    return True


def test_every_answer_and_error_body_carry_one_correlation_id(world: Sandbox) -> None:
    """As on Genesys Cloud: `ININ-Correlation-Id` on every answer, equal to an error's contextId."""
    headers = {"Authorization": f"Bearer {world.token()}"}
    with httpx.Client(base_url=world.base_url, headers=headers, timeout=10) as http:
        listing = http.get("/api/v2/callbacks")
        missing = http.get("/api/v2/callbacks/no-such-callback")
    assert is_uuid(listing.headers["inin-correlation-id"])
    assert missing.status_code == 404
    assert missing.headers["inin-correlation-id"] == missing.json()["contextId"]
    assert listing.headers["inin-correlation-id"] != missing.headers["inin-correlation-id"]


def test_ledger_and_json_report_name_each_actions_correlation_id(
    workspace: Workspace, tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    # Creating one reservation fails on the platform; its record names the error's id.
    workspace.world.fault_http(method="POST", path="/api/v2/callbacks*", status=400, times=1)
    result = workspace.run(
        "apply",
        str(workspace.manifests),
        "--auto-approve",
        "--now",
        CLOCK,
        "--target",
        workspace.world.base_url,
        "--ledger",
        str(ledger),
        "--output",
        "json",
    )
    assert result.code == 1, result.err
    report = json.loads(result.out)
    records = [json.loads(line) for line in ledger.read_text(encoding="utf-8").splitlines()]
    applied = [r for r in records if r["action"] not in ("plan", "error", "refuse")]
    assert len(applied) == len(report["results"]) > 40
    assert all(is_uuid(r["correlation_id"]) for r in applied)
    assert len({r["correlation_id"] for r in applied}) == len(applied)
    failed = [r for r in applied if r["outcome"] == "failed"]
    assert len(failed) == 1
    by_address = {r["address"]: r for r in report["results"]}
    for record in applied:
        assert by_address[record["resource"]]["correlation_id"] == record["correlation_id"]
