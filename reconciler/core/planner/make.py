"""`make_plan`: desired state + live state + the time -> a `Plan`. Pure: no I/O, no clock.

The steps, in order: bind each QueueCapacity to its live queue; diff queue settings and
webhooks; give every declared reservation a disposition; decide the prunes (they free room);
count what occupies each slot and cannot move; place the reservations queue by queue; diff
callbacks against their chosen slots; order the actions in phases and reschedule waves; check
the mass-cancel guard; record reads and usage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from reconciler.core.actions import Action, ActionType
from reconciler.core.live import LiveCallback, LiveState
from reconciler.core.model import ManifestSet
from reconciler.core.planner.callbacks import callback_actions
from reconciler.core.planner.entries import Disposition, Entry, classify, current_callback
from reconciler.core.planner.observed import booked_counts, reads_of, slot_loads, usage_of
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
from reconciler.core.planner.slots import QueueSlots
from reconciler.core.planner.targets import QueueTarget, resolve_targets
from reconciler.core.planner.webhooks import webhook_actions
from reconciler.core.problems import Problem

_EMPTY: Mapping[str, str | None] = {}
_MOVABLE = (Disposition.STICKY, Disposition.PLACE)
Queues = dict[str, tuple[QueueTarget, QueueSlots]]
"""live queue id -> (target, its slot calendar), for every queue the plan manages."""


def make_plan(
    desired: ManifestSet,
    live: LiveState,
    *,
    now: datetime,
    secret_digests: Mapping[str, str | None] = _EMPTY,
    allow_mass_cancel: bool = False,
) -> Plan:
    """The actions that bring `live` to `desired` at time `now` (aware), with every problem."""
    targets, target_problems = resolve_targets(desired, live.queues)
    queues: Queues = {t.queue_id: (t, QueueSlots(t.calendar, now)) for t in targets.values()}
    problems = list(target_problems)
    actions = [a for name in sorted(targets) for a in queue_actions(targets[name])]
    hook_actions, hook_problems = webhook_actions(desired.webhooks, live.webhooks, secret_digests)
    actions += hook_actions
    problems += hook_problems
    entries, declared, entry_problems = _entries(desired, targets, queues, live.callbacks)
    problems += entry_problems
    pruning = [b for b in desired.batches if b.queue in targets]
    prunes = prune_actions(pruning, live.callbacks, declared, now)
    actions += prunes
    if prunes and not allow_mass_cancel:
        problems += mass_cancel_problems(desired.batches, prunes, live.callbacks)
    callback_part, usage, placement_problems = _callbacks(entries, queues, live, prunes, now)
    actions += callback_part
    problems += placement_problems
    steps, noops = sort_actions(actions)
    return Plan(
        actions=steps,
        noops=noops,
        problems=tuple(sorted(problems, key=lambda p: (*p.sort_key(), p.message))),
        reads=reads_of(live),
        usage=usage,
        now=now,
    )


def _callbacks(
    entries: Sequence[Entry],
    queues: Queues,
    live: LiveState,
    prunes: Sequence[Action],
    now: datetime,
) -> tuple[list[Action], tuple[QueueUsage, ...], list[Problem]]:
    """Place every queue's reservations, diff them, and order the moves in waves."""
    slots = {queue_id: pair[1] for queue_id, pair in queues.items()}
    pruned = {a.live_id for a in prunes if a.live_id}
    movable = {e.live.id for e in entries if e.live and e.disposition in _MOVABLE}
    base = slot_loads(slots, live.callbacks, movable | pruned)
    by_queue: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_queue[entry.target.queue_id].append(entry)
    booked = booked_counts(live.callbacks, now)
    actions: list[Action] = []
    usage: list[QueueUsage] = []
    problems: list[Problem] = []
    for queue_id, (target, queue_slots) in sorted(queues.items()):
        mine = by_queue.get(queue_id, [])
        movers = [e for e in mine if e.disposition in _MOVABLE]
        placement = place(target, queue_slots, movers, base[queue_id])
        problems += placement.problems
        for declared in mine:
            entry = placement.revised.get(declared.callback_id, declared)
            actions += callback_actions(entry, placement.slots.get(entry.callback_id))
        usage.append(usage_of(target, booked.get(queue_id, 0), placement.load, now))
    canceled = pruned | {a.live_id for a in actions if a.type is ActionType.CANCEL and a.live_id}
    before_moves = slot_loads(slots, live.callbacks, canceled)
    live_by_id = {c.id: c for c in live.callbacks}
    actions = reschedule_waves(actions, live_by_id, queues, before_moves)
    return actions, tuple(usage), problems


def _entries(
    desired: ManifestSet,
    targets: Mapping[str, QueueTarget],
    queues: Queues,
    callbacks: Sequence[LiveCallback],
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
        where = (target, queues[target.queue_id][1], batch.address) if target else None
        for reservation in sorted(batch.reservations, key=lambda r: r.callback_id):
            if reservation.callback_id in declared:
                address = batch.reservation_address(reservation)
                problems.append(duplicate_problem(address, reservation))
                continue
            declared.add(reservation.callback_id)
            if where is None:
                continue
            live = current_callback(found.get(reservation.callback_id, ()))
            entry = classify(batch, reservation, where, live)
            if entry.disposition is Disposition.PAST:
                problems.append(past_problem(entry))
            entries.append(entry)
    return entries, declared, problems
