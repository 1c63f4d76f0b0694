"""Small builders for planner tests: manifests and live state in the sandbox fixture's shape."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from reconciler.core.live import CallbackStatus, LiveCallback, LiveQueue, LiveState
from reconciler.core.model import (
    UNSET,
    ChannelPreferences,
    ManifestSet,
    OperatingWindow,
    Origin,
    QueueCapacity,
    QueueRef,
    Reservation,
    ReservationBatch,
    TimeWindow,
    Weekday,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)
NY = ZoneInfo("America/New_York")
WEEKDAYS = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
NUMBER = "+14155550199"


def ny(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    """An aware New York wall-clock time in December 2026."""
    return datetime(2026, month, day, hour, minute, tzinfo=NY)


def live_queue(
    queue_id: str = "queue_12345",
    name: str = "Tech Support",
    *,
    limit: int = 10,
    slot_minutes: int = 15,
    timezone: str = "America/New_York",
    holidays: Sequence[date] = (date(2026, 12, 25),),
    version: int = 3,
) -> LiveQueue:
    return LiveQueue(
        id=queue_id,
        name=name,
        timezone=timezone,
        operating_hours=(OperatingWindow(WEEKDAYS, 8 * 60, 18 * 60),),
        holidays=tuple(holidays),
        slot_minutes=slot_minutes,
        concurrency_limit=limit,
        version=version,
    )


def capacity(
    name: str = "tech-support", queue_id: str = "queue_12345", **stated: object
) -> QueueCapacity:
    return QueueCapacity(
        name=name,
        queue=QueueRef(id=queue_id),
        origin=Origin(f"{name}.yaml"),
        **stated,  # type: ignore[arg-type]
    )


def window(start: datetime, minutes: int = 15) -> TimeWindow:
    return TimeWindow(start, start + timedelta(minutes=minutes), Origin("batch.yaml"))


def reservation(
    callback_id: str,
    *windows: TimeWindow,
    number: str = NUMBER,
    reason: object = "Escalation",
    prefs: object = UNSET,
) -> Reservation:
    return Reservation(
        callback_id=callback_id,
        callback_number=number,
        time_slots=tuple(windows),
        origin=Origin("batch.yaml", 0, ("spec", "reservations", 0)),
        reason=reason,  # type: ignore[arg-type]
        channel_preferences=prefs,  # type: ignore[arg-type]
    )


def batch(
    name: str,
    reservations: Iterable[Reservation],
    *,
    queue: str = "tech-support",
    prune: bool = False,
) -> ReservationBatch:
    return ReservationBatch(
        name=name,
        queue=queue,
        origin=Origin(f"{name}.yaml"),
        reservations=tuple(reservations),
        prune=prune,
    )


def manifests(
    batches: Iterable[ReservationBatch] = (),
    queues: Iterable[QueueCapacity] | None = None,
    webhooks: Iterable[object] = (),
) -> ManifestSet:
    return ManifestSet(
        queues=tuple(queues) if queues is not None else (capacity(),),
        webhooks=tuple(webhooks),  # type: ignore[arg-type]
        batches=tuple(batches),
    )


def foreign(
    live_id: str,
    at: datetime,
    *,
    queue_id: str = "queue_12345",
    callback_id: str | None = None,
    status: CallbackStatus = CallbackStatus.SCHEDULED,
    labels: dict[str, str] | None = None,
    reason: str = "booked by hand",
) -> LiveCallback:
    """A live callback, by default one gcbctl does not own."""
    return LiveCallback(
        id=live_id,
        callback_id=callback_id or live_id,
        callback_number="+14155550100",
        callback_time=at.astimezone(UTC),
        queue_id=queue_id,
        status=status,
        reason=reason,
        channel_preferences=ChannelPreferences(),
        labels=labels or {},
        version=1,
    )


def state(
    *callbacks: LiveCallback,
    queues: Sequence[LiveQueue] | None = None,
    webhooks: Sequence[object] = (),
) -> LiveState:
    return LiveState(
        queues=tuple(queues) if queues is not None else (live_queue(),),
        callbacks=tuple(callbacks),
        webhooks=tuple(webhooks),  # type: ignore[arg-type]
    )
