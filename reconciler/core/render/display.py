"""Redacted, JSON-ready views of plan parts, shared by every renderer and the saved plan.

This is the one place where a plan's values become something a person or a file sees, so it is
also where redaction happens: callback numbers are masked (the planner already masks the ones in
field changes; masking again is harmless), secret values never exist here (only references and
"sensitive" markers), and free text (reasons, URLs, messages) goes through `redact_text`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final

from reconciler.core.actions import (
    Action,
    ActionType,
    Desired,
    DesiredCallback,
    DesiredQueueSettings,
    DesiredWebhook,
    FieldChange,
)
from reconciler.core.model import LABEL_SPEC_HASH
from reconciler.core.planner.queues import hours_json
from reconciler.core.planner.spechash import channels_spec, utc_text
from reconciler.core.problems import Problem
from reconciler.core.redact import MASK, mask_number, redact_mapping, redact_text

VERBS: Final = {
    ActionType.CREATE: "created",
    ActionType.UPDATE: "updated",
    ActionType.RESCHEDULE: "rescheduled",
    ActionType.CANCEL: "canceled",
    ActionType.ADOPT: "adopted",
    ActionType.DELETE: "deleted",
    ActionType.NOOP: "left as it is",
}
_NUMBER_PATHS: Final = frozenset({"callback_number"})


@lru_cache(maxsize=8192)
def redacted(text: str) -> str:
    """`redact_text`, remembered: plans repeat the same reasons and values many times."""
    return redact_text(text)


def clean(value: Any) -> Any:
    """A JSON-ready value with numbers masked and secrets redacted."""
    if isinstance(value, str):
        return redacted(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return redact_mapping(value)


def masked(value: Any) -> str | None:
    """A callback number masked, leaving one that is masked already as it is."""
    if value is None:
        return None
    text = str(value)
    return text if MASK in text else mask_number(text)


def change_view(change: FieldChange) -> dict[str, Any]:
    if change.path in _NUMBER_PATHS:
        return {"path": change.path, "before": masked(change.before), "after": masked(change.after)}
    return {"path": change.path, "before": clean(change.before), "after": clean(change.after)}


def desired_view(desired: Desired | None) -> dict[str, Any] | None:
    """What an action writes, redacted; the secret only as its reference (env:/file:)."""
    if isinstance(desired, DesiredCallback):
        return {
            "callback_id": desired.callback_id,
            "callback_number": mask_number(desired.callback_number),
            "queue_id": desired.queue_id,
            "slot_start": utc_text(desired.slot_start),
            "slot_end": utc_text(desired.slot_end),
            "reason": redacted(desired.reason),
            "channel_preferences": channels_spec(desired.channel_preferences),
            "concurrency_limit": desired.concurrency_limit,
            "labels": _labels(desired.labels),
        }
    if isinstance(desired, DesiredWebhook):
        return {
            "name": desired.name,
            "url": redacted(desired.url),
            "content_type": desired.content_type,
            "enabled": desired.enabled,
            "events": list(desired.events),
            "secret_ref": str(desired.secret) if desired.secret else None,
            "labels": _labels(desired.labels),
        }
    if isinstance(desired, DesiredQueueSettings):
        return _queue_view(desired)
    return None


def _labels(labels: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Ownership labels as shown: the spec hash is left out (it is derived from the number)."""
    return {key: value for key, value in labels if key != LABEL_SPEC_HASH}


def _queue_view(desired: DesiredQueueSettings) -> dict[str, Any]:
    view: dict[str, Any] = {"queue_id": desired.queue_id}
    for name in ("concurrency_limit", "slot_minutes", "timezone"):
        if getattr(desired, name) is not None:
            view[name] = getattr(desired, name)
    if desired.operating_hours is not None:
        view["operating_hours"] = hours_json(desired.operating_hours)
    if desired.holidays is not None:
        view["holidays"] = list(desired.holidays)
    return view


def action_view(action: Action) -> dict[str, Any]:
    return {
        "type": str(action.type),
        "resource": str(action.resource),
        "address": action.address,
        "reason": redacted(action.reason),
        "drift": action.drift,
        "phase": int(action.phase),
        "live_id": action.live_id,
        "live_version": action.live_version,
        "changes": [change_view(c) for c in action.changes],
        "desired": desired_view(action.desired),
    }


def problem_view(problem: Problem) -> dict[str, Any]:
    return {
        "code": problem.code,
        "severity": str(problem.severity),
        "message": redacted(problem.message),
        "file": problem.origin.file,
        "line": problem.line,
        "column": problem.column,
        "path": problem.origin.pointer,
        "hint": problem.hint,
    }


def show(value: Any) -> str:
    """A value as it reads in text output: strings quoted, None as (none)."""
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return str(value)
