"""Slot assignment through `make_plan`: preferences, capacity, stickiness, completeness, time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, timedelta

from reconciler.core.actions import ActionType, DesiredCallback
from reconciler.core.live import CallbackStatus
from reconciler.core.model import OperatingWindow, Weekday
from reconciler.core.planner import Phase, Plan, make_plan
from tests.core.planner.factories import (
    NOW,
    batch,
    capacity,
    foreign,
    live_queue,
    manifests,
    ny,
    reservation,
    state,
    window,
)
from tests.core.planner.simulate import apply_plan


def slots(plan: Plan) -> dict[str, str]:
    """callback id -> booked slot as New York wall-clock HH:MM, for every create/reschedule."""
    out = {}
    for action in plan.actions:
        if isinstance(action.desired, DesiredCallback):
            local = action.desired.slot_start.astimezone(ny(1, 0).tzinfo)
            out[action.desired.callback_id] = local.strftime("%d %H:%M")
    return out


def codes(plan: Plan) -> list[str]:
    return [p.code for p in plan.problems]


def test_first_window_and_earliest_slot_are_preferred() -> None:
    """With room everywhere the callback takes the first slot of its first window."""
    res = reservation("a", window(ny(15, 14), 60), window(ny(14, 9), 60))
    plan = make_plan(manifests([batch("b", [res])]), state(), now=NOW)
    assert slots(plan) == {"a": "15 14:00"}


def test_full_slot_counts_foreign_callbacks() -> None:
    """Callbacks gcbctl does not own fill a slot just like its own."""
    queue = live_queue(limit=2)
    full = [foreign(f"x{i}", ny(15, 14)) for i in range(2)]
    res = reservation("a", window(ny(15, 14), 30))
    plan = make_plan(manifests([batch("b", [res])]), state(*full, queues=[queue]), now=NOW)
    assert slots(plan) == {"a": "15 14:15"}


def test_matching_places_what_first_come_first_served_cannot() -> None:
    """A takes the one slot B can use under FCFS; the complete assignment moves A instead."""
    flexible = reservation("a", window(ny(15, 14)), window(ny(15, 15)))
    fixed = reservation("b", window(ny(15, 14)))
    queue = live_queue(limit=1)
    plan = make_plan(manifests([batch("x", [flexible, fixed])]), state(queues=[queue]), now=NOW)
    assert codes(plan) == []
    assert slots(plan) == {"a": "15 15:00", "b": "15 14:00"}


def test_booked_callback_keeps_an_acceptable_slot() -> None:
    """Sticky: a later but acceptable booked slot is kept even when an earlier one is free."""
    first = make_plan(
        manifests([batch("b", [reservation("a", window(ny(15, 14), 60))])]), state(), now=NOW
    )
    live = apply_plan(first, state())
    moved = [replace(c, callback_time=ny(15, 14, 45).astimezone(UTC)) for c in live.callbacks]
    again = make_plan(
        manifests([batch("b", [reservation("a", window(ny(15, 14), 60))])]),
        state(*moved),
        now=NOW,
    )
    assert [a.type for a in again.actions] == [ActionType.UPDATE]
    assert again.actions[0].drift
    assert [c.path for c in again.actions[0].changes] == ["labels.gcbctl.io/spec-hash"]


def test_booked_callback_moves_only_when_another_needs_its_slot() -> None:
    """The full matching moves a sticky callback when that is the one way to place a new one."""
    queue = live_queue(limit=1)
    old = reservation("a", window(ny(15, 14)), window(ny(15, 15)))
    first = make_plan(manifests([batch("b", [old])]), state(queues=[queue]), now=NOW)
    live = apply_plan(first, state(queues=[queue]))
    both = manifests([batch("b", [old, reservation("c", window(ny(15, 14)))])])
    plan = make_plan(both, live, now=NOW)
    assert codes(plan) == []
    kinds = {a.address.rsplit("/", 1)[1]: (a.type, a.phase) for a in plan.actions}
    assert kinds == {
        "a": (ActionType.RESCHEDULE, Phase.RESCHEDULE),
        "c": (ActionType.CREATE, Phase.CREATES),
    }
    assert slots(plan) == {"a": "15 15:00", "c": "15 14:00"}
    assert make_plan(both, apply_plan(plan, live), now=NOW).actions == ()


def test_unplaceable_reservation_names_full_and_closed_slots() -> None:
    """No room anywhere: an error that says which slots were full and which were closed."""
    queue = live_queue(limit=1)
    res = reservation("a", window(ny(15, 17, 45), 30), window(ny(25, 10)))
    plan = make_plan(
        manifests([batch("b", [res])]), state(foreign("x", ny(15, 17, 45)), queues=[queue]), now=NOW
    )
    assert codes(plan) == ["timeslot.unplaceable"]
    message = plan.problems[0].message
    assert "2026-12-15T17:45:00-05:00 full (1/1)" in message
    assert "2026-12-15T18:00:00-05:00 outside-operating-hours" in message
    assert "2026-12-25T10:00:00-05:00 holiday" in message
    assert plan.actions == ()


def test_window_off_the_grid_offers_no_slot() -> None:
    """A window too short for any grid slot cannot be placed, and the error says why."""
    res = reservation("a", window(ny(15, 14, 5), 15))
    plan = make_plan(manifests([batch("b", [res])]), state(), now=NOW)
    assert codes(plan) == ["timeslot.unplaceable"]
    assert "no 15-minute grid slot" in plan.problems[0].message


def test_reservation_in_the_past_is_an_error_only_when_it_must_be_created() -> None:
    """All windows passed: an error if missing, left alone if the platform has it in any status."""
    res = reservation("a", window(ny(15, 14)))
    later = ny(16, 9).astimezone(UTC)
    missing = make_plan(manifests([batch("b", [res])]), state(), now=later)
    assert codes(missing) == ["timeslot.past"]
    for status in CallbackStatus:
        had = state(foreign("a", ny(15, 14), status=status))
        plan = make_plan(manifests([batch("b", [res])]), had, now=later)
        assert (plan.actions, codes(plan)) == ((), []), status
        assert "all windows have passed" in plan.noops[-1].reason


def test_partly_past_window_offers_only_future_slots() -> None:
    """A window that has begun offers only slots that start after now."""
    res = reservation("a", window(ny(15, 14), 60))
    plan = make_plan(manifests([batch("b", [res])]), state(), now=ny(15, 14, 20).astimezone(UTC))
    assert slots(plan) == {"a": "15 14:30"}


def test_started_or_connecting_callbacks_are_left_alone() -> None:
    """A callback being dialled, or whose slot has begun, is not touched even if it differs."""
    res = reservation("a", window(ny(15, 14), 60), reason="new reason")
    for live in (
        foreign("a", ny(15, 14), status=CallbackStatus.CONNECTING),
        foreign("a", ny(15, 14, 15)),
    ):
        plan = make_plan(
            manifests([batch("b", [res])]), state(live), now=ny(15, 14, 15).astimezone(UTC)
        )
        assert plan.actions == ()


def test_effective_calendar_uses_stated_settings_over_live() -> None:
    """A stated holiday and slot length apply to placement before the queue itself changes."""
    cap = capacity(slot_minutes=30, holidays=(date(2026, 12, 15),))
    res = reservation("a", window(ny(15, 14), 60), window(ny(16, 14), 60))
    plan = make_plan(manifests([batch("b", [res])], queues=[cap]), state(), now=NOW)
    assert slots(plan) == {"a": "16 14:00"}
    create = next(a for a in plan.actions if a.type is ActionType.CREATE)
    assert isinstance(create.desired, DesiredCallback)
    assert create.desired.slot_end - create.desired.slot_start == timedelta(minutes=30)
    assert plan.actions[0].phase == Phase.CAPACITY_RAISE


def test_naive_window_times_are_in_the_queue_timezone() -> None:
    """A window without an offset is wall-clock time in the queue's zone."""
    naive = window(ny(15, 14).replace(tzinfo=None))
    plan = make_plan(manifests([batch("b", [reservation("a", naive)])]), state(), now=NOW)
    assert slots(plan) == {"a": "15 14:00"}


