"""Saved plans: what `plan --out FILE` writes and `apply FILE` checks before it acts.

A saved plan is a record, not a recipe. It holds the identity of every action (kind, address,
live id and version, and a fingerprint of what it writes), the versions or fingerprints of every
live object the plan read, and the digest and paths of the manifests. Applying it reloads the
same manifests (the digest must match), reads the platform again, plans again, and refuses
(exit 4) unless the new plan is the same plan and nothing it touches has changed since. So the
file needs no secrets, no callback numbers and no slot details beyond the fingerprints, and
it has none: reasons are redacted and fingerprints leave callback numbers out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from reconciler.core.actions import Action
from reconciler.core.planner.plan import Plan
from reconciler.core.planner.spechash import fields_of, spec_hash, utc_text
from reconciler.core.render.display import redacted
from reconciler.errors import RefusedError, UsageError

FORMAT_VERSION: Final = "1"
KIND: Final = "gcbctl-saved-plan"
SHOWN: Final = 5
_HIDDEN_FIELDS: Final = frozenset({"callback_number", "labels"})


def fingerprint(action: Action) -> str:
    """What the action writes, hashed without the callback number or labels ("" for none)."""
    if action.desired is None:
        return ""
    return spec_hash(fields_of(action.desired, hidden=_HIDDEN_FIELDS))


@dataclass(frozen=True, slots=True)
class SavedAction:
    type: str
    resource: str
    address: str
    live_id: str | None
    live_version: int | None
    fingerprint: str
    phase: int = 0
    drift: bool = False
    reason: str = ""

    @property
    def identity(self) -> tuple[str, str, str, str, int, str]:
        return (
            self.type,
            self.resource,
            self.address,
            self.live_id or "",
            self.live_version or 0,
            self.fingerprint,
        )

    @property
    def read_key(self) -> str | None:
        return f"{self.resource}/{self.live_id}" if self.live_id else None

    def as_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def of(cls, action: Action) -> SavedAction:
        return cls(
            type=str(action.type),
            resource=str(action.resource),
            address=action.address,
            live_id=action.live_id,
            live_version=action.live_version,
            fingerprint=fingerprint(action),
            phase=int(action.phase),
            drift=action.drift,
            reason=redacted(action.reason),
        )


@dataclass(frozen=True, slots=True)
class SavedPlan:
    tool_version: str
    manifest_digest: str
    paths: tuple[str, ...]
    actions: tuple[SavedAction, ...]
    reads: Mapping[str, str] = field(default_factory=dict)
    planned_at: str | None = None
    format_version: str = FORMAT_VERSION


def dump(
    plan: Plan, *, manifest_digest: str, paths: Sequence[str], tool_version: str
) -> dict[str, Any]:
    """The JSON-ready record of `plan` (stable key order)."""
    return {
        "kind": KIND,
        "format_version": FORMAT_VERSION,
        "tool_version": tool_version,
        "planned_at": utc_text(plan.now) if plan.now else None,
        "manifests": {"digest": manifest_digest, "paths": list(paths)},
        "summary": plan.summary(),
        "actions": [SavedAction.of(a).as_json() for a in plan.actions],
        "reads": dict(plan.reads),
    }


def load(data: Mapping[str, Any]) -> SavedPlan:
    """A saved plan from its JSON value; refuses a file of another kind or format version."""
    if not isinstance(data, Mapping) or data.get("kind") != KIND:
        raise UsageError("this file is not a saved gcbctl plan", hint="create one with plan --out")
    if data.get("format_version") != FORMAT_VERSION:
        raise RefusedError(
            f"saved plan format {data.get('format_version')!r} is not {FORMAT_VERSION!r}",
            hint="plan again with this version of gcbctl",
        )
    try:
        manifests = data["manifests"]
        return SavedPlan(
            tool_version=str(data["tool_version"]),
            manifest_digest=str(manifests["digest"]),
            paths=tuple(str(p) for p in manifests["paths"]),
            actions=tuple(SavedAction(**a) for a in data["actions"]),
            reads={str(k): str(v) for k, v in data["reads"].items()},
            planned_at=data.get("planned_at"),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise UsageError(
            f"the saved plan is damaged ({exc})", hint="plan again with --out"
        ) from exc


def stale_reasons(saved: SavedPlan, fresh: Plan, *, manifest_digest: str) -> tuple[str, ...]:
    """Why `fresh` (planned now from the same manifests) is not the plan that was saved."""
    if saved.manifest_digest != manifest_digest:
        return ("the manifests changed since the plan was saved",)
    reasons = []
    for action in saved.actions:
        key = action.read_key
        if key is not None and fresh.reads.get(key) != saved.reads.get(key):
            was, now = saved.reads.get(key), fresh.reads.get(key, "gone")
            reasons.append(f"{action.address}: {key} changed since the plan ({was} -> {now})")
    wanted = {a.identity: a for a in saved.actions}
    planned = {s.identity: s for s in (SavedAction.of(a) for a in fresh.actions)}
    reasons += [
        f"no longer planned: {a.type} {a.address}" for k, a in wanted.items() if k not in planned
    ]
    reasons += [
        f"newly planned: {a.type} {a.address}" for k, a in planned.items() if k not in wanted
    ]
    return tuple(reasons)


def ensure_current(saved: SavedPlan, fresh: Plan, *, manifest_digest: str) -> None:
    """Raise `RefusedError` (exit 4) unless `fresh` is exactly the saved plan."""
    reasons = stale_reasons(saved, fresh, manifest_digest=manifest_digest)
    if not reasons:
        return
    shown = "; ".join(reasons[:SHOWN]) + (
        f"; and {len(reasons) - SHOWN} more" if len(reasons) > SHOWN else ""
    )
    raise RefusedError(
        f"the saved plan is stale: {shown}", hint="run gcbctl plan again and review it"
    )
