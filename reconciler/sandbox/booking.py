"""Which grid slot a callback gets: the platform's booking rule, and slot occupancy.

A slot has room while fewer than `min(queue.concurrency_limit, payload.concurrency_limit)`
scheduled callbacks of the queue start inside it. The rule is "the earliest grid slot with room in
the first window that has one". Callers hold the store's lock across check and booking, so that
concurrent requests can never overfill a slot.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from reconciler.sandbox.calendar import (
    MAX_WINDOW_SLOTS,
    Closure,
    first_closed,
    on_grid,
    slot_floor,
    slot_starts,
)
from reconciler.sandbox.problems import Detail
from reconciler.sandbox.records import Queue

MAX_WINDOWS = 50


@dataclass(frozen=True, slots=True)
class Window:
    """One entry of a time-slot matrix, as aware UTC instants."""

    start: datetime
    end: datetime


class Occupancy:
    """Start times of every scheduled callback, per queue, kept sorted for range counts."""

    def __init__(self) -> None:
        self._times: dict[str, list[float]] = {}

    def add(self, queue_id: str, instant: datetime) -> None:
        bisect.insort(self._times.setdefault(queue_id, []), instant.timestamp())

    def remove(self, queue_id: str, instant: datetime) -> None:
        times = self._times.get(queue_id, [])
        index = bisect.bisect_left(times, instant.timestamp())
        if index < len(times) and times[index] == instant.timestamp():
            del times[index]

    def count(self, queue_id: str, start: datetime, end: datetime) -> int:
        times = self._times.get(queue_id, [])
        low = bisect.bisect_left(times, start.timestamp())
        return bisect.bisect_left(times, end.timestamp()) - low

    def busy_slots(self, queue: Queue, above: int) -> list[tuple[datetime, int]]:
        """Grid slots of `queue` holding more than `above` scheduled callbacks."""
        counts: dict[datetime, int] = {}
        for stamp in self._times.get(queue.id, []):
            start = slot_floor(queue, datetime.fromtimestamp(stamp, UTC))
            counts[start] = counts.get(start, 0) + 1
        return [(start, n) for start, n in sorted(counts.items()) if n > above]


def check_windows(queue: Queue, windows: list[Window], now: datetime) -> list[Detail]:
    """Every problem with `windows` for this queue at `now`, one detail per problem."""
    details: list[Detail] = []
    for index, window in enumerate(windows):
        where = f"time_slot_matrix[{index}]"
        if window.end <= window.start:
            details.append(Detail("bad.request", where, message=f"{where}: end is not after start"))
            continue
        if not (on_grid(queue, window.start) and on_grid(queue, window.end)):
            message = f"{where}: start and end must lie on the {queue.slot_minutes}-minute grid"
            details.append(Detail("bad.request", where, message=message))
            continue
        if (window.end - window.start).total_seconds() > MAX_WINDOW_SLOTS * queue.slot_minutes * 60:
            message = f"{where}: a window may span at most {MAX_WINDOW_SLOTS} slots"
            details.append(Detail("bad.request", where, message=message))
            continue
        if window.start <= now:
            details.append(Detail("slot.in.past", where, message=f"{where}: starts in the past"))
            continue
        details.extend(_closed_slots(queue, window, where))
    return details


def _closed_slots(queue: Queue, window: Window, where: str) -> list[Detail]:
    found = first_closed(queue, slot_starts(queue, window.start, window.end))
    if found is None:
        return []
    start, reason = found
    what = "a holiday" if reason is Closure.HOLIDAY else "outside operating hours"
    message = f"{where}: the slot at {start.isoformat()} is {what}"
    return [Detail("slot.outside.operating.hours", where, message=message)]


def choose_slot(
    queue: Queue,
    windows: list[Window],
    limit: int,
    occupancy: Occupancy,
    *,
    own_booking: datetime | None = None,
) -> datetime | None:
    """The earliest slot with room in the first window that has one, or None when all are full.

    `own_booking` is the callback's current slot when re-booking: it does not count against it.
    """
    step = timedelta(minutes=queue.slot_minutes)
    for window in windows:
        for start in slot_starts(queue, window.start, window.end):
            booked = occupancy.count(queue.id, start, start + step)
            if own_booking is not None and start <= own_booking < start + step:
                booked -= 1
            if booked < limit:
                return start
    return None
