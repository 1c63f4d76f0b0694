"""The actions a plan is made of, shared by the planner (which makes them) and drivers (which
carry them out).

An action names what to do to one resource and carries the desired value in driver-neutral terms:
the planner has already chosen the slot, so a driver never decides anything, it only translates.
Desired values may hold personal data (callback numbers) and secret references; renderers and the
ledger redact through `reconciler.core.redact`, never by looking at these fields themselves.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeAlias, TypedDict

from reconciler.core.model import LABEL_SPEC_HASH, ChannelPreferences, OperatingWindow, SecretRef


class ActionType(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    ADOPT = "adopt"
    DELETE = "delete"
    NOOP = "no-op"

    @property
    def symbol(self) -> str:
        """Terraform's marks, which reviewers already read at a glance."""
        return {
            ActionType.CREATE: "+",
            ActionType.UPDATE: "~",
            ActionType.RESCHEDULE: "~",
            ActionType.ADOPT: "<=",
            ActionType.CANCEL: "-",
            ActionType.DELETE: "-",
            ActionType.NOOP: " ",
        }[self]


class ResourceType(enum.StrEnum):
    QUEUE = "queue"
    WEBHOOK = "webhook"
    CALLBACK = "callback"


@dataclass(frozen=True, slots=True)
class DesiredCallback:
    """A callback booked into the one grid slot the planner chose ([slot_start, slot_end))."""

    callback_id: str
    callback_number: str
    queue_id: str
    slot_start: datetime
    slot_end: datetime
    reason: str
    channel_preferences: ChannelPreferences
    concurrency_limit: int
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DesiredWebhook:
    """A webhook; `secret` is resolved by the driver at request time, never stored in a plan."""

    name: str
    url: str
    content_type: str
    enabled: bool
    events: tuple[str, ...]
    secret: SecretRef | None = None
    labels: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class DesiredQueueSettings:
    """Only the settings a `QueueCapacity` states; the driver sends exactly these."""

    queue_id: str
    concurrency_limit: int | None = None
    slot_minutes: int | None = None
    timezone: str | None = None
    operating_hours: tuple[OperatingWindow, ...] | None = None
    holidays: tuple[str, ...] | None = None


Desired: TypeAlias = DesiredCallback | DesiredWebhook | DesiredQueueSettings


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field-level difference; values are JSON-ready (str, int, bool, list, dict, None)."""

    path: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class Action:
    """One step of a plan.

    `live_id`/`live_version` identify the object touched (None for creates) and `live_spec_hash` is
    its `gcbctl.io/spec-hash` label, the "before" of the audit ledger; `drift` marks a change
    that undoes something done outside gcbctl rather than a manifest change; `phase` orders steps
    so that no step makes a later one fail (DESIGN.md §3).
    """

    type: ActionType
    resource: ResourceType
    address: str
    reason: str
    desired: Desired | None = None
    live_id: str | None = None
    live_version: int | None = None
    live_spec_hash: str | None = None
    changes: tuple[FieldChange, ...] = field(default=())
    drift: bool = False
    phase: int = 0


class LiveObject(Protocol):
    """What an action needs of the live object it touches (a callback or a webhook)."""

    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def labels(self) -> Mapping[str, str]: ...


class LiveIdentity(TypedDict):
    live_id: str | None
    live_version: int | None
    live_spec_hash: str | None


def live_identity(live: LiveObject | None) -> LiveIdentity:
    """`Action` fields naming the live object touched: id, version and its spec-hash label (the
    ledger's "before"); all None when there is none (a create)."""
    if live is None:
        return LiveIdentity(live_id=None, live_version=None, live_spec_hash=None)
    return LiveIdentity(
        live_id=live.id, live_version=live.version, live_spec_hash=live.labels.get(LABEL_SPEC_HASH)
    )
