"""Observed platform state as domain values, whichever driver read it.

Drivers convert their wire payloads into these in exactly one place; the planner only ever sees
these. Times are timezone-aware UTC datetimes. `version` is the platform's optimistic-concurrency
version (sent back as `If-Match`); `fingerprint` is what a saved plan records for objects whose
platform has no version.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from reconciler.core.model import ChannelPreferences, OperatingWindow


class CallbackStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CONNECTING = "connecting"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def occupies_slot(self) -> bool:
        """A callback counts against its slot's concurrency while it may still be placed."""
        return self in (CallbackStatus.SCHEDULED, CallbackStatus.CONNECTING)


@dataclass(frozen=True, slots=True)
class LiveQueue:
    id: str
    name: str
    timezone: str
    operating_hours: tuple[OperatingWindow, ...]
    holidays: tuple[date, ...]
    slot_minutes: int
    concurrency_limit: int
    version: int = 0


@dataclass(frozen=True, slots=True)
class LiveWindow:
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class LiveCallback:
    id: str
    callback_id: str
    callback_number: str
    callback_time: datetime
    queue_id: str
    status: CallbackStatus
    reason: str = ""
    time_slot_matrix: tuple[LiveWindow, ...] = ()
    channel_preferences: ChannelPreferences = field(default_factory=ChannelPreferences)
    labels: Mapping[str, str] = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True, slots=True)
class LiveWebhook:
    id: str
    name: str
    url: str
    content_type: str
    enabled: bool
    events: tuple[str, ...]
    secret_sha256: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True, slots=True)
class LiveState:
    """Everything a driver read, plus the platform's clock when it read it."""

    queues: tuple[LiveQueue, ...] = ()
    callbacks: tuple[LiveCallback, ...] = ()
    webhooks: tuple[LiveWebhook, ...] = ()
    now: datetime | None = None
