"""Whether a failed API call is worth another try, and how long to wait before it.

The HTTP client asks `classify` what an outcome means and draws its waits from `backoff_delays`;
both are pure so that every retry decision gcbctl makes can be tested without a network or a
clock. This module must not sleep, read the clock or own a random source: randomness comes in as a
callable returning floats in [0, 1).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

Random = Callable[[], float]


class Verdict(enum.StrEnum):
    """What the client does with one outcome."""

    DONE = "done"  # a success, or an answer that another try cannot change
    RETRY = "retry"  # transient: wait (Retry-After or backoff) and send again
    REFRESH = "refresh"  # 401: refresh the token once and send again


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard the client tries before it reports a failure."""

    max_tries: int = 8
    """Attempts per request, the first included; 429, 5xx and network errors all count."""
    base: float = 0.25
    """Seconds: the backoff ceiling of the first retry; it doubles with each further retry."""
    cap: float = 20.0
    """Seconds: no backoff wait is longer, so a long outage is probed at a steady pace."""
    max_retry_after: float = 120.0
    """Seconds: a `Retry-After` longer than this is reported instead of waited out."""


#: Statuses whose answer can differ on a later try. 501 (not implemented) never will.
_TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def classify(status: int | None, *, retry_safe: bool, sent: bool = True) -> Verdict:
    """Judge one attempt: `status` is None when the network failed before any answer.

    `sent` is False when the request certainly never reached the server (connect failures), which
    makes even an unsafe request retryable. `retry_safe` says a repeat cannot do harm twice
    (reads, `If-Match` writes, creates keyed by `callback_id`).
    """
    if status is None:
        return Verdict.RETRY if (retry_safe or not sent) else Verdict.DONE
    if status == 401:
        return Verdict.REFRESH
    if status == 429:
        # The server refused before acting, so even an unsafe request may be sent again.
        return Verdict.RETRY
    if status in _TRANSIENT_STATUSES and retry_safe:
        return Verdict.RETRY
    return Verdict.DONE


def backoff_delays(policy: RetryPolicy, rand: Random, *, factor: float = 2.0) -> Iterator[float]:
    """Endless waits with exponential growth, full jitter and a cap.

    The n-th wait is uniform in [0, min(cap, base * factor**n)): "full jitter", which spreads
    clients that failed together so they do not come back together.
    """
    ceiling = policy.base
    while True:
        yield rand() * min(policy.cap, ceiling)
        ceiling = min(policy.cap, ceiling * factor)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` header in its delta-seconds form; None when absent or odd."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def retry_after_wait(retry_after: float, policy: RetryPolicy, rand: Random) -> float | None:
    """How long to honour a server's `Retry-After`, or None when it is too long to wait.

    A small jitter (up to a tenth of a second) keeps parallel workers from returning in one burst
    at the exact second the server named.
    """
    if retry_after > policy.max_retry_after:
        return None
    return retry_after + rand() * 0.1
