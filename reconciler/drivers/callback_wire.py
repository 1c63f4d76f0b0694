"""The callback platform's JSON shapes and their conversion to and from gcbctl values.

This is the one place where callback-api.md payloads (`TypedDict`s) turn into
`reconciler.core.live` values and where planned `Desired*` values turn into request bodies. The
watch loop reuses the `*_from_wire` functions for event resources. Nothing here does I/O; secrets
are passed in already resolved and are never read from or written to anything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, NotRequired, TypedDict, cast

from reconciler.core.actions import DesiredCallback, DesiredQueueSettings, DesiredWebhook
from reconciler.core.live import CallbackStatus, LiveCallback, LiveQueue, LiveWebhook, LiveWindow
from reconciler.core.model import Channel, ChannelPreferences, OperatingWindow, Weekday
from reconciler.core.schedule import format_hhmm, parse_hhmm
from reconciler.errors import ProtocolError


class HoursWire(TypedDict):
    days: list[str]
    open: str
    close: str


class QueueWire(TypedDict):
    id: str
    name: str
    timezone: str
    operating_hours: list[HoursWire]
    holidays: list[str]
    slot_minutes: int
    concurrency_limit: int
    version: int


class WindowWire(TypedDict):
    start: str
    end: str


class ChannelsWire(TypedDict):
    primary: str
    fallback: str
    allow_sms: bool


class CallbackWire(TypedDict):
    id: str
    callback_id: str
    callback_number: str
    callback_time: str
    queue_id: str
    status: str
    reason: NotRequired[str]
    time_slot_matrix: NotRequired[list[WindowWire]]
    channel_preferences: NotRequired[ChannelsWire]
    concurrency_limit: NotRequired[int]
    labels: NotRequired[dict[str, str]]
    version: int


class WebhookWire(TypedDict):
    id: str
    name: str
    url: str
    content_type: str
    enabled: bool
    events: list[str]
    secret_sha256: NotRequired[str | None]
    labels: NotRequired[dict[str, str]]
    version: int


def format_time(instant: datetime) -> str:
    """RFC 3339 in UTC with a `Z`, as the platform stores times."""
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_time(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"the platform sent a malformed time {text!r}") from exc
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _minute(text: str) -> int:
    minute = parse_hhmm(text)
    if minute is None:
        raise ProtocolError(f"the platform sent a malformed time of day {text!r}")
    return minute


def hours_from_wire(hours: list[HoursWire]) -> tuple[OperatingWindow, ...]:
    return tuple(
        OperatingWindow(
            days=tuple(Weekday(day) for day in entry["days"]),
            open_minute=_minute(entry["open"]),
            close_minute=_minute(entry["close"]),
        )
        for entry in hours
    )


def hours_to_wire(hours: tuple[OperatingWindow, ...]) -> list[HoursWire]:
    return [
        HoursWire(
            days=[str(day) for day in window.days],
            open=format_hhmm(window.open_minute),
            close=format_hhmm(window.close_minute),
        )
        for window in hours
    ]


def queue_from_wire(raw: Mapping[str, Any]) -> LiveQueue:
    wire = cast(QueueWire, raw)
    try:
        return LiveQueue(
            id=wire["id"],
            name=wire["name"],
            timezone=wire["timezone"],
            operating_hours=hours_from_wire(wire.get("operating_hours") or []),
            holidays=tuple(date.fromisoformat(day) for day in wire.get("holidays") or []),
            slot_minutes=int(wire["slot_minutes"]),
            concurrency_limit=int(wire["concurrency_limit"]),
            version=int(wire.get("version", 0)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ProtocolError(f"the platform sent a malformed queue: {exc}") from exc


def channels_from_wire(raw: ChannelsWire | None) -> ChannelPreferences:
    if not raw:
        return ChannelPreferences()
    return ChannelPreferences(
        primary=Channel(raw.get("primary", "voice")),
        fallback=Channel(raw.get("fallback", "none")),
        allow_sms=bool(raw.get("allow_sms", False)),
    )


def channels_to_wire(prefs: ChannelPreferences) -> ChannelsWire:
    return ChannelsWire(
        primary=str(prefs.primary), fallback=str(prefs.fallback), allow_sms=prefs.allow_sms
    )


def callback_from_wire(raw: Mapping[str, Any]) -> LiveCallback:
    wire = cast(CallbackWire, raw)
    try:
        return LiveCallback(
            id=wire["id"],
            callback_id=wire["callback_id"],
            callback_number=wire["callback_number"],
            callback_time=parse_time(wire["callback_time"]),
            queue_id=wire["queue_id"],
            status=CallbackStatus(wire["status"]),
            reason=wire.get("reason") or "",
            time_slot_matrix=tuple(
                LiveWindow(parse_time(w["start"]), parse_time(w["end"]))
                for w in wire.get("time_slot_matrix") or []
            ),
            channel_preferences=channels_from_wire(wire.get("channel_preferences")),
            labels=dict(wire.get("labels") or {}),
            version=int(wire.get("version", 0)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ProtocolError(f"the platform sent a malformed callback: {exc}") from exc


def webhook_from_wire(raw: Mapping[str, Any]) -> LiveWebhook:
    wire = cast(WebhookWire, raw)
    try:
        return LiveWebhook(
            id=wire["id"],
            name=wire["name"],
            url=wire["url"],
            content_type=wire.get("content_type", "application/json"),
            enabled=bool(wire.get("enabled", True)),
            events=tuple(wire.get("events") or ()),
            secret_sha256=wire.get("secret_sha256"),
            labels=dict(wire.get("labels") or {}),
            version=int(wire.get("version", 0)),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise ProtocolError(f"the platform sent a malformed webhook: {exc}") from exc


def callback_body(desired: DesiredCallback, *, with_slot: bool = True) -> dict[str, Any]:
    """A create or PATCH body; the chosen grid slot is the one and first window of the matrix."""
    body: dict[str, Any] = {
        "callback_number": desired.callback_number,
        "reason": desired.reason,
        "channel_preferences": channels_to_wire(desired.channel_preferences),
        "concurrency_limit": desired.concurrency_limit,
        "labels": dict(desired.labels),
    }
    if with_slot:
        body["time_slot_matrix"] = [
            WindowWire(start=format_time(desired.slot_start), end=format_time(desired.slot_end))
        ]
    return body


def create_callback_body(desired: DesiredCallback) -> dict[str, Any]:
    return {"callback_id": desired.callback_id, "queue_id": desired.queue_id} | callback_body(
        desired
    )


def webhook_body(desired: DesiredWebhook, secret: str | None) -> dict[str, Any]:
    """A create or PUT body; without a secret the platform keeps the one it has."""
    body: dict[str, Any] = {
        "name": desired.name,
        "url": desired.url,
        "content_type": desired.content_type,
        "enabled": desired.enabled,
        "events": list(desired.events),
        "labels": dict(desired.labels),
    }
    if secret is not None:
        body["secret"] = secret
    return body


def queue_body(desired: DesiredQueueSettings) -> dict[str, Any]:
    """Only the settings the manifest states."""
    body: dict[str, Any] = {}
    if desired.concurrency_limit is not None:
        body["concurrency_limit"] = desired.concurrency_limit
    if desired.slot_minutes is not None:
        body["slot_minutes"] = desired.slot_minutes
    if desired.timezone is not None:
        body["timezone"] = desired.timezone
    if desired.operating_hours is not None:
        body["operating_hours"] = hours_to_wire(desired.operating_hours)
    if desired.holidays is not None:
        body["holidays"] = list(desired.holidays)
    return body
