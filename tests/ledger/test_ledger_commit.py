"""Group commit: queued records land in order, in groups, on time, and failures are reported."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from reconciler.errors import LedgerError
from reconciler.ledger import Ledger, records, verify_file
from reconciler.ledger.commit import MAX_GROUP


def commit_threads() -> int:
    return sum(1 for thread in threading.enumerate() if thread.name == "gcbctl-ledger-commit")


def wait_for(path: Path, count: int, within: float) -> int:
    deadline = time.monotonic() + within
    seen = 0
    while time.monotonic() < deadline:
        seen = verify_file(path).records if path.exists() else 0
        if seen >= count:
            break
        time.sleep(0.01)
    return seen


def test_records_are_committed_within_the_interval_without_a_flush(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path, environ={}, commit_interval=0.05)
    for n in range(20):
        ledger.record(action="create", resource=f"R/{n}", outcome="ok")
    assert wait_for(path, 20, within=5.0) == 20
    ledger.close()
    assert [r["resource"] for r in records(path)] == [f"R/{n}" for n in range(20)]


def test_a_full_group_is_committed_at_once_whatever_the_interval(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path, environ={}, commit_interval=3600.0)
    for n in range(MAX_GROUP):
        ledger.record(action="create", resource=f"R/{n}", outcome="ok")
    assert wait_for(path, MAX_GROUP, within=10.0) == MAX_GROUP
    ledger.close()


def test_records_share_fsyncs_when_they_come_faster_than_the_interval(tmp_path: Path) -> None:
    """A burst becomes a few groups: each group is one write, so the file grows in few steps."""
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path, environ={}, commit_interval=0.05)
    sizes: set[int] = set()
    for n in range(200):
        ledger.record(action="create", resource=f"R/{n}", outcome="ok")
        sizes.add(path.stat().st_size if path.exists() else 0)
    ledger.close()
    assert verify_file(path).records == 200
    assert len(sizes) < 50, "records were written one by one"


def test_close_ends_the_commit_thread_and_a_later_record_starts_one(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    before = commit_threads()
    ledger = Ledger(path, environ={}, commit_interval=0.02)
    ledger.record(action="plan", resource="a", outcome="planned")
    assert commit_threads() == before + 1
    ledger.close()
    assert commit_threads() == before
    ledger.record(action="plan", resource="b", outcome="planned")
    ledger.close()
    assert commit_threads() == before
    assert verify_file(path).records == 2


def test_a_group_that_cannot_be_written_fails_the_next_flush(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    ledger = Ledger(blocker / "ledger.jsonl", environ={}, commit_interval=0.02)
    ledger.record(action="plan", resource="plan", outcome="planned")
    with pytest.raises(LedgerError) as raised:
        ledger.flush()
    assert "cannot write the ledger" in raised.value.message
    ledger.close()  # the failure was reported once; nothing else is pending


def test_concurrent_recorders_lose_nothing(tmp_path: Path) -> None:
    """Threads recording at once (as a watcher's handlers might) all land in one whole chain."""
    path = tmp_path / "ledger.jsonl"
    ledger = Ledger(path, environ={}, commit_interval=0.01)

    def worker(name: str) -> None:
        for n in range(100):
            ledger.record(action="create", resource=f"{name}/{n}", outcome="ok")

    threads = [threading.Thread(target=worker, args=(f"t{k}",)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ledger.close()
    result = verify_file(path)
    assert result.ok, result.problem
    assert result.records == 400
