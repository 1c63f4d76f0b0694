"""Client-side pacing from the platform's `inin-ratelimit-*` headers, so that 429s stay rare.

Every answer says how many requests the OAuth client may make per minute (`allowed`), how many
it has used (`count`) and when that resets (`reset`, seconds). Platforms count in two ways, and
the headers tell which one is in use:

- a fixed window (Genesys Cloud): nothing comes back before `reset`, so the pacer spreads what is
  left of the budget evenly over the time that is left;
- a token bucket refilling `allowed` a minute (the callback platform and its sandbox): `reset` is
  the time until the bucket is full again, i.e. `count * 60 / allowed`. The pacer then spends the
  tokens it estimates are in the bucket and, once they are gone, sends at the refill rate.

Either way, requests still in flight (sent after the answer last heard) count as spent, and a
small headroom stays unused.

Pure: the caller passes `now` (a monotonic reading in seconds) and does the waiting itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

HEADER_ALLOWED = "inin-ratelimit-allowed"
HEADER_COUNT = "inin-ratelimit-count"
HEADER_RESET = "inin-ratelimit-reset"


@dataclass(frozen=True, slots=True)
class RateWindow:
    """One answer's view of the rate limit."""

    allowed: int
    count: int
    reset: float


def parse_rate_headers(headers: Mapping[str, str]) -> RateWindow | None:
    """The rate window an answer reports, or None when its headers are missing or malformed."""
    try:
        allowed = int(headers[HEADER_ALLOWED])
        count = int(headers[HEADER_COUNT])
        reset = float(headers[HEADER_RESET])
    except (KeyError, ValueError):
        return None
    if allowed <= 0 or count < 0 or reset < 0:
        return None
    return RateWindow(allowed=allowed, count=count, reset=reset)


WINDOW_SECONDS = 60.0
"""The limits are per minute (callback-api.md §2, Genesys Cloud's limits)."""


@dataclass(slots=True)
class _Observation:
    seq: int
    allowed: int
    count: int
    at: float
    reset_at: float
    bucket: bool


def looks_like_bucket(window: RateWindow) -> bool:
    """Whether `reset` is the refill time of `count` tokens (a token bucket), not a window end."""
    refill = window.count * WINDOW_SECONDS / window.allowed
    return abs(window.reset - refill) <= 1.0 + 0.01 * refill


class Pacer:
    """Hands out send times so that requests stay within the rate limit without wasting it.

    `headroom` is the share of `allowed` kept unused to absorb rounding of `reset` and requests
    the server counts in a different order than they were sent.
    """

    def __init__(self, *, headroom: float = 0.03) -> None:
        self._headroom = headroom
        self._sent = 0
        self._next_at = 0.0
        self._seen: _Observation | None = None

    def reserve(self, now: float) -> tuple[int, float]:
        """Claim the next send time: returns the request's sequence number and the wait."""
        seq = self._sent
        self._sent += 1
        start, interval = self._schedule(max(now, self._next_at), seq)
        self._next_at = start + interval
        return seq, start - now

    def observe(self, window: RateWindow, *, seq: int, now: float) -> None:
        """Learn from the answer to request `seq`; answers older than the last one are ignored."""
        if self._seen is not None and seq < self._seen.seq:
            return
        self._seen = _Observation(
            seq, window.allowed, window.count, now, now + window.reset, looks_like_bucket(window)
        )

    def pause_until(self, until: float) -> None:
        """Hold every request back until `until` (a 429's `Retry-After`)."""
        self._next_at = max(self._next_at, until)

    def _schedule(self, start: float, seq: int) -> tuple[float, float]:
        """The send time of request `seq` (not before `start`) and the gap to leave after it."""
        seen = self._seen
        if seen is None:
            return start, 0.0
        in_flight = max(0, seq - seen.seq - 1)
        spare = max(1, int(seen.allowed * self._headroom))
        if seen.bucket:
            return _bucket_schedule(seen, start, in_flight + spare), 0.0
        if start >= seen.reset_at:
            return start, 0.0
        remaining = seen.allowed - spare - seen.count - in_flight
        if remaining <= 0:
            # The window's budget is spent: this request waits for the window to turn over.
            return seen.reset_at, 0.0
        return start, (seen.reset_at - start) / remaining


def _bucket_schedule(seen: _Observation, start: float, held: int) -> float:
    """The earliest time at which the bucket should hold a token beyond the `held` ones."""
    rate = seen.allowed / WINDOW_SECONDS
    tokens = min(seen.allowed, seen.allowed - seen.count + rate * (start - seen.at)) - held
    if tokens >= 1:
        return start
    return start + (1 - tokens) / rate
