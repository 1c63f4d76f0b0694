"""Large manifests for kill/resume tests: N reservations, each in one exact 15-minute slot."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

DAYS = (
    date(2026, 12, 2),
    date(2026, 12, 3),
    date(2026, 12, 4),
    date(2026, 12, 7),
    date(2026, 12, 8),
    date(2026, 12, 9),
    date(2026, 12, 10),
    date(2026, 12, 11),
)
PER_SLOT = 10  # Tech Support's concurrency limit
SLOTS_PER_DAY = 40  # 08:00-18:00 New York, 15-minute slots

MANIFEST = """apiVersion: gcbctl.io/v1
kind: QueueCapacity
metadata: {name: tech-support}
spec:
  queue: {id: queue_12345}
---
apiVersion: gcbctl.io/v1
kind: ReservationBatch
metadata: {name: bulk}
spec:
  queue: tech-support
  prune: true
  reservationsFrom: {csv: bulk.csv}
"""


def write_bulk(folder: Path, count: int) -> Path:
    """A folder with one QueueCapacity, one pruned batch and `count` CSV rows."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bulk.yaml").write_text(MANIFEST)
    with (folder / "bulk.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["callbackId", "callbackNumber", "reason", "start", "end"])
        for n in range(count):
            slot = n // PER_SLOT
            day = DAYS[slot // SLOTS_PER_DAY]
            start = timedelta(hours=8, minutes=15 * (slot % SLOTS_PER_DAY))
            begin = f"{day}T{_hhmm(start)}"
            end = f"{day}T{_hhmm(start + timedelta(minutes=15))}"
            out.writerow([f"cb_bulk_{n:05d}", f"+1415555{n:04d}", "bulk", begin, end])
    return folder


def _hhmm(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
