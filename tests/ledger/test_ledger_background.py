"""The background writer: records queue without waiting for fsync, land in order, errors surface."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.cli.options import open_ledger
from reconciler.errors import LedgerError
from reconciler.ledger import Ledger, records, verify_file


def test_background_records_land_in_order_as_one_chain(tmp_path: Path) -> None:
    """Queued records are all written, in submission order, and the chain verifies."""
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path, environ={}, background=True)
    for n in range(300):
        assert ledger.record(action="create", resource=f"R/{n}", outcome="ok") is None
    ledger.close()
    assert verify_file(path).records == 300
    assert [r["resource"] for r in records(path)] == [f"R/{n}" for n in range(300)]


def test_a_writer_error_surfaces_on_flush(tmp_path: Path) -> None:
    """A record that cannot be written raises a LedgerError from the next flush."""
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path, environ={}, background=True)
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
