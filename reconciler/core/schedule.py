"""A queue's slot calendar: the grid, operating hours, holidays and DST, in pure functions.

The grid is wall-clock based: slots start at multiples of `slot_minutes` from local midnight in
the queue's timezone. Instants are handled as aware UTC datetimes; local times only appear when
they are compared with the grid, operating hours or holidays. Both validation and the planner use
this module, so that "this slot is acceptable" means one thing everywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reconciler.core.model import OperatingWindow, Weekday

MINUTES_PER_DAY = 24 * 60


class LocalTimeProblem(enum.StrEnum):
    """Why a local wall-clock time does not name exactly one instant."""

    GAP = "dst-gap"
    FOLD = "dst-fold"


class SlotClosure(enum.StrEnum):
    """Why a grid slot cannot take a callback."""

    HOLIDAY = "holiday"
    CLOSED = "outside-operating-hours"
    OFF_GRID = "off-grid"


@lru_cache(maxsize=512)
def zone(name: str) -> ZoneInfo | None:
    """The IANA zone called `name`, or None when the tz database has no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        return None


def parse_hhmm(text: str) -> int | None:
    """Minutes from midnight for "HH:MM" (00:00..24:00), or None when malformed."""
    if len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        return None
    hours, minutes = int(text[:2]), int(text[3:])
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def format_hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def local_problem(naive: datetime, tz: ZoneInfo) -> LocalTimeProblem | None:
    """Whether a naive wall-clock time falls into a DST gap or fold of `tz`."""
    first = naive.replace(tzinfo=tz, fold=0)
    round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if round_trip != naive:
        return LocalTimeProblem.GAP
    if first.utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset():
        return LocalTimeProblem.FOLD
    return None


def to_utc(value: datetime, tz: ZoneInfo) -> datetime:
    """An aware UTC instant; a naive `value` is wall-clock time in `tz` (fold=0 if ambiguous)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


@lru_cache(maxsize=256)
def hours_by_weekday(
    hours: tuple[OperatingWindow, ...],
) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Open (minute, minute) intervals per weekday index; `closure` runs once per slot checked."""
    table: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for window in hours:
        for day in window.days:
            table[list(Weekday).index(day)].append((window.open_minute, window.close_minute))
    return tuple(tuple(intervals) for intervals in table)


@dataclass(frozen=True, slots=True)
class Calendar:
    """The effective slot calendar of one queue (desired settings over live ones)."""

    tz: ZoneInfo
    slot_minutes: int
    operating_hours: tuple[OperatingWindow, ...]
    holidays: frozenset[date]

    @property
    def slot(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.tz)

    def minute_of_day(self, instant: datetime) -> int | None:
        """Wall-clock minutes since local midnight, or None if not on a whole minute."""
        local = self.local(instant)
        if local.second or local.microsecond:
            return None
        return local.hour * 60 + local.minute

    def on_grid(self, instant: datetime) -> bool:
        minute = self.minute_of_day(instant)
        return minute is not None and minute % self.slot_minutes == 0

    def closure(self, start: datetime) -> SlotClosure | None:
        """Why the slot starting at `start` is unusable, or None when it is open."""
        local = self.local(start)
        minute = local.hour * 60 + local.minute
        if local.second or local.microsecond or minute % self.slot_minutes:
            return SlotClosure.OFF_GRID
        if local.date() in self.holidays:
            return SlotClosure.HOLIDAY
        end_minute = minute + self.slot_minutes
        for open_minute, close_minute in hours_by_weekday(self.operating_hours)[local.weekday()]:
            if open_minute <= minute and end_minute <= close_minute:
                return None
        return SlotClosure.CLOSED

    def grid_points(self, start: datetime, end: datetime) -> Iterator[datetime]:
        """Every grid slot start `s` with start <= s and s + slot <= end, in time order.

        Steps in absolute time and re-aligns after a DST shift that is not a multiple of the
        slot length (Lord Howe's 30 minutes against hour slots).
        """
        current = self._align_up(start)
        while current + self.slot <= end:
            if self.on_grid(current):
                yield current
                current += self.slot
            else:
                current = self._align_up(current + timedelta(minutes=1))

    def _align_up(self, instant: datetime) -> datetime:
        instant = instant.replace(second=0, microsecond=0) + (
            timedelta(minutes=1) if instant.second or instant.microsecond else timedelta(0)
        )
        for _ in range(self.slot_minutes + 60):
            if self.on_grid(instant):
                return instant
            instant += timedelta(minutes=1)
        return instant
