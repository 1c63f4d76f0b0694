"""Tunable behaviour of the sandbox, with the platform's defaults.

Tests shorten the timers (ack timeout, webhook backoff, heartbeat) instead of sleeping; the admin
surface can change most of them at run time (`PUT /_sandbox/settings`).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SETTING = 1_000_000_000
DEFAULT_ADMIN_TOKEN = "sandbox-admin-0000"  # noqa: S105 - a published local default, not a secret


@dataclass(slots=True)
class SandboxSettings:
    """Mutable on purpose: the admin surface changes these while the sandbox runs."""

    rate_limit_per_minute: int = 300
    """Requests per minute per OAuth client (token-bucket capacity and refill per minute)."""

    token_ttl_seconds: int = 7200
    """Lifetime of an access token, measured in real (monotonic) seconds."""

    admin_token: str = DEFAULT_ADMIN_TOKEN
    """Bearer token for the `/_sandbox/` admin surface."""

    ack_timeout_seconds: float = 10.0
    """An event not acknowledged within this many seconds is sent again."""

    heartbeat_seconds: float = 30.0
    """Interval between `heartbeat` control frames on every WebSocket."""

    max_unacked: int = 1000
    """Flow control: a connection gets no new events while this many are unacknowledged."""

    retention_minutes: float = 60.0
    """Events older than this (by the sandbox clock) can no longer be resumed from."""

    max_events: int = 100_000
    """Hard bound on the retained event log, whatever the clock says."""

    webhook_timeout_seconds: float = 10.0
    """A delivery that gets no answer within this is a failed try."""

    webhook_backoff_seconds: float = 1.0
    """First retry delay; it doubles each try (1 s, 2 s, 4 s, ...)."""

    webhook_max_tries: int = 5
    """Tries per delivery, the first one included."""

    max_body_bytes: int = 1024 * 1024
    """Request bodies larger than this get 413."""

    def update(self, values: dict[str, object]) -> list[str]:
        """Apply known numeric fields from `values`; return the names that were not accepted."""
        rejected: list[str] = []
        for name, value in values.items():
            current = getattr(self, name, None) if name in _NUMERIC else None
            if current is None or isinstance(value, bool) or not isinstance(value, int | float):
                rejected.append(name)
                continue
            if not 0 < value <= MAX_SETTING:
                rejected.append(name)
                continue
            setattr(self, name, type(current)(value))
        return rejected

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in _NUMERIC}


_NUMERIC = (
    "rate_limit_per_minute",
    "token_ttl_seconds",
    "ack_timeout_seconds",
    "heartbeat_seconds",
    "max_unacked",
    "retention_minutes",
    "max_events",
    "webhook_timeout_seconds",
    "webhook_backoff_seconds",
    "webhook_max_tries",
    "max_body_bytes",
)
