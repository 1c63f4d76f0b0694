"""Ordering moves so that no step meets a slot that is only freed later in the same phase."""

from __future__ import annotations

from reconciler.core.actions import ActionType
from reconciler.core.live import LiveState
from reconciler.core.model import ReservationBatch
from reconciler.core.planner import Phase, make_plan
from tests.core.planner.factories import (
    NOW,
    batch,
    live_queue,
    manifests,
    ny,
    reservation,
    state,
    window,
)
from tests.core.planner.simulate import apply_plan

QUEUE = live_queue(limit=1)


def booked(first: ReservationBatch) -> LiveState:
    empty = state(queues=[QUEUE])
    return apply_plan(make_plan(manifests([first]), empty, now=NOW), empty)


def test_chain_of_moves_runs_in_waves() -> None:
    """A moves into B's slot, B into a free one: B's move runs in an earlier wave than A's."""
    live = booked(
        batch("b", [reservation("a", window(ny(15, 9))), reservation("b", window(ny(15, 10)))])
    )
    moved = manifests(
        [batch("b", [reservation("a", window(ny(15, 10))), reservation("b", window(ny(15, 11)))])]
    )
    plan = make_plan(moved, live, now=NOW)
    phases = {a.address.rsplit("/", 1)[1]: a.phase for a in plan.actions}
    assert phases == {"b": Phase.RESCHEDULE, "a": Phase.RESCHEDULE + 1}
    assert make_plan(moved, apply_plan(plan, live), now=NOW).actions == ()


def test_swap_between_full_slots_cancels_and_rebooks_one() -> None:
    """Two callbacks swapping full slots: one is canceled first and booked again last."""
    live = booked(
        batch("b", [reservation("a", window(ny(15, 9))), reservation("b", window(ny(15, 10)))])
    )
    swapped = manifests(
        [batch("b", [reservation("a", window(ny(15, 10))), reservation("b", window(ny(15, 9)))])]
    )
    plan = make_plan(swapped, live, now=NOW)
    steps = [(a.type, a.address.rsplit("/", 1)[1], a.phase) for a in plan.actions]
    assert steps == [
        (ActionType.CANCEL, "b", Phase.CANCELS),
        (ActionType.RESCHEDULE, "a", Phase.RESCHEDULE),
        (ActionType.CREATE, "b", Phase.CREATES),
    ]
    assert make_plan(swapped, apply_plan(plan, live), now=NOW).actions == ()
