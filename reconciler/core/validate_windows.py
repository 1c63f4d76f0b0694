"""Rules for one time-slot window against its queue's calendar: DST, grid, hours, holidays.

A window bound without an offset is wall-clock time in the queue's timezone: it must exist (not
in a DST gap) and be unambiguous (not in a DST fold; an explicit offset settles which one is
meant). Both bounds sit on the slot grid, the end is after the start, and every grid slot in
between is open (operating hours, not a holiday). Big batches repeat the same windows, so the
facts about a window are computed once per queue and reused with each reservation's origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from reconciler.core.model import Origin, TimeWindow
from reconciler.core.problems import Problem, Severity
from reconciler.core.schedule import (
    Calendar,
    LocalTimeProblem,
    SlotClosure,
    format_hhmm,
    local_problem,
)


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem about a window, before it is tied to one reservation's origin."""

    at: str  # "start", "end" or "" (the window itself)
    code: str
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def problem(self, origin: Origin) -> Problem:
        where = origin.child(self.at) if self.at else origin
        return Problem(self.code, self.message, where, hint=self.hint, severity=self.severity)


@dataclass(frozen=True, slots=True)
class WindowFacts:
    """What one window means on a calendar: its issues, its open slots and when it ends."""

    issues: tuple[Issue, ...]
    slots: tuple[datetime, ...]
    end: datetime | None


def _offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _bound(value: datetime, tz: ZoneInfo, at: str, issues: list[Issue]) -> datetime | None:
    if value.tzinfo is not None:
        instant = value.astimezone(UTC)
        actual = instant.astimezone(tz).utcoffset()
        if actual != value.utcoffset():
            issues.append(
                Issue(
                    at,
                    "timeslot.offset-mismatch",
                    f"offset {_offset_text(value.utcoffset())} is not the queue's offset "
                    f"({_offset_text(actual)} in {tz.key}) at that time",
                    "check the offset; the instant it names is what gcbctl books",
                    Severity.WARNING,
                )
            )
        return instant
    problem = local_problem(value, tz)
    if problem is LocalTimeProblem.GAP:
        issues.append(
            Issue(
                at,
                "timeslot.dst-gap",
                f"{value:%Y-%m-%d %H:%M} does not exist in {tz.key} (clocks skip it for DST)",
                "move the window out of the DST change",
            )
        )
        return None
    if problem is LocalTimeProblem.FOLD:
        first = _offset_text(value.replace(tzinfo=tz, fold=0).utcoffset())
        second = _offset_text(value.replace(tzinfo=tz, fold=1).utcoffset())
        issues.append(
            Issue(
                at,
                "timeslot.dst-fold",
                f"{value:%Y-%m-%d %H:%M} happens twice in {tz.key} (DST ends)",
                f"add an explicit offset: {value:%Y-%m-%dT%H:%M}{first} or ...{second}",
            )
        )
        return None
    return value.replace(tzinfo=tz).astimezone(UTC)


def _grid_hint(calendar: Calendar, instant: datetime) -> str:
    local = calendar.local(instant)
    minute = local.hour * 60 + local.minute
    below = minute - minute % calendar.slot_minutes
    above = min(below + calendar.slot_minutes, 24 * 60)
    return (
        f"slots are {calendar.slot_minutes} minutes from midnight: "
        f"use {format_hhmm(below)} or {format_hhmm(above)}"
    )


def window_facts(calendar: Calendar, window: TimeWindow, now: datetime) -> WindowFacts:
    """Every issue of `window` and its open grid slots that start at or after `now`."""
    issues: list[Issue] = []
    start = _bound(window.start, calendar.tz, "start", issues)
    end = _bound(window.end, calendar.tz, "end", issues)
    if start is None or end is None:
        return WindowFacts(tuple(issues), (), end)
    if end <= start:
        issues.append(Issue("end", "timeslot.end-before-start", "the window ends before it starts"))
        return WindowFacts(tuple(issues), (), end)
    for at, instant in (("start", start), ("end", end)):
        if not calendar.on_grid(instant):
            issues.append(
                Issue(
                    at,
                    "timeslot.off-grid",
                    f"{at} {calendar.local(instant):%H:%M} is not on the queue's slot grid",
                    _grid_hint(calendar, instant),
                )
            )
    if any(issue.code == "timeslot.off-grid" for issue in issues):
        return WindowFacts(tuple(issues), (), end)
    slots = _open_slots(calendar, start, end, now, issues)
    return WindowFacts(tuple(issues), slots, end)


def _open_slots(
    calendar: Calendar, start: datetime, end: datetime, now: datetime, issues: list[Issue]
) -> tuple[datetime, ...]:
    slots: list[datetime] = []
    reported: set[SlotClosure] = set()
    for slot in calendar.grid_points(start, end):
        closure = calendar.closure(slot)
        if closure is None:
            if slot >= now:
                slots.append(slot)
            continue
        if closure not in reported:
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
