"""The platform's slot calendar: grid, operating hours and holidays of one queue.

This is the sandbox's own implementation (it may not import gcbctl's core): slots start at
multiples of `slot_minutes` from local midnight in the queue's timezone, a slot is bookable when
it lies wholly inside one operating window of its local day and that day is not a holiday.
Instants are aware UTC datetimes; wall-clock time appears only for these comparisons.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reconciler.sandbox.records import Queue

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOT_CHOICES = (5, 10, 15, 20, 30, 60)
MAX_WINDOW_SLOTS = 7 * 24 * 12


class Closure(enum.StrEnum):
    """Why a slot cannot take a callback."""

    HOLIDAY = "holiday"
    CLOSED = "closed"


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo | None:
    """The IANA zone called `name`, or None."""
    if not name or name != name.strip():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        return None


def hhmm(text: object) -> int | None:
    """Minutes from midnight for "HH:MM" between 00:00 and 24:00, or None."""
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        return None
    digits = text[:2] + text[3:]
    if not digits.isdigit():
        return None
    hours, minutes = int(text[:2]), int(text[3:])
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _queue_zone(queue: Queue) -> ZoneInfo:
    return zone(queue.timezone) or ZoneInfo("UTC")


def on_grid(queue: Queue, instant: datetime) -> bool:
    """Whether `instant` starts a slot of the queue's grid."""
    local = instant.astimezone(_queue_zone(queue))
    minutes = local.hour * 60 + local.minute
    return local.second == 0 and local.microsecond == 0 and minutes % queue.slot_minutes == 0


def slot_floor(queue: Queue, instant: datetime) -> datetime:
    """The start of the grid slot that contains `instant`."""
    local = instant.astimezone(_queue_zone(queue))
    minutes = local.hour * 60 + local.minute
    back = timedelta(minutes=minutes % queue.slot_minutes, seconds=local.second)
    return (instant - back - timedelta(microseconds=local.microsecond)).astimezone(UTC)


def slot_starts(queue: Queue, start: datetime, end: datetime) -> list[datetime]:
    """Grid slot starts in [start, end), stepping in absolute time from `start`."""
    step = timedelta(minutes=queue.slot_minutes)
    starts: list[datetime] = []
    current = start
    while current + step <= end and len(starts) < MAX_WINDOW_SLOTS:
        starts.append(current)
        current += step
    return starts


Hours = tuple[tuple[int, int], ...]


@lru_cache(maxsize=256)
def _weekly(windows: tuple[tuple[tuple[str, ...], object, object], ...]) -> tuple[Hours, ...]:
    """Open intervals (minutes from midnight) per weekday, Monday first, parsed once."""
    week: list[list[tuple[int, int]]] = [[] for _ in DAYS]
    for days, opens, closes in windows:
        begin, end = hhmm(opens), hhmm(closes)
        if begin is None or end is None:
            continue
        for day in days:
            if day in DAYS:
                week[DAYS.index(day)].append((begin, end))
    return tuple(tuple(intervals) for intervals in week)


def weekly_hours(queue: Queue) -> tuple[Hours, ...]:
    key = tuple(
        (tuple(w.get("days", ())), w.get("open"), w.get("close")) for w in queue.operating_hours
    )
    return _weekly(key)


def closure(queue: Queue, slot_start: datetime) -> Closure | None:
    """Why the slot at `slot_start` is closed, or None when it can take callbacks."""
    found = first_closed(queue, [slot_start])
    return found[1] if found else None


def first_closed(queue: Queue, starts: list[datetime]) -> tuple[datetime, Closure] | None:
    """The first of the slots at `starts` that cannot take callbacks, and why."""
    tz, week = _queue_zone(queue), weekly_hours(queue)
    holidays, length = frozenset(queue.holidays), timedelta(minutes=queue.slot_minutes)
    for start in starts:
        local_start, local_end = start.astimezone(tz), (start + length).astimezone(tz)
        if local_start.date().isoformat() in holidays:
            return start, Closure.HOLIDAY
        begin = local_start.hour * 60 + local_start.minute
        finish = local_end.hour * 60 + local_end.minute
        if local_end.date() != local_start.date():
            finish += 24 * 60
        if not any(o <= begin and finish <= c for o, c in week[local_start.weekday()]):
            return start, Closure.CLOSED
    return None
