"""Facts about live state the plan needs besides the diff: what each queue's slots hold, which
versions were read (for saved plans), and the per-queue usage table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict
from datetime import datetime

from reconciler.core.live import LiveCallback, LiveQueue, LiveState, LiveWebhook
from reconciler.core.planner.plan import QueueUsage
from reconciler.core.planner.slots import QueueSlots
from reconciler.core.planner.spechash import spec_hash
from reconciler.core.planner.targets import QueueTarget


def slot_loads(
    slots: Mapping[str, QueueSlots], callbacks: Iterable[LiveCallback], skip: Collection[str]
) -> dict[str, Counter[datetime]]:
    """queue id -> slot -> occupying callbacks, leaving out the live ids in `skip`."""
    loads: dict[str, Counter[datetime]] = {queue_id: Counter() for queue_id in slots}
    for callback in callbacks:
        queue = slots.get(callback.queue_id)
        if queue is None or not callback.status.occupies_slot or callback.id in skip:
            continue
        loads[callback.queue_id][queue.slot_of(callback.callback_time)] += 1
    return loads


def booked_counts(callbacks: Iterable[LiveCallback], now: datetime) -> Counter[str]:
    """queue id -> callbacks occupying a future slot on the platform now."""
    return Counter(
        c.queue_id for c in callbacks if c.status.occupies_slot and c.callback_time > now
    )


def _version(version: int, obj: LiveQueue | LiveWebhook | LiveCallback) -> str:
    return str(version) if version else f"sha256:{spec_hash(asdict(obj))}"


def reads_of(live: LiveState) -> dict[str, str]:
    """`queue/<id>`, `callback/<id>`, `webhook/<id>` -> version (or a content fingerprint)."""
    out = {f"queue/{q.id}": _version(q.version, q) for q in live.queues}
    out.update({f"webhook/{w.id}": _version(w.version, w) for w in live.webhooks})
    out.update({f"callback/{c.id}": _version(c.version, c) for c in live.callbacks})
    return dict(sorted(out.items()))


def usage_of(
    target: QueueTarget, booked_before: int, after: Mapping[datetime, int], now: datetime
) -> QueueUsage:
    """The usage row of one queue: `booked_before` from the platform, `after` the plan's load."""
    future = {slot: n for slot, n in after.items() if slot > now and n > 0}
    return QueueUsage(
        capacity=target.capacity.name,
        queue_id=target.queue_id,
        queue_name=target.live.name,
        concurrency_limit=target.limit,
        slot_minutes=target.calendar.slot_minutes,
        booked_before=booked_before,
        booked_after=sum(future.values()),
        slots_used=len(future),
        full_slots=sum(1 for n in future.values() if n >= target.limit),
        peak=max(future.values(), default=0),
    )
