"""The objects the sandbox stores (queues, callbacks, webhooks) and their JSON shapes.

Records are mutable because the store changes them in place under its lock; every change goes
through `touch()` so that `version` and `updated_at` move together. `to_json()` is the platform's
response shape: webhook secrets never appear in it, only their SHA-256.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from reconciler.sandbox.clock import parse_instant


def iso(instant: datetime) -> str:
    """RFC 3339 in UTC with milliseconds and a Z, the platform's timestamp format."""
    utc = instant.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


@dataclass(slots=True)
class Queue:
    id: str
    name: str
    timezone: str
    operating_hours: list[dict[str, Any]]
    holidays: list[str]
    slot_minutes: int
    concurrency_limit: int
    version: int = 1

    def touch(self) -> None:
        self.version += 1

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "timezone": self.timezone,
            "operating_hours": [dict(w, days=list(w["days"])) for w in self.operating_hours],
            "holidays": list(self.holidays),
            "slot_minutes": self.slot_minutes,
            "concurrency_limit": self.concurrency_limit,
            "version": self.version,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Queue:
        return cls(
            id=data["id"],
            name=data["name"],
            timezone=data["timezone"],
            operating_hours=[dict(w) for w in data["operating_hours"]],
            holidays=[str(day) for day in data.get("holidays", [])],
            slot_minutes=int(data["slot_minutes"]),
            concurrency_limit=int(data["concurrency_limit"]),
            version=int(data.get("version", 1)),
        )


@dataclass(slots=True)
class Callback:
    id: str
    callback_id: str
    callback_number: str
    callback_time: datetime
    queue_id: str
    reason: str
    status: str
    time_slot_matrix: list[dict[str, str]]
    channel_preferences: dict[str, Any]
    concurrency_limit: int | None
    labels: dict[str, str]
    created_at: datetime
    updated_at: datetime
    version: int = 1

    def touch(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "callback_id": self.callback_id,
            "callback_number": self.callback_number,
            "callback_time": iso(self.callback_time),
            "queue_id": self.queue_id,
            "reason": self.reason,
            "status": self.status,
            "time_slot_matrix": [dict(w) for w in self.time_slot_matrix],
            "channel_preferences": dict(self.channel_preferences),
            "concurrency_limit": self.concurrency_limit,
            "labels": dict(self.labels),
            "version": self.version,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Callback:
        return cls(
            id=data["id"],
            callback_id=data["callback_id"],
            callback_number=data["callback_number"],
            callback_time=parse_instant(data["callback_time"]),
            queue_id=data["queue_id"],
            reason=data.get("reason", ""),
            status=data["status"],
            time_slot_matrix=[dict(w) for w in data["time_slot_matrix"]],
            channel_preferences=dict(data["channel_preferences"]),
            concurrency_limit=data.get("concurrency_limit"),
            labels=dict(data.get("labels", {})),
            created_at=parse_instant(data["created_at"]),
            updated_at=parse_instant(data["updated_at"]),
            version=int(data.get("version", 1)),
        )


@dataclass(slots=True)
class Webhook:
    id: str
    name: str
    url: str
    content_type: str
    enabled: bool
    events: list[str]
    secret: str | None
    created_at: datetime
    updated_at: datetime
    labels: dict[str, str] = field(default_factory=dict)
    version: int = 1

    def touch(self, now: datetime) -> None:
        self.version += 1
        self.updated_at = now

    @property
    def secret_sha256(self) -> str | None:
        if self.secret is None:
            return None
        return hashlib.sha256(self.secret.encode()).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "url": self.url,
            "content_type": self.content_type,
            "enabled": self.enabled,
            "events": list(self.events),
            "secret_sha256": self.secret_sha256,
            "labels": dict(self.labels),
            "version": self.version,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }

    def to_state(self) -> dict[str, Any]:
        """The persisted form, which unlike `to_json()` keeps the secret."""
        return self.to_json() | {"secret": self.secret}

    @classmethod
    def from_state(cls, data: dict[str, Any]) -> Webhook:
        return cls(
            id=data["id"],
            name=data["name"],
            url=data["url"],
            content_type=data.get("content_type", "application/json"),
            enabled=bool(data.get("enabled", True)),
            events=list(data["events"]),
            secret=data.get("secret"),
            created_at=parse_instant(data["created_at"]),
            updated_at=parse_instant(data["updated_at"]),
            labels=dict(data.get("labels", {})),
            version=int(data.get("version", 1)),
        )
