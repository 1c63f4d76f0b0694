"""One exception tree for gcbctl; every class carries the exit code the CLI returns for it.

    GcbctlError (1)                      any failure gcbctl understands
    ├── UsageError (64)                  bad command line or configuration
    ├── ManifestError (3)                manifests invalid; carries every Problem found
    ├── InfeasibleError (3)              the plan cannot be placed (capacity, policy)
    ├── RefusedError (4)                 stale saved plan, lock held, mass-cancel guard, no TTY
    ├── ApiError (1)                     the platform answered with an error body
    │   ├── RateLimitedError             429, retried by the client before it surfaces
    │   ├── ConflictError                409 (duplicate, capacity, version)
    │   └── AuthError                    401/403 after the one refresh-and-retry
    ├── TransportError (1)               network failure after every retry
    ├── ProtocolError (1)                a peer broke the wire protocol (bad frame, bad JSON)
    └── LedgerError (1)                  the audit ledger is unreadable or its chain is broken

Only `reconciler.client` catches httpx errors and only the WebSocket connection catches websockets
errors; both re-raise one of these `from exc` so the CLI has a single handler.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


class GcbctlError(Exception):
    """Base of every error gcbctl reports to a user; `hint` is shown on its own line."""

    exit_code: ClassVar[int] = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(GcbctlError):
    """The command line or configuration cannot be acted on."""

    exit_code = 64


class ManifestError(GcbctlError):
    """Manifests are invalid; `problems` holds every problem found in one pass."""

    exit_code = 3

    def __init__(self, message: str, problems: tuple[Any, ...] = (), *, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.problems = problems


class InfeasibleError(GcbctlError):
    """The desired state cannot be placed on the platform (capacity, policy); nothing applied."""

    exit_code = 3

    def __init__(self, message: str, problems: tuple[Any, ...] = (), *, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.problems = problems


class RefusedError(GcbctlError):
    """gcbctl refuses to act: stale saved plan, lock held, mass-cancel guard, no TTY to prompt."""

    exit_code = 4


@dataclass(frozen=True, slots=True)
class ApiErrorBody:
    """The Genesys error body, kept as data so reporters can show it and redact it."""

    status: int
    code: str = ""
    message: str = ""
    context_id: str = ""
    details: tuple[dict[str, Any], ...] = field(default_factory=tuple)


class ApiError(GcbctlError):
    """The platform answered with an error status."""

    def __init__(self, message: str, body: ApiErrorBody, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.body = body

    @property
    def status(self) -> int:
        return self.body.status

    @property
    def code(self) -> str:
        return self.body.code


class RateLimitedError(ApiError):
    """429 Too Many Requests; `retry_after` is the server's `Retry-After` in seconds, if any."""

    def __init__(
        self, message: str, body: ApiErrorBody, *, retry_after: float | None = None
    ) -> None:
        super().__init__(message, body)
        self.retry_after = retry_after


class ConflictError(ApiError):
    """409: duplicate callback, capacity exceeded or version conflict (see `code`)."""


class AuthError(ApiError):
    """401/403 that a token refresh did not cure."""


class TransportError(GcbctlError):
    """The network failed (connect, read, reset) after every retry."""


class ProtocolError(GcbctlError):
    """A peer broke the wire protocol; `close_code` is the WebSocket close code to use."""

    def __init__(self, message: str, *, close_code: int = 1007, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.close_code = close_code


class LedgerError(GcbctlError):
    """The audit ledger cannot be written or read, or its hash chain is broken."""
