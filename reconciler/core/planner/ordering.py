"""Putting a plan's actions in the order an apply must run them.

Phases come from `phases.Phase`. Within the reschedule phase a callback may be planned into a
slot that another callback only leaves in that same phase; running both at once could meet a full
slot. So reschedules are split into waves: a wave holds the moves whose target slot has room
once the earlier waves are done. A cycle of moves between full slots cannot be ordered at all: one
callback of the cycle is canceled before the moves and booked again after them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from reconciler.core.actions import Action, ActionType, DesiredCallback, live_identity
from reconciler.core.live import LiveCallback
from reconciler.core.planner.phases import Phase
from reconciler.core.planner.slots import QueueSlots
from reconciler.core.planner.targets import QueueTarget

Load = Mapping[str, Mapping[datetime, int]]
"""queue id -> slot start -> callbacks occupying it."""
Move = tuple[str, datetime, datetime | None]
"""(queue id, target slot, slot left) of one callback move."""


def _move(
    action: Action, live: Mapping[str, LiveCallback], slots: Mapping[str, QueueSlots]
) -> Move | None:
    """(queue id, target slot, slot left) of a callback move, or None for anything else."""
    want = action.desired
    if action.phase != Phase.RESCHEDULE or not isinstance(want, DesiredCallback):
        return None
    found = live.get(action.live_id or "")
    old = slots[want.queue_id].slot_of(found.callback_time) if found else None
    return want.queue_id, want.slot_start, old


LAST_WAVE = Phase.RESCHEDULE_LAST - Phase.RESCHEDULE
REBOOK_REASON = "canceled and booked anew: its move is part of a cycle of moves between full slots"


def reschedule_waves(
    actions: Sequence[Action],
    live: Mapping[str, LiveCallback],
    queues: Mapping[str, tuple[QueueTarget, QueueSlots]],
    load: Load,
) -> list[Action]:
    """`actions` with each reschedule in its wave; `load` is the slots' load before reschedules.

    Moves that cannot be ordered (a cycle between full slots, or a chain longer than the waves)
    become a cancel (which runs before every move) and a create (which runs after them all).
    """
    slots = {queue_id: pair[1] for queue_id, pair in queues.items()}
    limits = {queue_id: pair[0].limit for queue_id, pair in queues.items()}
    moves = {i: m for i, a in enumerate(actions) if (m := _move(a, live, slots)) is not None}
    pending = sorted(moves, key=lambda i: (moves[i][0], moves[i][1], actions[i].address))
    occupied = {queue: Counter(found) for queue, found in load.items()}
    wave_of: dict[int, int] = {}
    rebook: list[int] = []
    wave = 0
    while pending:
        now_wave, later = _next_wave(pending, moves, occupied, limits)
        if not now_wave:
            rebook.append(pending[0])
            _leave(occupied, moves[pending[0]])
            pending = pending[1:]
            continue
        for i in now_wave:
            wave_of[i] = wave
            occupied[moves[i][0]][moves[i][1]] += 1
            _leave(occupied, moves[i])
        pending, wave = later, wave + 1
        if pending and wave > LAST_WAVE:
            rebook += pending
            pending = []
    out: list[Action] = []
    for i, action in enumerate(actions):
        if i in wave_of:
            out.append(replace(action, phase=Phase.reschedule_wave(wave_of[i])))
        elif i in rebook:
            out += _rebooked(action)
        else:
            out.append(action)
    return out


def _next_wave(
    pending: Sequence[int],
    moves: Mapping[int, Move],
    occupied: Mapping[str, Counter[datetime]],
    limits: Mapping[str, int],
) -> tuple[list[int], list[int]]:
    """(moves whose target has room now, the rest)."""
    incoming: Counter[tuple[str, datetime]] = Counter()
    now_wave: list[int] = []
    later: list[int] = []
    for i in pending:
        queue, slot, _ = moves[i]
        if limits[queue] - occupied[queue][slot] - incoming[(queue, slot)] > 0:
            incoming[(queue, slot)] += 1
            now_wave.append(i)
        else:
            later.append(i)
    return now_wave, later


def _leave(occupied: Mapping[str, Counter[datetime]], move: Move) -> None:
    queue, _, old = move
    if old is not None:
        occupied[queue][old] -= 1


def _rebooked(action: Action) -> list[Action]:
    cancel = replace(
        action,
        type=ActionType.CANCEL,
        desired=None,
        changes=(),
        reason=REBOOK_REASON,
        phase=Phase.CANCELS,
    )
    create = replace(
        action,
        type=ActionType.CREATE,
        **live_identity(None),
        reason=REBOOK_REASON,
        phase=Phase.CREATES,
    )
    return [cancel, create]


def sort_actions(actions: Sequence[Action]) -> tuple[tuple[Action, ...], tuple[Action, ...]]:
    """(steps in phase order then by address, no-ops by address): always listed the same way."""
    steps = [a for a in actions if a.type is not ActionType.NOOP]
    noops = [a for a in actions if a.type is ActionType.NOOP]
    steps.sort(key=lambda a: (int(a.phase), a.address, str(a.type), a.live_id or ""))
    noops.sort(key=lambda a: (a.address, a.live_id or ""))
    return tuple(steps), tuple(noops)
