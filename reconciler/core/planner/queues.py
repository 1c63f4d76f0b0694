"""Queue capacity changes: compare only the settings a `QueueCapacity` states.

A setting the manifest leaves out is not managed and never compared. Changes that open room
(a higher concurrency limit, new hours, holidays, slot length or timezone) run in the first phase
so that bookings can use them; a lower concurrency limit runs after callbacks have moved, so a
change that does both becomes two actions on the same queue. Queues carry no labels, so a
difference is reported as a manifest change: gcbctl cannot tell who changed a queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, TypeVar

from reconciler.core.actions import (
    Action,
    ActionType,
    DesiredQueueSettings,
    FieldChange,
    ResourceType,
)
from reconciler.core.model import UNSET, OperatingWindow, _Unset
from reconciler.core.planner.phases import Phase
from reconciler.core.planner.targets import QueueTarget
from reconciler.core.schedule import format_hhmm

T = TypeVar("T")


def hours_json(windows: Iterable[OperatingWindow]) -> list[dict[str, Any]]:
    """Operating hours in a canonical, JSON-ready order (days by weekday, then times)."""
    rows = [
        {
            "days": [str(d) for d in sorted(set(w.days), key=lambda d: d.number)],
            "open": format_hhmm(w.open_minute),
            "close": format_hhmm(w.close_minute),
        }
        for w in windows
    ]
    return sorted(rows, key=lambda r: (r["days"], r["open"], r["close"]))


def holidays_json(days: Iterable[date]) -> list[str]:
    return sorted({d.isoformat() for d in days})


def _stated(target: QueueTarget) -> dict[str, tuple[Any, Any]]:
    """field -> (live JSON value, desired JSON value) for every stated setting."""
    cap, live = target.capacity, target.live
    out: dict[str, tuple[Any, Any]] = {}
    if cap.concurrency_limit is not UNSET:
        out["concurrency_limit"] = (live.concurrency_limit, cap.concurrency_limit)
    if cap.slot_minutes is not UNSET:
        out["slot_minutes"] = (live.slot_minutes, cap.slot_minutes)
    if cap.timezone is not UNSET:
        out["timezone"] = (live.timezone, cap.timezone)
    if cap.operating_hours is not UNSET:
        out["operating_hours"] = (hours_json(live.operating_hours), hours_json(cap.operating_hours))
    if cap.holidays is not UNSET:
        out["holidays"] = (holidays_json(live.holidays), holidays_json(cap.holidays))
    return out


def queue_actions(target: QueueTarget) -> tuple[Action, ...]:
    """Zero, one or two updates (raise, lower) that bring the queue to its stated settings."""
    changes = {
        name: FieldChange(name, before, after)
        for name, (before, after) in _stated(target).items()
        if before != after
    }
    if not changes:
        return (_noop(target),)
    limit = changes.get("concurrency_limit")
    lowering = limit is not None and limit.after < limit.before
    raise_fields = [n for n in changes if not (lowering and n == "concurrency_limit")]
    actions = []
    if raise_fields:
        picked = tuple(changes[n] for n in raise_fields)
        actions.append(_update(target, picked, Phase.CAPACITY_RAISE, "raise"))
    if lowering and limit is not None:
        actions.append(_update(target, (limit,), Phase.CAPACITY_LOWER, "lower"))
    return tuple(actions)


def _pick(names: set[str], name: str, value: T | _Unset) -> T | None:
    return None if name not in names or value is UNSET else value


def _settings(target: QueueTarget, changes: tuple[FieldChange, ...]) -> DesiredQueueSettings:
    """Exactly the settings this action changes; the driver sends nothing else."""
    cap = target.capacity
    names = {c.path for c in changes}
    holidays = _pick(names, "holidays", cap.holidays)
    return DesiredQueueSettings(
        queue_id=target.queue_id,
        concurrency_limit=_pick(names, "concurrency_limit", cap.concurrency_limit),
        slot_minutes=_pick(names, "slot_minutes", cap.slot_minutes),
        timezone=_pick(names, "timezone", cap.timezone),
        operating_hours=_pick(names, "operating_hours", cap.operating_hours),
        holidays=None if holidays is None else tuple(holidays_json(holidays)),
    )


def _update(
    target: QueueTarget, changes: tuple[FieldChange, ...], phase: Phase, kind: str
) -> Action:
    fields = ", ".join(c.path for c in changes)
    what = "capacity raise" if kind == "raise" else "capacity lower, after callbacks moved"
    return Action(
        type=ActionType.UPDATE,
        resource=ResourceType.QUEUE,
        address=target.capacity.address,
        reason=f"queue {target.live.name} differs from the manifest ({fields}); {what}",
        desired=_settings(target, changes),
        live_id=target.queue_id,
        live_version=target.live.version,
        changes=changes,
        phase=phase,
    )


def _noop(target: QueueTarget) -> Action:
    return Action(
        type=ActionType.NOOP,
        resource=ResourceType.QUEUE,
        address=target.capacity.address,
        reason="stated settings match the live queue",
        live_id=target.queue_id,
        live_version=target.live.version,
        phase=Phase.NOOP,
    )
