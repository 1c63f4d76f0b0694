"""Pruning: cancel the callbacks a `prune: true` batch owns that left its manifest, and the guard
that stops a plan from cancelling most of a batch or everything at once by accident.

Only callbacks labelled as owned by that very batch are candidates, and only while they are still
scheduled in the future; a callback declared by any batch (it may have moved between batches) is
never pruned. The guard is reported as a `guard.mass-cancel` problem, which callers turn into a
refusal unless the user allowed mass cancels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Final

from reconciler.core.actions import Action, ActionType, ResourceType, live_identity
from reconciler.core.live import CallbackStatus, LiveCallback
from reconciler.core.model import ReservationBatch
from reconciler.core.planner.phases import Phase
from reconciler.core.planner.spechash import owner_of
from reconciler.core.problems import Problem

GUARD_CODE: Final = "guard.mass-cancel"


def prune_actions(
    batches: Sequence[ReservationBatch],
    callbacks: Sequence[LiveCallback],
    declared: Collection[str],
    now: datetime,
) -> list[Action]:
    """Cancels for owned, scheduled, future callbacks whose id no batch declares any more."""
    pruning = {batch.address: batch for batch in batches if batch.prune}
    out = []
    for callback in callbacks:
        owner = owner_of(callback.labels)
        if (
            owner in pruning
            and callback.status is CallbackStatus.SCHEDULED
            and callback.callback_time > now
            and callback.callback_id not in declared
        ):
            out.append(_cancel(owner, callback))
    return out


def _cancel(owner: str, callback: LiveCallback) -> Action:
    return Action(
        type=ActionType.CANCEL,
        resource=ResourceType.CALLBACK,
        address=f"{owner}/{callback.callback_id}",
        reason="no longer in the manifest (prune)",
        **live_identity(callback),
        phase=Phase.CANCELS,
    )


def mass_cancel_problems(
    batches: Sequence[ReservationBatch],
    cancels: Sequence[Action],
    callbacks: Sequence[LiveCallback],
) -> list[Problem]:
    """A problem per batch losing more than half its callbacks, or one for the whole org."""
    if not cancels:
        return []
    active = [c for c in callbacks if c.status.occupies_slot]
    owned = Counter(owner_of(c.labels) for c in active)
    lost = Counter(a.address.rsplit("/", 1)[0] for a in cancels)
    out = []
    for batch in batches:
        gone, had = lost.get(batch.address, 0), owned.get(batch.address, 0)
        if gone * 2 > had:
            out.append(
                Problem(
                    code=GUARD_CODE,
                    message=f"{batch.address}: the plan cancels {gone} of its {had} callbacks",
                    origin=batch.origin,
                    hint="check the manifest, or pass --allow-mass-cancel if this is intended",
                )
            )
    if len(cancels) >= len(active) and not out:
        out.append(
            Problem(
                code=GUARD_CODE,
                message=f"the plan cancels every callback of the organisation ({len(active)})",
                origin=batches[0].origin,
                hint="check the manifests, or pass --allow-mass-cancel if this is intended",
            )
        )
    return out
