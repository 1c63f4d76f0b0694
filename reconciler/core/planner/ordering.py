"""Putting a plan's actions in the order an apply must run them.

Phases come from `phases.Phase`. Within the reschedule phase a callback may be planned into a
slot that another callback only leaves in that same phase; running both at once could meet a full
slot. So reschedules are split into waves: a wave holds the moves whose target slot has room
once the earlier waves are done. A cycle of moves between full slots cannot be ordered and ends up
in one last wave (the platform then decides; a re-plan converges).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from reconciler.core.actions import Action, DesiredCallback
from reconciler.core.live import LiveCallback
from reconciler.core.planner.phases import Phase
from reconciler.core.planner.slots import slot_of
from reconciler.core.planner.targets import QueueTarget

Load = Mapping[str, Mapping[datetime, int]]
"""queue id -> slot start -> callbacks occupying it."""


def _move(
    action: Action, live: Mapping[str, LiveCallback], targets: Mapping[str, QueueTarget]
) -> tuple[str, datetime, datetime | None] | None:
    """(queue id, target slot, slot left) of a callback move, or None for anything else."""
    want = action.desired
    if action.phase != Phase.RESCHEDULE or not isinstance(want, DesiredCallback):
        return None
    target = targets[want.queue_id]
    found = live.get(action.live_id or "")
    old = slot_of(found.callback_time, target.calendar) if found else None
    return want.queue_id, want.slot_start, old


def reschedule_waves(
    actions: Sequence[Action],
    live: Mapping[str, LiveCallback],
    targets: Mapping[str, QueueTarget],
    load: Load,
) -> list[Action]:
    """`actions` with every reschedule's phase set to its wave; `load` is before reschedules."""
    moves = {i: m for i, a in enumerate(actions) if (m := _move(a, live, targets)) is not None}
    pending = sorted(moves, key=lambda i: (moves[i][0], moves[i][1], actions[i].address))
    occupied = {queue: Counter(slots) for queue, slots in load.items()}
    wave_of: dict[int, int] = {}
    wave = 0
    while pending:
        incoming: Counter[tuple[str, datetime]] = Counter()
        now_wave: list[int] = []
        later: list[int] = []
        for i in pending:
            queue, slot, _ = moves[i]
            room = targets[queue].limit - occupied[queue][slot] - incoming[(queue, slot)]
            (now_wave if room > 0 else later).append(i)
            if room > 0:
                incoming[(queue, slot)] += 1
        if not now_wave:
            now_wave, later = later, []
        for i in now_wave:
            queue, slot, old = moves[i]
            wave_of[i] = wave
            occupied[queue][slot] += 1
            if old is not None:
                occupied[queue][old] -= 1
        pending, wave = later, wave + 1
    return [
        replace(a, phase=Phase.reschedule_wave(wave_of[i])) if i in wave_of else a
        for i, a in enumerate(actions)
    ]


def sort_actions(actions: Sequence[Action]) -> tuple[Action, ...]:
    """Phase order, then by address: the same plan always lists the same way."""
    return tuple(sorted(actions, key=lambda a: (a.phase, a.address, str(a.type), a.live_id or "")))
