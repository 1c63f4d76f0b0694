"""The seams a test replaces to run the client without real time: a clock and a sleeper.

The client reads time only through `Clock.monotonic()` (token lifetimes, pacing, backoff) and
waits only through `Sleeper.sleep()`. Production uses the event loop's clock and `asyncio.sleep`;
tests pass a fake pair where sleeping advances the clock instantly.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    """A monotonic clock in seconds; only differences between readings mean anything."""

    def monotonic(self) -> float: ...


class Sleeper(Protocol):
    """Waits; the only way the client lets time pass."""

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The process's monotonic clock."""

    def monotonic(self) -> float:
        return time.monotonic()


class AsyncioSleeper:
    """`asyncio.sleep`, which gives other requests the loop while one waits."""

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class FakeTime:
    """A clock and sleeper in one for tests: sleeping advances the clock and returns at once.

    `slept` records every wait, so a test can assert on backoff and pacing without waiting.
    """

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)
