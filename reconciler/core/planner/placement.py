"""Choosing a slot for every reservation of one queue.

The fast path keeps every sticky callback where it is (as far as the concurrency limit allows,
after the callbacks gcbctl cannot move) and runs the matching only over the reservations that need
a slot, on the capacity left. Only if that leaves something unplaced does the full matching run,
over sticky and unplaced reservations together, with a cost for moving a booked callback larger
than any preference: a booked callback moves only when that is the one way to place another.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Final

from reconciler.core.planner.entries import Disposition, Entry
from reconciler.core.planner.matching import UNPLACED, assign
from reconciler.core.planner.slots import QueueSlots
from reconciler.core.planner.targets import QueueTarget
from reconciler.core.problems import Problem

MOVE_PENALTY: Final = 10**12
"""Cost of moving a booked callback in the full matching; dwarfs every preference cost."""
SHOWN_SLOTS: Final = 8


@dataclass(frozen=True, slots=True)
class Placement:
    """The slot of every placed reservation, what could not be placed, and the load after.

    `revised` holds entries whose disposition placement changed (a booked callback bumped from
    a slot over the limit), so that the diff explains the move.
    """

    slots: Mapping[str, datetime]
    unplaced: tuple[Entry, ...]
    load: Mapping[datetime, int]
    problems: tuple[Problem, ...]
    revised: Mapping[str, Entry]


def place(
    target: QueueTarget, options: QueueSlots, entries: Sequence[Entry], base: Mapping[datetime, int]
) -> Placement:
    """Slots for the STICKY and PLACE entries of one queue, on top of the `base` load."""
    load: Counter[datetime] = Counter(base)
    kept: dict[str, datetime] = {}
    kept_entries: list[Entry] = []
    revised: dict[str, Entry] = {}
    todo = [e for e in entries if e.disposition is Disposition.PLACE]
    for entry in sorted(
        (e for e in entries if e.disposition is Disposition.STICKY), key=lambda e: e.callback_id
    ):
        if entry.live is None:  # STICKY entries are always booked; keeps mypy informed
            continue
        slot = options.slot_of(entry.live.callback_time)
        if load[slot] < target.limit:
            kept[entry.callback_id] = slot
            kept_entries.append(entry)
            load[slot] += 1
        else:
            note = f"booked slot {options.local_text(slot)} is over the limit"
            revised[entry.callback_id] = replace(entry, disposition=Disposition.PLACE, note=note)
            todo.append(revised[entry.callback_id])
    todo.sort(key=lambda e: e.order_key)
    chosen = _match(todo, options, load, target.limit, {})
    if any(chosen[e.callback_id] is None and options.open_slots(e.spans) for e in todo):
        todo = kept_entries + todo
        load = Counter(base)
        chosen = _match(todo, options, load, target.limit, kept)
        kept = {}
    slots = {**kept, **{cid: s for cid, s in chosen.items() if s is not None}}
    for placed in chosen.values():
        if placed is not None:
            load[placed] += 1
    unplaced = tuple(e for e in todo if chosen[e.callback_id] is None)
    problems = tuple(_unplaceable(e, options, load, target) for e in unplaced)
    return Placement(slots, unplaced, load, problems, revised)


def _match(
    todo: Sequence[Entry],
    options: QueueSlots,
    load: Mapping[datetime, int],
    limit: int,
    current: Mapping[str, datetime],
) -> dict[str, datetime | None]:
    """callback id -> slot for `todo`, in that order; `current` slots cost nothing to keep.

    Each demand keeps only its `len(todo)` cheapest slots with room: the others can never be
    needed (one of those always has room left for it), which bounds the work for long windows.
    """
    index: dict[datetime, int] = {}
    demands: list[list[tuple[int, int]]] = []
    for entry in todo:
        here = current.get(entry.callback_id)
        row = []
        for slot, preference in options.open_slots(entry.spans):
            if limit - load.get(slot, 0) <= 0:
                continue
            cost = preference
            if here is not None:
                cost = 0 if slot == here else MOVE_PENALTY + preference
            row.append((slot, cost))
        if len(row) > len(todo):
            row = sorted(row, key=lambda pair: (pair[1], pair[0]))[: len(todo)]
        demands.append([(index.setdefault(slot, len(index)), cost) for slot, cost in row])
    by_index = list(index)
    capacity = [limit - load.get(slot, 0) for slot in by_index]
    result = assign(demands, capacity)
    return {
        entry.callback_id: (None if at == UNPLACED else by_index[at])
        for entry, at in zip(todo, result, strict=True)
    }


def _unplaceable(
    entry: Entry, options: QueueSlots, load: Mapping[datetime, int], target: QueueTarget
) -> Problem:
    """An error naming the full and closed slots of the reservation's windows."""
    seen = [(slot, why) for slot, why in options.blocked(entry.spans)]
    seen += [
        (slot, f"full ({load.get(slot, 0)}/{target.limit})")
        for slot, _ in options.open_slots(entry.spans)
    ]
    seen.sort()
    shown = [f"{options.local_text(slot)} {why}" for slot, why in seen[:SHOWN_SLOTS]]
    if len(seen) > SHOWN_SLOTS:
        shown.append(f"and {len(seen) - SHOWN_SLOTS} more")
    detail = (
        "; ".join(shown)
        if shown
        else (f"no {options.calendar.slot_minutes}-minute grid slot fits inside its windows")
    )
    return Problem(
        code="timeslot.unplaceable",
        message=f"{entry.address}: no slot can take this callback: {detail}",
        origin=entry.reservation.origin.child("timeSlots"),
        hint="add or widen a window, raise concurrencyLimit, or free capacity on the queue",
    )