def test_dst_fold_hour_is_placed_on_the_grid() -> None:
    """On the autumn-back night a 24h queue still books the first 01:00 as a grid slot."""
    allday = (OperatingWindow(tuple(Weekday), 0, 24 * 60),)
    cap = capacity(operating_hours=allday, slot_minutes=60)
    start = ny(1, 0, month=11).replace(year=2027)
    res = reservation("a", window(start, 180))
    plan = make_plan(manifests([batch("b", [res])], queues=[cap]), state(), now=NOW)
    assert codes(plan) == []
    create = plan.actions[-1]
    assert isinstance(create.desired, DesiredCallback)
    assert create.desired.slot_start == start.astimezone(UTC)


def test_lower_limit_moves_the_overflow_then_lowers() -> None:
    """Two callbacks share a slot; lowering the limit to 1 moves one, then lowers the queue."""
    both = [reservation(c, window(ny(15, 14), 30)) for c in ("a", "b")]
    desired = manifests([batch("x", both)])
    live = apply_plan(make_plan(desired, state(), now=NOW), state())
    assert len({c.callback_time for c in live.callbacks}) == 1
    lowered = manifests([batch("x", both)], queues=[capacity(concurrency_limit=1)])
    plan = make_plan(lowered, live, now=NOW)
    steps = [(a.type, a.address.rsplit("/", 1)[1], a.phase) for a in plan.actions]
    assert steps == [
        (ActionType.RESCHEDULE, "b", Phase.RESCHEDULE),
        (ActionType.UPDATE, "tech-support", Phase.CAPACITY_LOWER),
    ]
    assert "over the limit" in plan.actions[0].reason
    assert make_plan(lowered, apply_plan(plan, live), now=NOW).actions == ()


def test_long_windows_fill_earliest_slots_in_order() -> None:
    """Many reservations with the same two-week window take the earliest slots, limit per slot."""
    wide = [reservation(f"w{i:03d}", window(ny(14, 8), 14 * 24 * 60)) for i in range(60)]
    plan = make_plan(manifests([batch("b", wide)]), state(queues=[live_queue(limit=20)]), now=NOW)
    assert codes(plan) == []
    assert sorted(set(slots(plan).values())) == ["14 08:00", "14 08:15", "14 08:30"]
