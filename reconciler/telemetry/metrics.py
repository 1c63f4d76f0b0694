"""gcbctl's metrics: API latency and outcomes, 429s, retries, actions and apply duration.

Instruments are made once per meter and looked up by the code that records them; attribute values
are low-cardinality by construction (method, route template, status class, action type, outcome),
never ids, numbers or paths as sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from opentelemetry import metrics

from reconciler.telemetry.providers import meter

API_DURATION: Final = "gcbctl.api.duration"
API_REQUESTS: Final = "gcbctl.api.requests"
API_RATE_LIMITED: Final = "gcbctl.api.rate_limited"
API_RETRIES: Final = "gcbctl.api.retries"
ACTIONS: Final = "gcbctl.actions"
APPLY_DURATION: Final = "gcbctl.apply.duration"


@dataclass(frozen=True, slots=True)
class Instruments:
    api_duration: metrics.Histogram
    api_requests: metrics.Counter
    api_rate_limited: metrics.Counter
    api_retries: metrics.Counter
    actions: metrics.Counter
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
        api_requests=current.create_counter(
            API_REQUESTS, unit="{request}", description="API request attempts by outcome"
        ),
        api_rate_limited=current.create_counter(
            API_RATE_LIMITED, unit="{request}", description="API answers with status 429"
        ),
        api_retries=current.create_counter(
            API_RETRIES, unit="{retry}", description="API requests repeated after a failure"
        ),
        actions=current.create_counter(
            ACTIONS, unit="{action}", description="Plan actions carried out, by type and outcome"
        ),
        apply_duration=current.create_histogram(
            APPLY_DURATION, unit="s", description="Wall time of one apply"
        ),
    )
    _cache[id(current)] = (current, made)
    return made


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
    instruments().actions.add(1, {"gcbctl.action": action_type, "gcbctl.outcome": outcome})


def record_apply_duration(seconds: float, outcome: str) -> None:
    """Record how long one apply took."""
    instruments().apply_duration.record(seconds, {"gcbctl.outcome": outcome})
