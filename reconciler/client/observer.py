"""Hook points for telemetry: what the client tells an observer about each API call.

The telemetry package attaches spans and events here without the client importing the
OpenTelemetry SDK; the benchmark counts requests and 429s the same way. Observers must be quick
and must not raise: they run inline on the request path. Paths are passed as sent (ids
included) but never bodies, so no callback number or secret reaches an observer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """One attempt of one request."""

    method: str
    path: str
    attempt: int
    traceparent: str


class Observer(Protocol):
    """Receives the life of every request; every method has a default that does nothing."""

    def on_request_start(self, info: RequestInfo) -> None:
        """An attempt is about to be sent (after any pacing wait)."""

    def on_response(self, info: RequestInfo, status: int | None, elapsed: float) -> None:
        """An attempt ended: `status` is None when the network failed; `elapsed` in seconds."""

    def on_retry(self, info: RequestInfo, delay: float, reason: str) -> None:
        """The attempt will be repeated after `delay` seconds, for `reason` (e.g. "status 503")."""

    def on_rate_limit_wait(self, info: RequestInfo, delay: float, source: str) -> None:
        """The request waits `delay` s for the rate limit; `source`: "pacing" or "retry-after"."""


class NullObserver:
    """Observes nothing."""

    def on_request_start(self, info: RequestInfo) -> None:
        return None

    def on_response(self, info: RequestInfo, status: int | None, elapsed: float) -> None:
        return None

    def on_retry(self, info: RequestInfo, delay: float, reason: str) -> None:
        return None

    def on_rate_limit_wait(self, info: RequestInfo, delay: float, source: str) -> None:
        return None


@dataclass(slots=True)
class CountingObserver:
    """Counts attempts by status (None for network failures), retries and waits."""

    statuses: Counter[int | None] = field(default_factory=Counter)
    retries: int = 0
    paced_seconds: float = 0.0
    retry_after_seconds: float = 0.0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def on_request_start(self, info: RequestInfo) -> None:
        return None

    def on_response(self, info: RequestInfo, status: int | None, elapsed: float) -> None:
        self.statuses[status] += 1

    def on_retry(self, info: RequestInfo, delay: float, reason: str) -> None:
        self.retries += 1

    def on_rate_limit_wait(self, info: RequestInfo, delay: float, source: str) -> None:
        if source == "pacing":
            self.paced_seconds += delay
        else:
            self.retry_after_seconds += delay
