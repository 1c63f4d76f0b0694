"""`make_plan`: desired state + live state + the time -> a `Plan`. Pure: no I/O, no clock.

The steps, in order: bind each QueueCapacity to its live queue; diff queue settings and
webhooks; give every declared reservation a disposition; decide the prunes (they free room);
count what occupies each slot and cannot move; place the reservations queue by queue; diff
callbacks against their chosen slots; order the actions in phases and reschedule waves; check
the mass-cancel guard; record reads and usage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime

from reconciler.core.actions import Action, ActionType
from reconciler.core.live import LiveCallback, LiveState
from reconciler.core.model import ManifestSet
from reconciler.core.planner.callbacks import callback_actions
from reconciler.core.planner.entries import Disposition, Entry, classify, current_callback
from reconciler.core.planner.observed import reads_of, slot_loads, usage_of
from reconciler.core.planner.ordering import reschedule_waves, sort_actions
from reconciler.core.planner.placement import place
from reconciler.core.planner.plan import Plan, QueueUsage
from reconciler.core.planner.plan_problems import (
    duplicate_problem,
    past_problem,
    unknown_queue_problem,
)
from reconciler.core.planner.prune import mass_cancel_problems, prune_actions
from reconciler.core.planner.queues import queue_actions
from reconciler.core.planner.targets import QueueTarget, resolve_targets, targets_by_queue_id
from reconciler.core.planner.webhooks import webhook_actions
from reconciler.core.problems import Problem

_EMPTY: Mapping[str, str | None] = {}


def make_plan(
    desired: ManifestSet,
    live: LiveState,
    *,
    now: datetime,
    secret_digests: Mapping[str, str | None] = _EMPTY,
    allow_mass_cancel: bool = False,
) -> Plan:
    """The actions that bring `live` to `desired` at time `now` (aware), with every problem."""
    targets, problems = resolve_targets(desired, live.queues)
    by_queue = targets_by_queue_id(targets)
    problem_list = list(problems)
    actions: list[Action] = [a for name in sorted(targets) for a in queue_actions(targets[name])]
    hook_actions, hook_problems = webhook_actions(desired.webhooks, live.webhooks, secret_digests)
    actions += hook_actions
    problem_list += hook_problems
    entries, declared, entry_problems = _entries(desired, targets, live.callbacks, now)
    problem_list += entry_problems
    planned = {b.name for b in desired.batches if b.queue in targets}
    prunes = prune_actions(
        [b for b in desired.batches if b.name in planned], live.callbacks, declared, now
    )
    actions += prunes
    if prunes and not allow_mass_cancel:
        problem_list += mass_cancel_problems(desired.batches, prunes, live.callbacks)
    movable = {e.live.id for e in entries if e.live and e.disposition in _MOVABLE}
    pruned = {a.live_id for a in prunes if a.live_id}
    base = slot_loads(by_queue, live.callbacks, movable | pruned)
    usage: list[QueueUsage] = []
    for queue_id, target in sorted(by_queue.items()):
        mine = [e for e in entries if e.target.queue_id == queue_id]
        placement = place(
            target, [e for e in mine if e.disposition in _MOVABLE], base[queue_id], now
        )
        problem_list += placement.problems
        for entry in mine:
            actions += callback_actions(entry, placement.slots.get(entry.callback_id))
        usage.append(usage_of(target, live.callbacks, placement.load, now))
    live_by_id = {c.id: c for c in live.callbacks}
    before_moves = slot_loads(by_queue, live.callbacks, pruned | _canceled(actions))
    actions = reschedule_waves(actions, live_by_id, by_queue, before_moves)
    ordered = sort_actions(actions)
    return Plan(
        actions=tuple(a for a in ordered if a.type is not ActionType.NOOP),
        noops=tuple(a for a in ordered if a.type is ActionType.NOOP),
        problems=tuple(sorted(problem_list, key=lambda p: (*p.sort_key(), p.message))),
        reads=reads_of(live),
        usage=tuple(usage),
        now=now,
    )


_MOVABLE = (Disposition.STICKY, Disposition.PLACE)


def _canceled(actions: list[Action]) -> set[str]:
    return {a.live_id for a in actions if a.type is ActionType.CANCEL and a.live_id}


def _entries(
    desired: ManifestSet,
    targets: Mapping[str, QueueTarget],
    callbacks: tuple[LiveCallback, ...],
    now: datetime,
) -> tuple[list[Entry], set[str], list[Problem]]:
    """Every declared reservation classified; all declared ids; problems (past, duplicate...)."""
    found: dict[str, list[LiveCallback]] = defaultdict(list)
    for callback in callbacks:
        found[callback.callback_id].append(callback)
    entries: list[Entry] = []
    declared: set[str] = set()
    problems: list[Problem] = []
    for batch in sorted(desired.batches, key=lambda b: b.name):
        target = targets.get(batch.queue)
        if target is None and desired.queue_by_name(batch.queue) is None:
            problems.append(unknown_queue_problem(batch.name, batch.queue, batch.origin))
        for reservation in sorted(batch.reservations, key=lambda r: r.callback_id):
            if reservation.callback_id in declared:
                problems.append(
                    duplicate_problem(batch.reservation_address(reservation), reservation)
                )
                continue
            declared.add(reservation.callback_id)
            if target is None:
                continue
            live = current_callback(found.get(reservation.callback_id, ()))
            entry = classify(batch, reservation, target, live, now)
            if entry.disposition is Disposition.PAST:
                problems.append(past_problem(entry))
            entries.append(entry)
    return entries, declared, problems
