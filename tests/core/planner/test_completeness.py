"""Completeness at plan level: every reservation is placed whenever some placement exists."""

from __future__ import annotations

from collections import Counter
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.core.live import LiveState
from reconciler.core.model import ManifestSet
from reconciler.core.planner import make_plan
from reconciler.core.planner.slots import QueueSlots
from reconciler.core.planner.targets import resolve_targets
from tests.core.planner.factories import (
    NOW,
    batch,
    foreign,
    live_queue,
    manifests,
    ny,
    reservation,
    state,
    window,
)

OURS = {"gcbctl.io/managed-by": "gcbctl", "gcbctl.io/owner": "ReservationBatch/b"}
HOURS = [(14, 9, 0), (14, 9, 15), (14, 9, 30), (14, 9, 45)]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[ManifestSet, LiveState]:
    items = []
    for i in range(draw(st.integers(1, 5))):
        starts = draw(st.lists(st.sampled_from(HOURS), min_size=1, max_size=3))
        windows = [window(ny(*start), draw(st.sampled_from([15, 30]))) for start in starts]
        items.append(reservation(f"r{i}", *windows))
    taken = draw(st.lists(st.sampled_from(HOURS), max_size=3))
    others = [foreign(f"x{n}", ny(*at)) for n, at in enumerate(taken)]
    for item in items:  # some reservations are already booked by gcbctl, somewhere in a window
        if draw(st.booleans()):
            at = draw(st.sampled_from([w.start for w in item.time_slots]))
            own = foreign(f"own-{item.callback_id}", at, callback_id=item.callback_id, labels=OURS)
            others.append(own)
    queue = live_queue(limit=draw(st.integers(1, 2)))
    return manifests([batch("b", items)]), state(*others, queues=[queue])


def _placeable(desired: ManifestSet, live: LiveState) -> bool:
    """Whether any assignment places every reservation, by trying them all."""
    targets, _ = resolve_targets(desired, live.queues)
    target = targets["tech-support"]
    slots = QueueSlots(target.calendar, NOW)
    used = Counter(c.callback_time for c in live.callbacks if not c.labels)
    options = [
        [slot for slot, _ in slots.open_slots(slots.spans(r.time_slots))]
        for r in desired.batches[0].reservations
    ]
    for pick in product(*options):
        load = Counter(pick)
        if all(used[slot] + n <= target.limit for slot, n in load.items()):
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(worlds())
def test_plan_places_everything_whenever_possible(world: tuple[ManifestSet, LiveState]) -> None:
    """No reservation is reported unplaceable when a complete placement exists, and vice versa."""
    desired, live = world
    plan = make_plan(desired, live, now=NOW)
    unplaced = [p for p in plan.problems if p.code == "timeslot.unplaceable"]
    assert (not unplaced) == _placeable(desired, live)
