"""A pure stand-in for applying a plan: what the platform would look like after each action.

It follows callback-api.md (creates book the chosen slot, PATCH merges labels, DELETE cancels,
webhook PUT keeps an omitted secret) closely enough for the planner's laws to be checked
without a server.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from itertools import groupby

from reconciler.core.actions import (
    ActionType,
    DesiredCallback,
    DesiredQueueSettings,
    DesiredWebhook,
)
from reconciler.core.live import (
    CallbackStatus,
    LiveCallback,
    LiveQueue,
    LiveState,
    LiveWebhook,
    LiveWindow,
)
from reconciler.core.planner import Plan


def apply_plan(
    plan: Plan, live: LiveState, digests: Mapping[str, str | None] | None = None
) -> LiveState:
    queues = {q.id: q for q in live.queues}
    callbacks = {c.id: c for c in live.callbacks}
    hooks = {h.id: h for h in live.webhooks}
    for n, action in enumerate(plan.actions):
        desired = action.desired
        if isinstance(desired, DesiredQueueSettings):
            queues[desired.queue_id] = _queue(queues[desired.queue_id], desired)
        elif action.type is ActionType.CANCEL:
            old = callbacks[action.live_id or ""]
            callbacks[old.id] = replace(
                old, status=CallbackStatus.CANCELED, version=old.version + 1
            )
        elif action.type is ActionType.DELETE:
            hooks.pop(action.live_id or "")
        elif isinstance(desired, DesiredCallback):
            live_id = action.live_id or f"{desired.callback_id}-sim{n}"
            callbacks[live_id] = _callback(live_id, callbacks.get(live_id), desired)
        elif isinstance(desired, DesiredWebhook):
            live_id = action.live_id or f"hook-sim{n}"
            hooks[live_id] = _webhook(live_id, hooks.get(live_id), desired, digests or {})
    return LiveState(tuple(queues.values()), tuple(callbacks.values()), tuple(hooks.values()))


def _queue(queue: LiveQueue, want: DesiredQueueSettings) -> LiveQueue:
    return replace(
        queue,
        concurrency_limit=want.concurrency_limit or queue.concurrency_limit,
        slot_minutes=want.slot_minutes or queue.slot_minutes,
        timezone=want.timezone or queue.timezone,
        operating_hours=want.operating_hours
        if want.operating_hours is not None
        else queue.operating_hours,
        holidays=(
            tuple(date.fromisoformat(d) for d in want.holidays)
            if want.holidays is not None
            else queue.holidays
        ),
        version=queue.version + 1,
    )


def _callback(live_id: str, old: LiveCallback | None, want: DesiredCallback) -> LiveCallback:
    labels = {**(old.labels if old else {}), **dict(want.labels)}
    return LiveCallback(
        id=live_id,
        callback_id=want.callback_id,
        callback_number=want.callback_number,
        callback_time=want.slot_start,
        queue_id=want.queue_id,
        status=CallbackStatus.SCHEDULED,
        reason=want.reason,
        time_slot_matrix=(LiveWindow(want.slot_start, want.slot_end),),
        channel_preferences=want.channel_preferences,
        labels=labels,
        version=(old.version + 1) if old else 1,
    )


def _webhook(
    live_id: str, old: LiveWebhook | None, want: DesiredWebhook, digests: Mapping[str, str | None]
) -> LiveWebhook:
    secret = digests.get(str(want.secret)) if want.secret else None
    return LiveWebhook(
        id=live_id,
        name=want.name,
        url=want.url,
        content_type=want.content_type,
        enabled=want.enabled,
        events=want.events,
        secret_sha256=secret if secret is not None else (old.secret_sha256 if old else None),
        labels={**(old.labels if old else {}), **dict(want.labels)},
        version=(old.version + 1) if old else 1,
    )


def phase_overflows(plan: Plan, live: LiveState) -> list[str]:
    """Slots that an apply could overfill: each phase's arrivals counted before its departures.

    Actions of one phase run concurrently, so a phase is safe only if every slot can take all
    the callbacks arriving in it while everything leaving in the same phase is still there.
    """
    occupied: Counter[tuple[str, object]] = Counter(
        (c.queue_id, c.callback_time) for c in live.callbacks if c.status.occupies_slot
    )
    where = {c.id: (c.queue_id, c.callback_time) for c in live.callbacks}
    problems = []
    for phase, group in groupby(plan.actions, key=lambda a: a.phase):
        steps = list(group)
        arriving: Counter[tuple[str, object]] = Counter()
        limits: dict[tuple[str, object], int] = {}
        for action in steps:
            want = action.desired
            moving = action.type is ActionType.CREATE or any(
                c.path == "slot" for c in action.changes
            )
            if isinstance(want, DesiredCallback) and moving:
                key = (want.queue_id, want.slot_start)
                arriving[key] += 1
                limits[key] = want.concurrency_limit
        for key, count in arriving.items():
            if occupied[key] + count > limits[key]:
                problems.append(f"phase {phase}: {key} would hold {occupied[key] + count}")
        for action in steps:
            if action.live_id in where and (
                action.type is ActionType.CANCEL or any(c.path == "slot" for c in action.changes)
            ):
                occupied[where[action.live_id]] -= 1
        occupied.update(arriving)
    return problems
