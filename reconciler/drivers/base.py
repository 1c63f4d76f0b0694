"""The driver port: what the engine needs from a platform, whichever platform it is.

A driver reads live state into `reconciler.core.live` values and carries out one planned
`Action` at a time. It decides nothing: the planner has chosen every slot and field already, and a
driver only translates the action into its platform's requests. Drivers raise gcbctl errors
(`reconciler.errors`) for failures; the engine turns those into failed `ActionResult`s.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from reconciler.core.actions import Action
from reconciler.core.live import LiveState
from reconciler.core.model import QueueRef
from reconciler.errors import GcbctlError


class Outcome(enum.StrEnum):
    """How one action ended."""

    APPLIED = "applied"  # the platform made the change
    ADOPTED = (
        "adopted"  # an existing object (e.g. from an earlier, interrupted apply) was taken over
    )
    UNCHANGED = "unchanged"  # the platform was already as desired (a retry after a lost answer)
    FAILED = "failed"
    SKIPPED = "skipped"  # not tried because an action it depends on failed

    @property
    def ok(self) -> bool:
        return self in (Outcome.APPLIED, Outcome.ADOPTED, Outcome.UNCHANGED)


@dataclass(frozen=True, slots=True)
class ActionResult:
    """The outcome of one action; texts are already redacted and safe to print or record.

    `warning` is something the user should see even though the action succeeded (a secret that
    could not be sent, slots left over capacity by a lowered limit). `correlation_ids` are the
    platform's ids of every answer the action got (Genesys Cloud's `ININ-Correlation-Id`), in order.
    """

    action: Action
    outcome: Outcome
    live_id: str | None = None
    version: int | None = None
    message: str = ""
    error: GcbctlError | None = None
    elapsed: float = 0.0
    warning: str = ""
    correlation_ids: tuple[str, ...] = ()

    @property
    def correlation_id(self) -> str | None:
        """The id to quote to the platform's support: the last answer's, else the error's."""
        if self.correlation_ids:
            return self.correlation_ids[-1]
        body = getattr(self.error, "body", None)
        return getattr(body, "context_id", None) or None


class Driver(Protocol):
    """One platform, seen as live state plus a way to carry out actions."""

    async def read(self, *, queue_refs: Sequence[QueueRef]) -> LiveState:
        """Queues named by `queue_refs`, every callback on them, and every webhook."""
        ...

    async def execute(self, action: Action) -> ActionResult:
        """Carry out one action; raises a `GcbctlError` when the platform refuses it."""
        ...

    async def now(self) -> datetime:
        """The platform's clock (its `Date` header), for "is this slot in the future?"."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...
