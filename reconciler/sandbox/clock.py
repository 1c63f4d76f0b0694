"""The sandbox's clock: the platform's idea of "now", which tests and demos can move.

The clock either follows real time or starts at a chosen instant and runs forward at real speed
from there. The admin surface can set it, advance it or return it to real time. Business rules
(booking "in the future", status lifecycle, event retention, timestamps) use this clock; timers
that protect the server (token lifetime, rate limits, ack timeouts, heartbeats) use monotonic
real time instead, so moving the clock never stalls a connection.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Monotonic = Callable[[], float]


EARLIEST = datetime(1971, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
MAX_ADVANCE_SECONDS = 100 * 366 * 86_400.0


def parse_instant(text: str) -> datetime:
    """An aware UTC datetime from RFC 3339 text (a trailing Z is accepted).

    Instants outside 1971..9000 are refused (ValueError) so that slot arithmetic and clock
    moves can never overflow `datetime`.
    """
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    try:
        instant = value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"{text!r} is out of range") from exc
    if not EARLIEST <= instant <= LATEST:
        raise ValueError(f"{text!r} is out of range")
    return instant


class SandboxClock:
    """A clock that is real time plus an offset the admin controls."""

    def __init__(self, start: datetime | None = None, *, monotonic: Monotonic = time.monotonic):
        self._monotonic = monotonic
        self._base_instant = datetime.now(UTC)
        self._base_tick = monotonic()
        self._real = True
        self.listeners: list[Callable[[], None]] = []
        if start is not None:
            self.set(start)

    @property
    def is_real(self) -> bool:
        return self._real

    def now(self) -> datetime:
        """The sandbox's current instant (aware, UTC)."""
        if self._real:
            return datetime.now(UTC)
        elapsed = self._monotonic() - self._base_tick
        return self._base_instant + timedelta(seconds=elapsed)

    def now_ms(self) -> int:
        return int(self.now().timestamp() * 1000)

    def set(self, instant: datetime) -> None:
        """Jump to `instant`; the clock keeps running forward from there."""
        self._base_instant = instant.astimezone(UTC)
        self._base_tick = self._monotonic()
        self._real = False
        self._changed()

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, with a negative value) by `seconds`."""
        if not abs(seconds) <= MAX_ADVANCE_SECONDS:
            raise ValueError("advance at most 100 years at a time")
        target = self.now() + timedelta(seconds=seconds)
        if not EARLIEST <= target <= LATEST:
            raise ValueError("the clock stays between 1971 and 9000")
        self.set(target)

    def use_real(self) -> None:
        """Follow the machine's clock again."""
        self._real = True
        self._changed()

    def _changed(self) -> None:
        for listener in self.listeners:
            listener()
