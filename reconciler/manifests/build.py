"""Turn schema-checked manifest documents into the domain values of `reconciler.core.model`.

The builder trusts the schema for shape but not for completeness: parts of a document that
failed the schema (`bad` paths) are left out, so one misspelled key does not hide every other
problem in the same run. A required part that failed drops the whole manifest or reservation.
Absent fields stay `UNSET`. Batch defaults (`reason`, `channelPreferences`) are applied here,
field by field, so each reservation carries what it will be booked with.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from reconciler.core.model import (
    UNSET,
    Channel,
    ChannelPreferences,
    OperatingWindow,
    Origin,
    QueueCapacity,
    QueueRef,
    SecretRef,
    Webhook,
    Weekday,
    _Unset,
)
from reconciler.core.problems import Problem
from reconciler.core.schedule import parse_hhmm

Path = tuple[str | int, ...]


class Bad:
    """The paths of one document that failed the schema; `clean(path)` says a part is usable."""

    def __init__(self, problems: Iterable[Problem], prefix: Path = ()) -> None:
        self.paths: list[Path] = []
        for problem in problems:
            path = problem.origin.path
            if path[: len(prefix)] == prefix and problem.code != "schema.additional-property":
                self.paths.append(path[len(prefix) :])

    def clean(self, *path: str | int) -> bool:
        for bad in self.paths:
            size = min(len(bad), len(path))
            if bad[:size] == path[:size]:
                return False
        return True


def _get(mapping: dict[str, Any], key: str, bad: Bad, *path: str | int) -> Any:
    if key in mapping and bad.clean(*path, key):
        return mapping[key]
    return UNSET


def build_queue(doc: dict[str, Any], origin: Origin, bad: Bad) -> QueueCapacity | None:
    if not (bad.clean("metadata", "name") and bad.clean("spec", "queue")):
        return None
    spec = doc["spec"]
    queue = spec["queue"]
    hours = _get(spec, "operatingHours", bad, "spec")
    holidays = _get(spec, "holidays", bad, "spec")
    limit = _get(spec, "concurrencyLimit", bad, "spec")
    return QueueCapacity(
        name=doc["metadata"]["name"],
        queue=QueueRef(name=queue.get("name"), id=queue.get("id")),
        origin=origin,
        concurrency_limit=UNSET if limit is UNSET else int(limit),
        slot_minutes=_get(spec, "slotMinutes", bad, "spec"),
        timezone=_get(spec, "timezone", bad, "spec"),
        operating_hours=UNSET if hours is UNSET else tuple(_window(item) for item in hours),
        holidays=UNSET if holidays is UNSET else tuple(date.fromisoformat(d) for d in holidays),
        labels=tuple(sorted(doc["metadata"].get("labels", {}).items())),
    )


def _window(item: dict[str, Any]) -> OperatingWindow:
    return OperatingWindow(
        days=tuple(Weekday(day) for day in item["days"]),
        open_minute=parse_hhmm(item["open"]) or 0,
        close_minute=parse_hhmm(item["close"]) or 0,
    )


def build_webhook(doc: dict[str, Any], origin: Origin, bad: Bad) -> Webhook | None:
    if not (bad.clean("metadata", "name") and bad.clean("spec", "url")):
        return None
    spec = doc["spec"]
    events = _get(spec, "events", bad, "spec")
    secret = _get(spec, "secret", bad, "spec")
    return Webhook(
        name=doc["metadata"]["name"],
        url=spec["url"],
        origin=origin,
        content_type=_get(spec, "contentType", bad, "spec"),
        enabled=_get(spec, "enabled", bad, "spec"),
        events=UNSET if events is UNSET else tuple(events),
        secret=UNSET
        if secret is UNSET
        else SecretRef(from_env=secret.get("fromEnv"), from_file=secret.get("fromFile")),
    )


def _preferences(*layers: Any) -> ChannelPreferences | _Unset:
    merged: dict[str, Any] = {}
    for layer in layers:
        if isinstance(layer, dict):
            merged.update(layer)
    if not merged:
        return UNSET
    return _merged_preferences(tuple(sorted(merged.items())))


@lru_cache(maxsize=64)
def _merged_preferences(items: tuple[tuple[str, Any], ...]) -> ChannelPreferences:
    """Built once per distinct combination: big batches repeat the same few preferences."""
    merged = dict(items)
    defaults = ChannelPreferences()
    return ChannelPreferences(
        primary=Channel(merged.get("primary", defaults.primary)),
        fallback=Channel(merged.get("fallback", defaults.fallback)),
        allow_sms=bool(merged.get("allowSms", defaults.allow_sms)),
    )


def instant(text: str) -> datetime | None:
    """A window bound as written (naive means the queue's timezone), or None if no such time."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def preferences(*layers: Any) -> ChannelPreferences | _Unset:
    """Channel preferences merged field by field (later layers win), UNSET if none is given."""
    return _preferences(*layers)
