"""The plan from real manifest files does not depend on file, document or key order."""

from __future__ import annotations

import json
from pathlib import Path

from reconciler.core.planner import make_plan
from reconciler.core.render import render_json
from reconciler.manifests import load
from tests.core.planner.factories import NOW, foreign, live_queue, ny, state

QUEUE = """apiVersion: gcbctl.io/v1
kind: QueueCapacity
metadata: {name: tech-support}
spec: {queue: {id: queue_12345}, concurrencyLimit: 1}
"""
BATCH = """apiVersion: gcbctl.io/v1
kind: ReservationBatch
metadata: {name: %(name)s}
spec:
  queue: tech-support
  reservations:
%(items)s"""
ITEM = """    - callbackId: %(cid)s
      callbackNumber: "+14155550199"
      reason: Follow-up
      timeSlots:
        - {start: "2026-12-15T14:00:00-05:00", end: "2026-12-15T14:30:00-05:00"}
"""
ITEM_KEYS_SWAPPED = """    - timeSlots:
        - {end: "2026-12-15T14:30:00-05:00", start: "2026-12-15T14:00:00-05:00"}
      reason: Follow-up
      callbackNumber: "+14155550199"
      callbackId: %(cid)s
"""


def _write(folder: Path, *, swapped: bool) -> list[str]:
    item = ITEM_KEYS_SWAPPED if swapped else ITEM
    first = BATCH % {"name": "a", "items": "".join(item % {"cid": c} for c in ("x1", "x2"))}
    second = BATCH % {"name": "b", "items": item % {"cid": "x3"}}
    docs = [QUEUE, first, second]
    if swapped:
        docs.reverse()
    folder.mkdir()
    (folder / "one.yaml").write_text("---\n".join(docs[:2]), encoding="utf-8")
    (folder / "two.yaml").write_text(docs[2], encoding="utf-8")
    names = [str(folder / "one.yaml"), str(folder / "two.yaml")]
    return names[::-1] if swapped else names


def test_plan_is_the_same_whatever_the_file_document_and_key_order(tmp_path: Path) -> None:
    """Two layouts of the same manifests, read in different orders, give identical plans."""
    live = state(foreign("hand", ny(15, 14, 15)), queues=[live_queue(limit=1)])
    plans = []
    for swapped in (False, True):
        loaded = load(_write(tmp_path / str(swapped), swapped=swapped))
        assert [p for p in loaded.problems if p.is_error] == []
        data = render_json(make_plan(loaded.manifests, live, now=NOW))
        problems = sorted((p["code"], p["message"], p["path"]) for p in data.pop("problems"))
        plans.append((json.dumps(data), problems))
    assert plans[0] == plans[1]
    data = json.loads(plans[0][0])
    assert [a["address"] for a in data["actions"]] == ["ReservationBatch/a/x1"]
    assert [p[1].split(":")[0] for p in plans[0][1]] == [
        "ReservationBatch/a/x2",
        "ReservationBatch/b/x3",
    ]
