"""The order in which an apply runs a plan's actions (DESIGN.md §3).

Capacity raises come first so that new slots exist before anything is booked into them; webhooks
next; then cancels free room before reschedules and creates use it; capacity lowers run after
everything has moved out of the way; webhook deletes come last. Reschedules are split into waves
(`RESCHEDULE`, `RESCHEDULE + 1`, ...) when a callback moves into a slot that another callback only
leaves in the same phase. An executor runs phases in ascending order and the actions of one phase
in any order, concurrently. This module only names the numbers; it decides nothing.
"""

from __future__ import annotations

import enum


class Phase(enum.IntEnum):
    CAPACITY_RAISE = 10
    WEBHOOKS = 20
    CANCELS = 30
    RESCHEDULE = 40
    RESCHEDULE_LAST = 49
    CREATES = 50
    CAPACITY_LOWER = 60
    WEBHOOK_DELETES = 70
    NOOP = 99

    @classmethod
    def reschedule_wave(cls, wave: int) -> int:
        """The phase number of the `wave`-th reschedule wave (0-based), capped at the last one."""
        return min(cls.RESCHEDULE + wave, cls.RESCHEDULE_LAST)
