"""Which live queue each `QueueCapacity` manages, and the calendar its callbacks are placed on.

The effective calendar is the live queue's settings overlaid with the settings the manifest
states: the plan books callbacks as if its own capacity changes were already applied, which they
are by the time the callbacks are booked (capacity raises run first). A reference that matches no
live queue, or a timezone the tz database does not know, is a problem, and batches on that queue
are then left out of the plan rather than guessed at.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reconciler.core.live import LiveQueue
from reconciler.core.model import UNSET, ManifestSet, QueueCapacity
from reconciler.core.problems import Problem
from reconciler.core.schedule import Calendar, zone


@dataclass(frozen=True, slots=True)
class QueueTarget:
    """A `QueueCapacity` bound to its live queue, with the calendar and limit placement uses."""

    capacity: QueueCapacity
    live: LiveQueue
    calendar: Calendar
    limit: int

    @property
    def queue_id(self) -> str:
        return self.live.id


def find_live_queue(capacity: QueueCapacity, queues: Sequence[LiveQueue]) -> LiveQueue | None:
    ref = capacity.queue
    for queue in queues:
        if (ref.id and queue.id == ref.id) or (not ref.id and queue.name == ref.name):
            return queue
    return None


def effective_calendar(capacity: QueueCapacity, live: LiveQueue) -> Calendar | None:
    """Live settings overlaid with the stated ones; None when the timezone is unknown."""
    tz_name = live.timezone if capacity.timezone is UNSET else capacity.timezone
    tz = zone(tz_name)
    if tz is None:
        return None
    slot = live.slot_minutes if capacity.slot_minutes is UNSET else capacity.slot_minutes
    hours = live.operating_hours if capacity.operating_hours is UNSET else capacity.operating_hours
    holidays = live.holidays if capacity.holidays is UNSET else capacity.holidays
    return Calendar(tz, slot, hours, frozenset(holidays))


def resolve_targets(
    manifests: ManifestSet, queues: Sequence[LiveQueue]
) -> tuple[dict[str, QueueTarget], tuple[Problem, ...]]:
    """QueueCapacity name -> target, plus a problem for every capacity that cannot be bound."""
    targets: dict[str, QueueTarget] = {}
    problems: list[Problem] = []
    claimed: dict[str, str] = {}
    for capacity in manifests.queues:
        live = find_live_queue(capacity, queues)
        if live is None:
            problems.append(_not_found(capacity))
            continue
        if live.id in claimed:
            problems.append(_claimed_twice(capacity, claimed[live.id]))
            continue
        calendar = effective_calendar(capacity, live)
        if calendar is None:
            problems.append(_bad_zone(capacity, live))
            continue
        claimed[live.id] = capacity.name
        limit = live.concurrency_limit
        if capacity.concurrency_limit is not UNSET:
            limit = capacity.concurrency_limit
        targets[capacity.name] = QueueTarget(capacity, live, calendar, limit)
    return targets, tuple(problems)


def targets_by_queue_id(targets: Mapping[str, QueueTarget]) -> dict[str, QueueTarget]:
    return {target.queue_id: target for target in targets.values()}


def _not_found(capacity: QueueCapacity) -> Problem:
    return Problem(
        code="queue.not-found",
        message=f"{capacity.address}: no queue with {capacity.queue} on the platform",
        origin=capacity.origin.child("spec", "queue"),
        hint="queues are created by administrators; check the name or use the queue id",
    )


def _claimed_twice(capacity: QueueCapacity, first: str) -> Problem:
    return Problem(
        code="queue.duplicate-capacity",
        message=f"{capacity.address} manages the same queue as QueueCapacity/{first}",
        origin=capacity.origin.child("spec", "queue"),
        hint="keep one QueueCapacity per queue and point every batch at it",
    )


def _bad_zone(capacity: QueueCapacity, live: LiveQueue) -> Problem:
    return Problem(
        code="queue.timezone",
        message=f"{capacity.address}: timezone of queue {live.id} is not an IANA zone",
        origin=capacity.origin.child("spec", "timezone"),
        hint="use a name such as America/New_York",
    )
