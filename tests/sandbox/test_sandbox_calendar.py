"""The sandbox's own slot calendar: grid, hours, holidays, DST and half-hour offsets."""

from __future__ import annotations

from datetime import UTC, datetime

from reconciler.sandbox.booking import Occupancy, Window, check_windows, choose_slot
from reconciler.sandbox.calendar import Closure, closure, on_grid, slot_floor
from reconciler.sandbox.records import Queue

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _queue(**changes: object) -> Queue:
    base = Queue(
        id="q",
        name="Q",
        timezone="Australia/Adelaide",
        operating_hours=[
            {"days": ["mon", "tue", "wed", "thu", "fri"], "open": "08:30", "close": "17:00"}
        ],
        holidays=["2026-12-25"],
        slot_minutes=20,
        concurrency_limit=2,
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_grid_is_local_midnight_based_with_half_hour_offsets() -> None:
    """In Adelaide (+10:30) 08:40 local is on a 20-minute grid, although UTC minutes are :10."""
    queue = _queue()
    assert on_grid(queue, _at("2026-12-15T08:40:00+10:30"))
    assert not on_grid(queue, _at("2026-12-15T08:50:00+10:30"))
    assert slot_floor(queue, _at("2026-12-15T08:55:00+10:30")) == _at("2026-12-15T08:40:00+10:30")


def test_hours_holidays_and_weekends() -> None:
    """Slots must fit inside the day's hours, not on a holiday nor a closed weekday."""
    queue = _queue()
    assert closure(queue, _at("2026-12-15T08:30:00+10:30")) is None
    assert closure(queue, _at("2026-12-15T16:40:00+10:30")) is None
    assert closure(queue, _at("2026-12-15T16:50:00+10:30")) is Closure.CLOSED
    assert closure(queue, _at("2026-12-25T10:00:00+10:30")) is Closure.HOLIDAY
    assert closure(queue, _at("2026-12-19T10:00:00+10:30")) is Closure.CLOSED


def test_close_at_midnight_and_dst_days() -> None:
    """A 24:00 close admits the last slot of the day; DST-change days keep the wall-clock grid."""
    queue = _queue(
        timezone="America/New_York",
        slot_minutes=30,
        operating_hours=[{"days": ["sat", "sun"], "open": "00:00", "close": "24:00"}],
    )
    assert closure(queue, _at("2026-12-19T23:30:00-05:00")) is None
    assert closure(queue, _at("2027-03-14T03:00:00-04:00")) is None
    assert on_grid(queue, _at("2027-03-14T03:30:00-04:00"))


def test_booking_rule_and_window_checks() -> None:
    """The first window with room wins, earliest slot first; bad windows are explained."""
    queue = _queue()
    taken = Occupancy()
    first = Window(_at("2026-12-15T09:00:00+10:30"), _at("2026-12-15T09:40:00+10:30"))
    for _ in range(2):
        taken.add("q", first.start)
    assert choose_slot(queue, [first], 2, taken) == _at("2026-12-15T09:20:00+10:30")
    assert choose_slot(queue, [first], 2, taken, own_booking=first.start) == first.start
    past = Window(_at("2026-11-30T09:00:00+10:30"), _at("2026-11-30T09:20:00+10:30"))
    closed = Window(_at("2026-12-15T17:00:00+10:30"), _at("2026-12-15T17:20:00+10:30"))
    codes = [d.error_code for d in check_windows(queue, [past, closed, first], NOW)]
    assert codes == ["slot.in.past", "slot.outside.operating.hours"]
