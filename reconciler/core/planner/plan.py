"""The plan as a value: what `make_plan` returns and every renderer and executor reads.

`actions` are the steps to run, in order (no-ops excluded); `noops` are the objects found up to
date (or deliberately left alone) with the reason; drift is not a separate list but a flag on each
action, so that a drift fix is applied like any other step and still shown apart. `reads` records
the version (or a fingerprint) of every live object the plan was made from, for saved plans.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from reconciler.core.actions import Action, ActionType
from reconciler.core.problems import Problem

SUMMARY_KINDS = (
    ActionType.CREATE,
    ActionType.UPDATE,
    ActionType.RESCHEDULE,
    ActionType.CANCEL,
    ActionType.ADOPT,
    ActionType.DELETE,
)


@dataclass(frozen=True, slots=True)
class QueueUsage:
    """Slot usage of one managed queue after the plan, for the Markdown table.

    Counts are of callbacks occupying future slots (gcbctl's and everyone else's).
    """

    capacity: str
    queue_id: str
    queue_name: str
    concurrency_limit: int
    slot_minutes: int
    booked_before: int
    booked_after: int
    slots_used: int
    full_slots: int
    peak: int


@dataclass(frozen=True, slots=True)
class Plan:
    actions: tuple[Action, ...] = ()
    noops: tuple[Action, ...] = ()
    problems: tuple[Problem, ...] = ()
    reads: Mapping[str, str] = field(default_factory=dict)
    usage: tuple[QueueUsage, ...] = ()
    now: datetime | None = None

    @property
    def drift(self) -> tuple[Action, ...]:
        """Actions that undo or record a change made outside gcbctl."""
        return tuple(a for a in self.actions if a.drift)

    @property
    def changes(self) -> tuple[Action, ...]:
        """Actions that come from the manifests."""
        return tuple(a for a in self.actions if not a.drift)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def has_changes(self) -> bool:
        return bool(self.actions)

    def summary(self) -> dict[str, int]:
        """Counts per action type (create ... delete), plus `drift` and `no-op`."""
        counts = {str(kind): 0 for kind in SUMMARY_KINDS}
        for action in self.actions:
            counts[str(action.type)] += 1
        counts["drift"] = len(self.drift)
        counts[str(ActionType.NOOP)] = len(self.noops)
        return counts

    def summary_line(self) -> str:
        """`Plan: 1 to create, 0 to update, ...` in Terraform's words."""
        counts = self.summary()
        parts = [f"{counts[str(kind)]} to {kind}" for kind in SUMMARY_KINDS]
        return f"Plan: {', '.join(parts)}."
