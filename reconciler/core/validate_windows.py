"""Rules for one time-slot window against its queue's calendar: DST, grid, hours, holidays.

A window bound without an offset is wall-clock time in the queue's timezone: it must exist (not
in a DST gap) and be unambiguous (not in a DST fold; an explicit offset settles which one is
meant). Both bounds sit on the slot grid, the end is after the start, and every grid slot in
between is open (operating hours, not a holiday). Big batches repeat the same windows, so the
facts about a window are computed once per queue and reused with each reservation's origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from reconciler.core.model import TimeWindow
from reconciler.core.schedule import Calendar, SlotClosure, format_hhmm, hours_by_weekday
from reconciler.core.validate_bounds import Bound, resolve
from reconciler.core.validate_issue import Issue


@dataclass(frozen=True, slots=True)
class WindowFacts:
    """What one window means on a calendar: its issues, its open future slots, whether it ended.

    Slots are minutes since the Unix epoch (cheap to hash and compare in the capacity check).
    """

    issues: tuple[Issue, ...]
    slots: tuple[int, ...]
    ended: bool


def epoch_minute(instant: datetime) -> int:
    return int(instant.timestamp()) // 60


def from_epoch_minute(minute: int) -> datetime:
    return datetime.fromtimestamp(minute * 60, UTC)


def _grid_hint(calendar: Calendar, wall: datetime) -> str:
    minute = wall.hour * 60 + wall.minute
    below = minute - minute % calendar.slot_minutes
    above = min(below + calendar.slot_minutes, 24 * 60)
    return (
        f"slots are {calendar.slot_minutes} minutes from midnight: "
        f"use {format_hhmm(below)} or {format_hhmm(above)}"
    )


def _on_grid(wall: datetime, slot_minutes: int) -> bool:
    return not (wall.second or wall.microsecond or (wall.hour * 60 + wall.minute) % slot_minutes)


def window_facts(calendar: Calendar, window: TimeWindow, now: datetime) -> WindowFacts:
    """Every issue of `window` and its open grid slots that start at or after `now`."""
    issues: list[Issue] = []
    start = resolve(window.start, calendar.tz, "start", issues)
    end = resolve(window.end, calendar.tz, "end", issues)
    if start is None or end is None:
        return WindowFacts(tuple(issues), (), ended=end is not None and end.instant <= now)
    ended = end.instant <= now
    if end.instant <= start.instant:
        issues.append(Issue("end", "timeslot.end-before-start", "the window ends before it starts"))
        return WindowFacts(tuple(issues), (), ended)
    off_grid = False
    for at, bound in (("start", start), ("end", end)):
        if not _on_grid(bound.wall, calendar.slot_minutes):
            off_grid = True
            issues.append(
                Issue(
                    at,
                    "timeslot.off-grid",
                    f"{at} {bound.wall:%H:%M} is not on the queue's slot grid",
                    _grid_hint(calendar, bound.wall),
                )
            )
    if off_grid:
        return WindowFacts(tuple(issues), (), ended)
    slots = _open_slots(calendar, start, end, now, issues)
    return WindowFacts(tuple(issues), slots, ended)


def _open_slots(
    calendar: Calendar, start: Bound, end: Bound, now: datetime, issues: list[Issue]
) -> tuple[int, ...]:
    """Epoch minutes of the window's open slots from `now` on; closed slots become issues.

    Most windows lie within one local day without a DST change; their slots are plain
    wall-clock steps, computed without a timezone conversion per slot.
    """
    step = calendar.slot
    if start.offset != end.offset or start.wall.date() != (end.wall - step).date():
        return _open_slots_any(calendar, start.instant, end.instant, now, issues)
    if start.wall.date() in calendar.holidays:
        issues.append(_closure_issue(calendar, start.instant, SlotClosure.HOLIDAY))
        return ()
    minutes = calendar.slot_minutes
    first = start.wall.hour * 60 + start.wall.minute
    intervals = hours_by_weekday(calendar.operating_hours)[start.wall.weekday()]
    base, now_minute = epoch_minute(start.instant), epoch_minute(now)
    slots: list[int] = []
    for index in range((end.instant - start.instant) // step):
        minute = first + index * minutes
        if not any(low <= minute and minute + minutes <= high for low, high in intervals):
            issues.append(
                _closure_issue(calendar, start.instant + index * step, SlotClosure.CLOSED)
            )
            return tuple(slots)
        if base + index * minutes >= now_minute:
            slots.append(base + index * minutes)
    return tuple(slots)


def _open_slots_any(
    calendar: Calendar, start: datetime, end: datetime, now: datetime, issues: list[Issue]
) -> tuple[int, ...]:
    slots: list[int] = []
    reported: set[SlotClosure] = set()
    for slot in calendar.grid_points(start, end):
        closure = calendar.closure(slot)
        if closure is None:
            if slot >= now:
                slots.append(epoch_minute(slot))
        elif closure not in reported:
            reported.add(closure)
            issues.append(_closure_issue(calendar, slot, closure))
    return tuple(slots)


def _closure_issue(calendar: Calendar, slot: datetime, closure: SlotClosure) -> Issue:
    local = calendar.local(slot)
    if closure is SlotClosure.HOLIDAY:
        return Issue(
            "",
            "timeslot.holiday",
            f"{local:%Y-%m-%d} is a holiday of the queue",
            "pick another day",
        )
    return Issue(
        "",
        "timeslot.outside-hours",
        f"the slot at {local:%a %Y-%m-%d %H:%M} ({calendar.tz.key}) is outside operating hours",
        f"the queue is open {describe_hours(calendar)}",
    )


def describe_hours(calendar: Calendar) -> str:
    parts = [
        f"{','.join(str(day) for day in window.days)} "
        f"{format_hhmm(window.open_minute)}-{format_hhmm(window.close_minute)}"
        for window in calendar.operating_hours
    ]
    return "; ".join(parts) or "never (no operating hours)"
