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
from reconciler.core.schedule import Calendar, SlotClosure, to_utc

WINDOW_WEIGHT: Final = 1_000_000
"""Cost step between windows; larger than the number of slots any one window can hold."""

Span = tuple[datetime, datetime]


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


class QueueSlots:
    """One queue's calendar with memory: planning asks the same questions of the same slots and
    windows tens of thousands of times, so every answer is computed once per plan."""

    def __init__(self, calendar: Calendar, now: datetime) -> None:
        self.calendar = calendar
        self.now = now
        self.slot_length = calendar.slot
        self._spans: dict[tuple[datetime, datetime], Span] = {}
        self._closures: dict[datetime, SlotClosure | None] = {}
        self._floors: dict[datetime, datetime] = {}
        self._open: dict[tuple[Span, ...], tuple[tuple[datetime, int], ...]] = {}
        self._points: dict[Span, tuple[datetime, ...]] = {}

    def spans(self, windows: Sequence[TimeWindow]) -> tuple[Span, ...]:
        """The windows as UTC (start, end) pairs."""
        out = []
        for w in windows:
            key = (w.start, w.end)
            span = self._spans.get(key)
            if span is None:
                tz = self.calendar.tz
                span = self._spans[key] = (to_utc(w.start, tz), to_utc(w.end, tz))
            out.append(span)
        return tuple(out)

    def closure(self, slot: datetime) -> SlotClosure | None:
        if slot in self._closures:
            return self._closures[slot]
        found = self._closures[slot] = self.calendar.closure(slot)
        return found

    def slot_of(self, instant: datetime) -> datetime:
        found = self._floors.get(instant)
        if found is None:
            found = self._floors[instant] = slot_of(instant, self.calendar)
        return found

    def local_text(self, instant: datetime) -> str:
        return local_text(instant, self.calendar)

    def sticky_issue(self, slot: datetime, spans: Sequence[Span]) -> str | None:
        """Why a booked slot is no longer acceptable for its reservation, or None if it is."""
        closure = self.closure(slot)
        if closure is not None:
            return f"booked slot {self.local_text(slot)} is {closure}"
        end = slot + self.slot_length
        if not any(start <= slot and end <= stop for start, stop in spans):
            return f"booked slot {self.local_text(slot)} is outside the reservation's windows"
        return None

    def open_slots(self, spans: tuple[Span, ...]) -> tuple[tuple[datetime, int], ...]:
        """(slot start, cost) of every open future slot, cheapest cost per slot, in time order."""
        found = self._open.get(spans)
        if found is None:
            found = self._open[spans] = self._compute(spans)
        return found

    def _open_points(self, span: Span) -> tuple[datetime, ...]:
        """The open future grid slots of one window, in time order."""
        found = self._points.get(span)
        if found is None:
            start, stop = span
            points = self.calendar.grid_points(max(start, self.now), stop)
            found = tuple(p for p in points if p > self.now and self.closure(p) is None)
            self._points[span] = found
        return found

    def _compute(self, spans: tuple[Span, ...]) -> tuple[tuple[datetime, int], ...]:
        best: dict[datetime, int] = {}
        for rank, span in enumerate(spans):
            for index, point in enumerate(self._open_points(span)):
                cost = rank * WINDOW_WEIGHT + index
                if cost < best.get(point, cost + 1):
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
                closure = self.closure(point)
                if point <= self.now:
                    out.append((point, "in the past"))
                elif closure is not None:
                    out.append((point, str(closure)))
        return out
