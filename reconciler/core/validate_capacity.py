"""Demand against capacity: reservations that cannot all get a slot under the concurrency limit.

The planner finds an exact assignment (a maximum matching). Validation only needs to catch
demand that certainly cannot fit, cheaply: reservations that share slots form groups (a union of
their windows); a group whose reservations outnumber its slots times the concurrency limit
cannot be placed, whatever the assignment. Groups that pass may still fail in the planner in
rare interleavings; that is reported there, with the slots that were full.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from reconciler.core.model import UNSET, Reservation
from reconciler.core.problems import Problem
from reconciler.core.validate_batches import Demand, calendar_of
from reconciler.core.validate_windows import from_epoch_minute


def _find(parent: dict[int, int], slot: int) -> int:
    root = slot
    while parent[root] != root:
        root = parent[root]
    while parent[slot] != root:
        parent[slot], slot = root, parent[slot]
    return root


def _groups(
    wants: list[tuple[Reservation, tuple[int, ...]]],
) -> dict[int, tuple[set[int], list[Reservation]]]:
    parent: dict[int, int] = {}
    for _, slots in wants:
        for slot in slots:
            parent.setdefault(slot, slot)
        for slot in slots[1:]:
            parent[_find(parent, slot)] = _find(parent, slots[0])
    groups: dict[int, tuple[set[int], list[Reservation]]] = defaultdict(lambda: (set(), []))
    for reservation, slots in wants:
        if slots:
            slot_set, members = groups[_find(parent, slots[0])]
            slot_set.update(slots)
            members.append(reservation)
    return groups


def _some_slot_oversubscribed(wants: list[tuple[Reservation, tuple[int, ...]]], limit: int) -> bool:
    """Whether any slot is wanted by more than `limit` reservations.

    A group can only exceed its capacity if one of its slots is wanted more than `limit` times
    (each member wants at least one of the group's slots), so when none is, the grouping can be
    skipped: the common case for a well-spread batch.
    """
    wanted: Counter[int] = Counter()
    for _, slots in wants:
        wanted.update(slots)
    return bool(wanted) and max(wanted.values()) > limit


def check_capacity(demand: Demand) -> list[Problem]:
    """A problem for each group of reservations that exceeds its capacity."""
    problems: list[Problem] = []
    limit = demand.queue.concurrency_limit
    calendar = calendar_of(demand.queue)
    if limit is UNSET or calendar is None:
        return problems
    if not _some_slot_oversubscribed(demand.wants, limit):
        return problems
    for slots, members in _groups(demand.wants).values():
        capacity = len(slots) * limit
        if len(members) <= capacity:
            continue
        first = calendar.local(from_epoch_minute(min(slots)))
        last = calendar.local(from_epoch_minute(max(slots)))
        problems.append(
            Problem(
                "capacity.exceeded",
                f"{len(members)} reservations share {len(slots)} slot(s) from "
                f"{first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} ({calendar.tz.key}), which "
                f"hold {capacity} at concurrencyLimit {limit}; this is the first that cannot fit",
                members[capacity].origin.child("timeSlots"),
                hint="add windows, spread the reservations, or raise concurrencyLimit",
            )
        )
    return problems
