"""The ledger file: durable appends, redaction of what is written, no append after a tear."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reconciler.errors import LedgerError
from reconciler.ledger import (
    Ledger,
    NullLedger,
    RecordFilter,
    default_ledger_path,
    records,
    verify_file,
)
from reconciler.ledger.actor import collect_actor

NUMBER = "+14155550199"
SECRET = "sandbox-secret-0000"
CLOCK_TIME = datetime(2026, 12, 1, 9, 30, 0, 123456, tzinfo=UTC)


def make_ledger(path: Path, **environ: str) -> Ledger:
    return Ledger(
        path, target="sandbox", secrets=[SECRET], environ=environ, clock=lambda: CLOCK_TIME
    )


def test_records_are_appended_as_a_verifiable_chain(tmp_path: Path) -> None:
    """Records land one per line, chained, with the stamped time and default target."""
    path = tmp_path / ".gcbctl" / "ledger.jsonl"
    ledger = make_ledger(path)
    ledger.record(action="plan", resource="plan", outcome="planned", details={"create": 2})
    ledger.record(
        action="create",
        resource="ReservationBatch/b/cb_1",
        outcome="ok",
        latency_ms=12.3456789,
        correlation_id="c-1",
        after_hash="ab" * 32,
    )
    lines = path.read_bytes().splitlines()
    assert len(lines) == 2
    second = json.loads(lines[1])
    assert second["time"] == "2026-12-01T09:30:00.123Z"
    assert second["target"] == "sandbox"
    assert second["latency_ms"] == 12.346
    assert second["prev_hash"] == json.loads(lines[0])["hash"]
    assert verify_file(path).ok


def test_everything_written_is_redacted(tmp_path: Path) -> None:
    """Secrets, credentials and phone numbers given to `record` never reach the file."""
    path = tmp_path / "ledger.jsonl"
    ledger = make_ledger(path, GITHUB_ACTOR="octo", GITHUB_TOKEN=SECRET)
    ledger.record(
        action="error",
        resource=f"ReservationBatch/b/{NUMBER}",
        outcome="error",
        details={
            "message": f"400 for {NUMBER}: Authorization: Bearer tok-abcdef",
            "callback_number": NUMBER,
            "secret": SECRET,
            "echo": f"secret is {SECRET}",
        },
    )
    text = path.read_text(encoding="utf-8")
    assert NUMBER not in text
    assert "4155550199" not in text
    assert SECRET not in text
    assert "tok-abcdef" not in text
    assert "•••••••0199" in text
    record = json.loads(text)
    assert record["actor"]["GITHUB_ACTOR"] == "octo"
    assert "GITHUB_TOKEN" not in record["actor"]


def test_appending_after_a_torn_line_is_refused(tmp_path: Path) -> None:
    """A last line cut by a crash stops further appends with an error that says what to do."""
    path = tmp_path / "ledger.jsonl"
    ledger = make_ledger(path)
    ledger.record(action="plan", resource="plan", outcome="planned")
    with path.open("ab") as handle:
        handle.write(b'{"v":1,"seq":2,"ti')
    with pytest.raises(LedgerError) as raised:
        ledger.record(action="plan", resource="plan", outcome="planned")
    assert "incomplete record (line 2)" in raised.value.message
    assert raised.value.hint is not None
    assert "ledger verify" in raised.value.hint
    assert path.read_bytes().endswith(b'"ti')


def test_a_long_last_record_is_read_back_correctly(tmp_path: Path) -> None:
    """The chain head is found even when the last record is larger than one read chunk."""
    path = tmp_path / "ledger.jsonl"
    ledger = make_ledger(path)
    ledger.record(action="plan", resource="plan", outcome="planned", details={"x": "y" * 50_000})
    ledger.record(action="plan", resource="plan", outcome="planned")
    assert verify_file(path).records == 2


def test_missing_ledger_is_a_ledger_error(tmp_path: Path) -> None:
    """Verifying a ledger that does not exist is an error with a hint, not a traceback."""
    with pytest.raises(LedgerError) as raised:
        verify_file(tmp_path / "nope.jsonl")
    assert raised.value.hint


def test_null_ledger_records_nothing() -> None:
    """`--no-ledger` records nothing and returns nothing."""
    assert NullLedger().record(action="plan", resource="plan", outcome="planned") is None


def test_default_path_is_beside_the_manifests(tmp_path: Path) -> None:
    """The default ledger sits in `.gcbctl/` of the folder that holds the manifests."""
    folder = tmp_path / "manifests"
    (folder / "team").mkdir(parents=True)
    (folder / "team" / "a.yaml").write_text("")
    assert default_ledger_path([str(folder)], cwd=tmp_path) == folder / ".gcbctl" / "ledger.jsonl"
    assert default_ledger_path(["manifests/team/a.yaml", "manifests"], cwd=tmp_path) == (
        folder / ".gcbctl" / "ledger.jsonl"
    )
    assert default_ledger_path(["-"], cwd=tmp_path) == tmp_path / ".gcbctl" / "ledger.jsonl"


def test_actor_names_user_host_ci_run_and_tolerates_no_git(tmp_path: Path) -> None:
    """CI variables are kept, other variables ignored, and a folder outside Git has no commit."""
    actor = collect_actor(
        tmp_path, {"GITHUB_RUN_ID": "42", "CI_PIPELINE_ID": "7", "AWS_SECRET": "x"}
    )
    assert actor["GITHUB_RUN_ID"] == "42"
    assert actor["CI_PIPELINE_ID"] == "7"
    assert "AWS_SECRET" not in actor
    assert "git_commit" not in actor
    assert actor["host"]


def test_actor_has_the_git_commit_of_the_manifests() -> None:
    """Inside a Git work tree the actor carries the commit of HEAD."""
    actor = collect_actor(Path(__file__).parent, {})
    assert len(actor.get("git_commit", "")) == 40


def test_show_filters_by_action_resource_and_time(tmp_path: Path) -> None:
    """`records` selects by action, resource pattern or prefix, and time."""
    path = tmp_path / "ledger.jsonl"
    ledger = make_ledger(path)
    ledger.record(action="plan", resource="plan", outcome="planned")
    ledger.record(action="create", resource="ReservationBatch/b/cb_1", outcome="ok")
    ledger.record(action="cancel", resource="ReservationBatch/c/cb_2", outcome="ok")
    by_action = [r["seq"] for r in records(path, RecordFilter(actions=("create", "cancel")))]
    by_prefix = [r["seq"] for r in records(path, RecordFilter(resources=("ReservationBatch/b",)))]
    by_glob = [r["seq"] for r in records(path, RecordFilter(resources=("*/cb_2",)))]
    later = RecordFilter(since=datetime(2026, 12, 2, tzinfo=UTC))
    assert by_action == [2, 3]
    assert by_prefix == [2]
    assert by_glob == [3]
    assert list(records(path, later)) == []
