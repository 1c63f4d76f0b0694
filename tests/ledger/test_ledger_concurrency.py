"""Two gcbctl processes appending to one ledger at once take turns: no torn lines, one chain."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from pathlib import Path

from reconciler.ledger import verify_file

REPO = Path(__file__).resolve().parents[2]
PER_WRITER = 400

WRITER = """
import sys, time
from pathlib import Path
from reconciler.ledger import Ledger

path, name, start_at, count = Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
# One writer commits in groups as the CLI does, the other seals and fsyncs each record inline.
ledger = Ledger(path, target="sandbox", environ={}, commit_interval=0.02 if name == "a" else None)
time.sleep(max(0.0, start_at - time.time()))
for n in range(count):
    ledger.record(action="create", resource=f"ReservationBatch/{name}/cb_{n}", outcome="ok",
                  details={"writer": name, "n": n, "pad": "x" * 2000})
ledger.close()
"""


def test_two_processes_appending_at_once_keep_the_chain_whole(tmp_path: Path) -> None:
    """Both writers' records all land, interleaved, as complete lines in one intact chain."""
    path = tmp_path / "ledger.jsonl"
    start_at = f"{time.time() + 1.0:.3f}"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, start_at, str(PER_WRITER)],
            cwd=REPO,
        )
        for name in ("a", "b")
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    result = verify_file(path)
    assert result.ok, result.problem
    assert result.records == 2 * PER_WRITER
    order = [json.loads(line)["details"]["writer"] for line in path.read_bytes().splitlines()]
    switches = sum(1 for before, after in itertools.pairwise(order) if before != after)
    assert switches > 1, "the writers never ran at the same time"
    for name in ("a", "b"):
        numbers = [
            json.loads(line)["details"]["n"]
            for line in path.read_bytes().splitlines()
            if json.loads(line)["details"]["writer"] == name
        ]
        assert numbers == list(range(PER_WRITER))
