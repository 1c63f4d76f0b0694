"""Desired state as immutable domain values, built from manifests by `reconciler.manifests`.

Absent is not null: a manifest field that is not written is `UNSET` ("not managed"), which is
different from an explicit value. Every value remembers where it came from as an `Origin` (file,
document index and JSON path); line and column are resolved from the origin by the manifest source
map only when a problem has to be reported, which keeps the fast loading path free of position
bookkeeping.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final, TypeAlias, TypeVar

API_VERSION: Final = "gcbctl.io/v1"

LABEL_MANAGED_BY: Final = "gcbctl.io/managed-by"
LABEL_OWNER: Final = "gcbctl.io/owner"
LABEL_SPEC_HASH: Final = "gcbctl.io/spec-hash"
MANAGER: Final = "gcbctl"

SLOT_MINUTES_ALLOWED: Final = (5, 10, 15, 20, 30, 60)
CONCURRENCY_MIN: Final = 1
CONCURRENCY_MAX: Final = 50


class _Unset(enum.Enum):
    """The type of `UNSET`; an enum so that `is UNSET` narrows types for mypy."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = _Unset.UNSET
"""A manifest field that was not written: gcbctl leaves the live value alone."""

T = TypeVar("T")
Maybe: TypeAlias = "T | _Unset"


class Kind(enum.StrEnum):
    QUEUE_CAPACITY = "QueueCapacity"
    WEBHOOK = "Webhook"
    RESERVATION_BATCH = "ReservationBatch"


class Weekday(enum.StrEnum):
    """Days as manifests write them; `number` matches `date.weekday()`."""

    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @property
    def number(self) -> int:
        return _WEEKDAY_NUMBERS[self]


_WEEKDAY_NUMBERS: Final = {day: number for number, day in enumerate(Weekday)}


class Channel(enum.StrEnum):
    VOICE = "voice"
    SMS = "sms"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value was written: file, 0-based document index in that file, JSON path in it."""

    file: str
    document: int = 0
    path: tuple[str | int, ...] = ()

    def child(self, *parts: str | int) -> Origin:
        return Origin(self.file, self.document, self.path + parts)

    @property
    def pointer(self) -> str:
        """The JSON path as `$.spec.reservations[3].timeSlots[0]`."""
        out = "$"
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else f".{part}"
        return out


@dataclass(frozen=True, slots=True)
class OperatingWindow:
    """Open hours on some weekdays, as minutes from local midnight; `close_minute` may be 1440."""

    days: tuple[Weekday, ...]
    open_minute: int
    close_minute: int


@dataclass(frozen=True, slots=True)
class QueueRef:
    """A platform queue named by exactly one of `name` or `id`."""

    name: str | None = None
    id: str | None = None

    def __str__(self) -> str:
        return f"id={self.id}" if self.id else f"name={self.name}"


@dataclass(frozen=True, slots=True)
class QueueCapacity:
    """Callback capacity settings of one queue; every `UNSET` setting is left as it is live."""

    name: str
    queue: QueueRef
    origin: Origin
    concurrency_limit: int | _Unset = UNSET
    slot_minutes: int | _Unset = UNSET
    timezone: str | _Unset = UNSET
    operating_hours: tuple[OperatingWindow, ...] | _Unset = UNSET
    holidays: tuple[date, ...] | _Unset = UNSET
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def address(self) -> str:
        return f"{Kind.QUEUE_CAPACITY}/{self.name}"


@dataclass(frozen=True, slots=True)
class SecretRef:
    """A secret named by reference; the value is read only when a request needs it."""

    from_env: str | None = None
    from_file: str | None = None

    def __str__(self) -> str:
        return f"env:{self.from_env}" if self.from_env else f"file:{self.from_file}"


@dataclass(frozen=True, slots=True)
class Webhook:
    """An outbound webhook; `secret` is UNSET (not managed) or a reference, never a literal."""

    name: str
    url: str
    origin: Origin
    content_type: str | _Unset = UNSET
    enabled: bool | _Unset = UNSET
    events: tuple[str, ...] | _Unset = UNSET
    secret: SecretRef | _Unset = UNSET

    @property
    def address(self) -> str:
        return f"{Kind.WEBHOOK}/{self.name}"


@dataclass(frozen=True, slots=True)
class ChannelPreferences:
    primary: Channel = Channel.VOICE
    fallback: Channel = Channel.NONE
    allow_sms: bool = False


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """One entry of the time-slot matrix. A naive datetime is in the queue's timezone."""

    start: datetime
    end: datetime
    origin: Origin


@dataclass(frozen=True, slots=True)
class Reservation:
    """One desired callback; `callback_id` is the key shared with the platform."""

    callback_id: str
    callback_number: str
    time_slots: tuple[TimeWindow, ...]
    origin: Origin
    reason: str | _Unset = UNSET
    channel_preferences: ChannelPreferences | _Unset = UNSET


@dataclass(frozen=True, slots=True)
class ReservationBatch:
    """Callbacks booked on one queue (a `QueueCapacity` name); `prune` cancels removed ones."""

    name: str
    queue: str
    origin: Origin
    reservations: tuple[Reservation, ...]
    prune: bool = False
    defaults_channel_preferences: ChannelPreferences | _Unset = UNSET
    defaults_reason: str | _Unset = UNSET

    @property
    def address(self) -> str:
        return f"{Kind.RESERVATION_BATCH}/{self.name}"

    def reservation_address(self, reservation: Reservation) -> str:
        return f"{self.address}/{reservation.callback_id}"


Manifest: TypeAlias = QueueCapacity | Webhook | ReservationBatch


@dataclass(frozen=True, slots=True)
class ManifestSet:
    """Every manifest of one invocation, in a canonical order (kind, then name)."""

    queues: tuple[QueueCapacity, ...] = ()
    webhooks: tuple[Webhook, ...] = ()
    batches: tuple[ReservationBatch, ...] = ()
    files: tuple[str, ...] = field(default=())

    def queue_by_name(self, name: str) -> QueueCapacity | None:
        for queue in self.queues:
            if queue.name == name:
                return queue
        return None
