"""Two things the client learns from every answer: the rate-limit budget and the platform clock.

`RateGate` puts the pure `Pacer` on the client's clock and sleeper and reports waits to the
observer. `PlatformClock` keeps the last `Date` header so that "is this slot in the future?" can be
judged by the platform's clock rather than the local one. Neither sends requests of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from reconciler.client._seams import Clock, Sleeper
from reconciler.client.observer import Observer, RequestInfo
from reconciler.core.pacing import Pacer, parse_rate_headers


class RateGate:
    """Makes each request wait for the send time the pacer gives it."""

    def __init__(self, clock: Clock, sleeper: Sleeper, observer: Observer, *, enabled: bool):
        self._clock = clock
        self._sleeper = sleeper
        self._observer = observer
        self._pacer = Pacer() if enabled else None
        self._seq = 0

    async def wait_turn(self, info: RequestInfo) -> int:
        """Wait until this request may go; returns its sequence number for `observe`."""
        if self._pacer is None:
            self._seq += 1
            return self._seq
        seq, delay = self._pacer.reserve(self._clock.monotonic())
        if delay > 0:
            self._observer.on_rate_limit_wait(info, delay, "pacing")
            await self._sleeper.sleep(delay)
        return seq

    def observe(self, headers: Mapping[str, str], seq: int) -> None:
        window = parse_rate_headers(headers)
        if window is not None and self._pacer is not None:
            self._pacer.observe(window, seq=seq, now=self._clock.monotonic())

    def pause_until(self, until: float) -> None:
        if self._pacer is not None:
            self._pacer.pause_until(until)


class PlatformClock:
    """The platform's wall clock as of the last `Date` header, advanced by the local monotonic."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._seen: tuple[datetime, float] | None = None

    def observe(self, header: str | None) -> None:
        if not header:
            return
        try:
            stamp = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        self._seen = (stamp.astimezone(UTC), self._clock.monotonic())

    def now(self) -> datetime | None:
        if self._seen is None:
            return None
        stamp, at = self._seen
        return stamp + timedelta(seconds=self._clock.monotonic() - at)
