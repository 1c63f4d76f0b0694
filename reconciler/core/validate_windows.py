"""Rules for one time-slot window against its queue's calendar: DST, grid, hours, holidays.

A window bound without an offset is wall-clock time in the queue's timezone: it must exist (not
in a DST gap) and be unambiguous (not in a DST fold; an explicit offset settles which one is
meant). Both bounds sit on the slot grid, the end is after the start, and every grid slot in
between is open (operating hours, not a holiday).

Big batches hold hundreds of thousands of windows, so a `WindowJudge` is made once per queue:
it precomputes which slot starts are open on each weekday, remembers resolved bounds (windows
share them) and returns facts that are reused with each reservation's origin.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from reconciler.core.model import TimeWindow
from reconciler.core.schedule import Calendar, SlotClosure, format_hhmm, hours_by_weekday
from reconciler.core.validate_bounds import Bound, resolve
from reconciler.core.validate_issue import Issue

MAX_WINDOW = timedelta(days=31)


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


def _open_starts(calendar: Calendar) -> tuple[frozenset[int], ...]:
    """Per weekday, the minutes-of-day at which a whole slot fits in the operating hours."""
    size = calendar.slot_minutes
    return tuple(
        frozenset(
            minute
            for low, high in intervals
            for minute in range(low + (-low) % size, high - size + 1, size)
        )
        for intervals in hours_by_weekday(calendar.operating_hours)
    )


class WindowJudge:
    """Judges windows on one queue's calendar relative to `now`."""

    def __init__(self, calendar: Calendar, now: datetime) -> None:
        self.calendar = calendar
        self._now = now
        self._now_minute = epoch_minute(now)
        self._open = _open_starts(calendar)
        self._bounds: dict[tuple[datetime, object], tuple[Bound | None, tuple[Issue, ...]]] = {}

    def _resolve(self, value: datetime, at: str, issues: list[Issue]) -> Bound | None:
        """`resolve`, remembered: one window's end is often another's start."""
        key = (value, value.tzinfo)
        cached = self._bounds.get(key)
        if cached is None:
            found: list[Issue] = []
            cached = self._bounds[key] = (resolve(value, self.calendar.tz, "", found), tuple(found))
        issues.extend(replace(issue, at=at) for issue in cached[1])
        return cached[0]

    def facts(self, window: TimeWindow) -> WindowFacts:
        """Every issue of `window` and its open grid slots that start at or after `now`."""
        issues: list[Issue] = []
        start = self._resolve(window.start, "start", issues)
        end = self._resolve(window.end, "end", issues)
        if start is None or end is None:
            ended = end is not None and end.instant <= self._now
            return WindowFacts(tuple(issues), (), ended)
        ended = end.instant <= self._now
        if end.instant <= start.instant:
            issues.append(
                Issue("end", "timeslot.end-before-start", "the window ends before it starts")
            )
        elif end.instant - start.instant > MAX_WINDOW:
            issues.append(
                Issue(
                    "end",
                    "timeslot.too-long",
                    "the window is longer than 31 days",
                    "a window is the range you accept for one callback; list several instead",
                )
            )
        elif self._on_grid(start, "start", issues) & self._on_grid(end, "end", issues):
            slots = self._open_slots(start, end, issues)
            return WindowFacts(tuple(issues), slots, ended)
        return WindowFacts(tuple(issues), (), ended)

    def _on_grid(self, bound: Bound, at: str, issues: list[Issue]) -> bool:
        wall, size = bound.wall, self.calendar.slot_minutes
        minute = wall.hour * 60 + wall.minute
        if not (wall.second or wall.microsecond or minute % size):
            return True
        below = minute - minute % size
        issues.append(
            Issue(
                at,
                "timeslot.off-grid",
                f"{at} {wall:%H:%M} is not on the queue's slot grid",
                f"slots are {size} minutes from midnight: "
                f"use {format_hhmm(below)} or {format_hhmm(min(below + size, 24 * 60))}",
            )
        )
        return False

    def _open_slots(self, start: Bound, end: Bound, issues: list[Issue]) -> tuple[int, ...]:
        """Epoch minutes of the window's open slots from `now` on; a closed slot is an issue.

        Most windows lie within one local day without a DST change: their slots are plain
        wall-clock steps, checked without a timezone conversion per slot.
        """
        first, last = start.wall, end.wall
        same_day = first.date() == last.date() or (
            last.hour == last.minute == 0 and last.toordinal() == first.toordinal() + 1
        )
        if start.offset != end.offset or not same_day:
            return self._open_slots_any(start.instant, end.instant, issues)
        if first.date() in self.calendar.holidays:
            issues.append(_closure_issue(self.calendar, start.instant, SlotClosure.HOLIDAY))
            return ()
        size = self.calendar.slot_minutes
        open_starts = self._open[first.weekday()]
        minute0, base = first.hour * 60 + first.minute, epoch_minute(start.instant)
        slots: list[int] = []
        for offset in range(0, epoch_minute(end.instant) - base, size):
            if minute0 + offset not in open_starts:
                closed = start.instant + timedelta(minutes=offset)
                issues.append(_closure_issue(self.calendar, closed, SlotClosure.CLOSED))
                return ()
            if base + offset >= self._now_minute:
                slots.append(base + offset)
        return tuple(slots)

    def _open_slots_any(
        self, start: datetime, end: datetime, issues: list[Issue]
    ) -> tuple[int, ...]:
        slots: list[int] = []
        for slot in self.calendar.grid_points(start, end):
            closure = self.calendar.closure(slot)
            if closure is not None:
                issues.append(_closure_issue(self.calendar, slot, closure))
                return ()
            if slot >= self._now:
                slots.append(epoch_minute(slot))
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
