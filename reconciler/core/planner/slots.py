"""Slots of one queue's calendar as the planner sees them: windows in UTC, the open slots a
reservation may take with their preference costs, and why any other slot is unusable.

A reservation's windows are its time-slot matrix; a naive time is wall-clock time in the queue's
timezone. Costs rank an earlier window before any slot of a later one, then earlier slots. Only
slots starting after `now` are offered, so a window partly in the past offers its future slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from reconciler.core.model import TimeWindow
from reconciler.core.schedule import Calendar, to_utc

WINDOW_WEIGHT: Final = 1_000_000
"""Cost step between windows; larger than the number of slots any one window can hold."""

Span = tuple[datetime, datetime]


def window_spans(windows: Sequence[TimeWindow], calendar: Calendar) -> tuple[Span, ...]:
    return tuple((to_utc(w.start, calendar.tz), to_utc(w.end, calendar.tz)) for w in windows)


def slot_of(instant: datetime, calendar: Calendar) -> datetime:
    """The UTC start of the grid slot holding `instant` (itself when it is on the grid)."""
    local = calendar.local(instant)
    minute = local.hour * 60 + local.minute
    floor = minute - minute % calendar.slot_minutes
    if floor == minute and not (local.second or local.microsecond):
        return instant.astimezone(UTC)
    start = local.replace(hour=floor // 60, minute=floor % 60, second=0, microsecond=0)
    return start.astimezone(UTC)


def local_text(instant: datetime, calendar: Calendar) -> str:
    """`2026-12-15T14:00:00-05:00`: how a reviewer reads a slot of this queue."""
    return calendar.local(instant).isoformat()


def sticky_issue(slot: datetime, spans: Sequence[Span], calendar: Calendar) -> str | None:
    """Why a booked slot is no longer acceptable for its reservation, or None if it still is."""
    closure = calendar.closure(slot)
    if closure is not None:
        return f"booked slot {local_text(slot, calendar)} is {closure}"
    end = slot + calendar.slot
    if not any(start <= slot and end <= stop for start, stop in spans):
        return f"booked slot {local_text(slot, calendar)} is outside the reservation's windows"
    return None


class SlotOptions:
    """Open future slots per set of windows, computed once per distinct matrix."""

    def __init__(self, calendar: Calendar, now: datetime) -> None:
        self.calendar = calendar
        self.now = now
        self._cache: dict[tuple[Span, ...], tuple[tuple[datetime, int], ...]] = {}

    def open_slots(self, spans: tuple[Span, ...]) -> tuple[tuple[datetime, int], ...]:
        """(slot start, cost) of every open future slot, cheapest cost per slot, in time order."""
        found = self._cache.get(spans)
        if found is None:
            found = self._cache[spans] = self._compute(spans)
        return found

    def _compute(self, spans: tuple[Span, ...]) -> tuple[tuple[datetime, int], ...]:
        best: dict[datetime, int] = {}
        for rank, (start, stop) in enumerate(spans):
            points = self.calendar.grid_points(max(start, self.now), stop)
            for index, point in enumerate(points):
                cost = rank * WINDOW_WEIGHT + index
                usable = point > self.now and self.calendar.closure(point) is None
                if usable and cost < best.get(point, cost + 1):
                    best[point] = cost
        return tuple(sorted(best.items()))

    def blocked(self, spans: Sequence[Span]) -> list[tuple[datetime, str]]:
        """Every grid slot of the windows that is closed or past, with the reason, in order."""
        out: list[tuple[datetime, str]] = []
        for start, stop in spans:
            if stop <= self.now:
                out.append((start, "in the past"))
                continue
            for point in self.calendar.grid_points(start, stop):
                closure = self.calendar.closure(point)
                if point <= self.now:
                    out.append((point, "in the past"))
                elif closure is not None:
                    out.append((point, str(closure)))
        return out
