"""What each declared reservation needs before any slot is chosen.

Every reservation gets one disposition from its live callback (if any) and the clock:

- LEAVE: the platform has it and gcbctl must not touch it (completed, failed, connecting, its slot
  has started, or all its windows have passed), a no-op with the reason;
- PAST: all windows have passed and the platform does not have it: an error, it cannot be booked;
- STICKY: booked in a slot that is still acceptable; it keeps the slot if capacity allows;
- PLACE: needs a slot: not booked, canceled, booked on another queue, or its slot is no longer
  acceptable (the note says why).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from reconciler.core.live import CallbackStatus, LiveCallback
from reconciler.core.model import Reservation, ReservationBatch
from reconciler.core.planner.slots import QueueSlots, Span
from reconciler.core.planner.targets import QueueTarget

_NEVER = datetime.max.replace(tzinfo=UTC)


class Disposition(enum.StrEnum):
    LEAVE = "leave"
    PAST = "past"
    STICKY = "sticky"
    PLACE = "place"


@dataclass(frozen=True, slots=True)
class Entry:
    """One declared reservation with its live callback and what the planner must do with it."""

    batch: ReservationBatch
    reservation: Reservation
    target: QueueTarget
    slots: QueueSlots
    address: str
    spans: tuple[Span, ...]
    live: LiveCallback | None
    disposition: Disposition
    note: str = ""

    @property
    def callback_id(self) -> str:
        return self.reservation.callback_id

    @property
    def order_key(self) -> tuple[datetime, str]:
        """Placement order: earliest first window, then callback id (never file order)."""
        return (self.spans[0][0] if self.spans else _NEVER, self.callback_id)


_STATUS_ORDER = {
    CallbackStatus.SCHEDULED: 0,
    CallbackStatus.CONNECTING: 0,
    CallbackStatus.COMPLETED: 1,
    CallbackStatus.FAILED: 1,
    CallbackStatus.CANCELED: 2,
}


def current_callback(found: Sequence[LiveCallback]) -> LiveCallback | None:
    """The callback that stands for a callback id: active first, then finished, then canceled."""
    if len(found) < 2:
        return found[0] if found else None
    return min(found, key=lambda c: (_STATUS_ORDER[c.status], -c.callback_time.timestamp(), c.id))


def classify(
    batch: ReservationBatch,
    reservation: Reservation,
    where: tuple[QueueTarget, QueueSlots, str],
    live: LiveCallback | None,
) -> Entry:
    """The disposition of one reservation (see the module docstring for the rules).

    `where` is the queue, its slots and the batch's address (computed once per batch).
    """
    target, slots, batch_address = where
    spans = slots.spans(reservation.time_slots)
    now = slots.now
    history = all(stop <= now for _, stop in spans)
    if live is None or history or live.status is not CallbackStatus.SCHEDULED:
        disposition, note = _not_booked(live, history)
    else:
        disposition, note = _booked(live, spans, target, slots)
    address = f"{batch_address}/{reservation.callback_id}"
    return Entry(batch, reservation, target, slots, address, spans, live, disposition, note)


def _not_booked(live: LiveCallback | None, history: bool) -> tuple[Disposition, str]:
    if live is None:
        return (Disposition.PAST if history else Disposition.PLACE), "not on the platform"
    if history:
        return Disposition.LEAVE, f"all windows have passed; the platform has it ({live.status})"
    if live.status is CallbackStatus.CANCELED:
        return Disposition.PLACE, "canceled on the platform; booking it again"
    return Disposition.LEAVE, f"{live.status} on the platform; left as it is"


def _booked(
    live: LiveCallback, spans: tuple[Span, ...], target: QueueTarget, slots: QueueSlots
) -> tuple[Disposition, str]:
    if live.callback_time <= slots.now:
        return Disposition.LEAVE, "its slot has started; left as it is"
    if live.queue_id != target.queue_id:
        return Disposition.PLACE, f"booked on queue {live.queue_id}; moving it"
    issue = slots.sticky_issue(live.callback_time, spans)
    if issue is not None:
        return Disposition.PLACE, issue
    return Disposition.STICKY, "keeps its slot"
