"""gcbctl's metrics: API latency and outcomes, 429s, retries, actions and apply duration.

Instruments are made once per meter and looked up by the code that records them; attribute values
are low-cardinality by construction (method, route template, status class, action type, outcome),
never ids, numbers or paths as sent.

The counters are tallied in process and handed to OpenTelemetry as observable counters, read only
when a metric reader collects: an apply counts a few thousand requests and actions, and the SDK's
per-`add` bookkeeping (attribute hashing, measurement objects) cost more CPU than the calls it
counted. What is exported is the same monotonic sum per attribute set.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

from reconciler.telemetry.providers import meter

API_DURATION: Final = "gcbctl.api.duration"
API_REQUESTS: Final = "gcbctl.api.requests"
API_RATE_LIMITED: Final = "gcbctl.api.rate_limited"
API_RETRIES: Final = "gcbctl.api.retries"
ACTIONS: Final = "gcbctl.actions"
APPLY_DURATION: Final = "gcbctl.apply.duration"

Labels = tuple[tuple[str, str], ...]


@dataclass(slots=True)
class Tally:
    """A monotonic counter kept as a dict of totals per attribute set, observed on collection."""

    totals: dict[Labels, int] = field(default_factory=dict)

    def add(self, labels: Labels, amount: int = 1) -> None:
        self.totals[labels] = self.totals.get(labels, 0) + amount

    def observe(self, _options: CallbackOptions) -> Iterable[Observation]:
        """The running totals (a reader's thread calls this; `dict.copy` is atomic)."""
        return [Observation(total, dict(labels)) for labels, total in self.totals.copy().items()]


@dataclass(frozen=True, slots=True)
class Instruments:
    api_duration: metrics.Histogram
    api_requests: Tally
    api_rate_limited: Tally
    api_retries: Tally
    actions: Tally
    apply_duration: metrics.Histogram


_cache: dict[int, tuple[metrics.Meter, Instruments]] = {}


def instruments() -> Instruments:
    """The instruments of the current meter, made on first use."""
    current = meter()
    cached = _cache.get(id(current))
    if cached is not None and cached[0] is current:
        return cached[1]
    made = Instruments(
        api_duration=current.create_histogram(
            API_DURATION, unit="s", description="Duration of one API request attempt"
        ),
        api_requests=_tally(current, API_REQUESTS, "{request}", "API request attempts by outcome"),
        api_rate_limited=_tally(
            current, API_RATE_LIMITED, "{request}", "API answers with status 429"
        ),
        api_retries=_tally(
            current, API_RETRIES, "{retry}", "API requests repeated after a failure"
        ),
        actions=_tally(
            current, ACTIONS, "{action}", "Plan actions carried out, by type and outcome"
        ),
        apply_duration=current.create_histogram(
            APPLY_DURATION, unit="s", description="Wall time of one apply"
        ),
    )
    _cache[id(current)] = (current, made)
    return made


def _tally(current: metrics.Meter, name: str, unit: str, description: str) -> Tally:
    tally = Tally()
    current.create_observable_counter(
        name, callbacks=[tally.observe], unit=unit, description=description
    )
    return tally


def request_outcome(status: int | None) -> str:
    """A status as one word of a small closed set, for metric attributes."""
    if status is None:
        return "network_error"
    if status == 429:
        return "rate_limited"
    if status < 400:
        return "success"
    return "client_error" if status < 500 else "server_error"


def record_action(action_type: str, outcome: str) -> None:
    """Count one carried-out plan action."""
    instruments().actions.add((("gcbctl.action", action_type), ("gcbctl.outcome", outcome)))


def record_apply_duration(seconds: float, outcome: str) -> None:
    """Record how long one apply took."""
    instruments().apply_duration.record(seconds, {"gcbctl.outcome": outcome})
