"""Per-client token buckets and the `inin-ratelimit-*` headers (callback-api.md §2).

A bucket holds `per_minute` tokens and refills continuously at `per_minute / 60` a second. The
headers report the limit, the requests counted against the current bucket, and the seconds until
the bucket is full again; an empty bucket answers 429 with `Retry-After`. Real monotonic time is
used, not the sandbox clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from reconciler.sandbox.problems import Detail, RequestError


@dataclass(slots=True)
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    def __init__(
        self, per_minute: Callable[[], int], *, monotonic: Callable[[], float] = time.monotonic
    ):
        self._per_minute = per_minute
        self._monotonic = monotonic
        self._buckets: dict[str, _Bucket] = {}

    def _refill(self, client_id: str) -> tuple[_Bucket, float, float]:
        capacity = float(self._per_minute())
        rate = capacity / 60.0
        now = self._monotonic()
        bucket = self._buckets.setdefault(client_id, _Bucket(capacity, now))
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.stamp) * rate)
        bucket.stamp = now
        return bucket, capacity, rate

    def take(self, client_id: str) -> dict[str, str]:
        """Count one request; returns the headers, or raises 429 carrying them."""
        bucket, capacity, rate = self._refill(client_id)
        if bucket.tokens < 1.0:
            wait = max(1, math.ceil((1.0 - bucket.tokens) / rate))
            headers = self._headers(bucket, capacity, rate) | {"Retry-After": str(wait)}
            message = (
                f"Rate limit of {int(capacity)} requests a minute exceeded; retry in {wait} s."
            )
            raise RequestError(
                429, "too.many.requests", message, (Detail("too.many.requests"),), headers
            )
        bucket.tokens -= 1.0
        return self._headers(bucket, capacity, rate)

    def peek(self, client_id: str | None) -> dict[str, str]:
        """The headers for a response that did not count against any bucket."""
        if client_id is None:
            capacity = float(self._per_minute())
            return self._headers(_Bucket(capacity, 0.0), capacity, capacity / 60.0)
        bucket, capacity, rate = self._refill(client_id)
        return self._headers(bucket, capacity, rate)

    @staticmethod
    def _headers(bucket: _Bucket, capacity: float, rate: float) -> dict[str, str]:
        used = max(0, math.ceil(capacity - bucket.tokens))
        reset = math.ceil((capacity - bucket.tokens) / rate) if rate else 0
        return {
            "inin-ratelimit-allowed": str(int(capacity)),
            "inin-ratelimit-count": str(used),
            "inin-ratelimit-reset": str(max(0, reset)),
        }

    def reset(self) -> None:
        self._buckets.clear()
