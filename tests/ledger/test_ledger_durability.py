"""Group commit as the CLI uses it: records are queued, committed and fsynced in groups, and the
ledger is checked before a command starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli.options import open_ledger
from reconciler.errors import LedgerError
from reconciler.ledger import Ledger, records, verify_file


def test_queued_records_are_durable_after_flush_and_chain_in_order(tmp_path: Path) -> None:
    """With a (long) commit interval, records wait in memory until `flush` commits them."""
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path, environ={}, commit_interval=60.0)
    for n in range(50):
        assert ledger.record(action="create", resource=f"R/{n}", outcome="ok") is None
    assert not path.exists() or verify_file(path).records == 0
    ledger.flush()
    assert verify_file(path).records == 50
    ledger.close()
    assert [r["resource"] for r in records(path)] == [f"R/{n}" for n in range(50)]


def test_an_open_ledger_notices_appends_by_others(tmp_path: Path) -> None:
    """A ledger holding the file open re-reads the head after another writer appended."""
    path = tmp_path / "ledger.jsonl"
    first = Ledger(path, environ={}, commit_interval=0.01)
    second = Ledger(path, environ={})
    first.record(action="plan", resource="a", outcome="planned")
    first.flush()
    second.record(action="plan", resource="b", outcome="planned")
    first.record(action="plan", resource="c", outcome="planned")
    first.close()
    result = verify_file(path)
    assert result.ok, result.problem
    assert [r["resource"] for r in records(path)] == ["a", "b", "c"]


def test_a_torn_line_left_by_another_process_stops_an_open_ledger(tmp_path: Path) -> None:
    """A tear that appears while a ledger is open is found before the next append."""
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path, environ={}, commit_interval=60.0)
    ledger.record(action="plan", resource="plan", outcome="planned")
    ledger.flush()
    with path.open("ab") as handle:
        handle.write(b'{"seq":')
    ledger.record(action="plan", resource="plan", outcome="planned")
    with pytest.raises(LedgerError):
        ledger.flush()
    ledger.close()


def test_open_ledger_refuses_a_torn_ledger_before_anything_runs(tmp_path: Path) -> None:
    """The CLI checks that the ledger can be appended to before a command starts working."""
    path = tmp_path / "ledger.jsonl"
    path.write_bytes(b'{"seq":1')
    with pytest.raises(LedgerError) as raised:
        open_ledger(path, False, manifest_paths=[str(tmp_path)])
    assert "incomplete record" in raised.value.message


def test_no_ledger_opens_nothing(tmp_path: Path) -> None:
    """--no-ledger gives a sink that writes no file."""
    sink = open_ledger(tmp_path / "ledger.jsonl", True, manifest_paths=[str(tmp_path)])
    sink.record(action="plan", resource="plan", outcome="planned")
    sink.close()
    assert not (tmp_path / "ledger.jsonl").exists()
