"""Checks on queue and webhook bodies (PATCH /queues, POST/PUT /webhooks, admin queue creation).

Like `callback_inputs`, these collect every problem as a `Detail` and never touch stored state.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from reconciler.sandbox import inputs
from reconciler.sandbox.calendar import DAYS, SLOT_CHOICES, hhmm, zone
from reconciler.sandbox.problems import Detail

QUEUE_FIELDS = ("concurrency_limit", "slot_minutes", "timezone", "operating_hours", "holidays")
WEBHOOK_EVENTS = (
    "reservation.created",
    "reservation.updated",
    "reservation.canceled",
    "reservation.completed",
    "queue.updated",
)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _hours(value: object, details: list[Detail]) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        inputs.problem(details, "operating_hours", "must be a list of windows")
        return None
    found: list[dict[str, Any]] = []
    for index, window in enumerate(value):
        where = f"operating_hours[{index}]"
        days = window.get("days") if isinstance(window, dict) else None
        if not isinstance(days, list) or not days or any(day not in DAYS for day in days):
            inputs.problem(details, where, f"days must be a non-empty list of {', '.join(DAYS)}")
            continue
        opens, closes = hhmm(window.get("open")), hhmm(window.get("close"))
        if opens is None or closes is None or opens >= closes:
            inputs.problem(details, where, 'open and close are "HH:MM" with open before close')
            continue
        found.append({"days": list(days), "open": window["open"], "close": window["close"]})
    return found if len(found) == len(value) else None


def _holidays(value: object, details: list[Detail]) -> list[str] | None:
    if not isinstance(value, list):
        inputs.problem(details, "holidays", "must be a list of YYYY-MM-DD dates")
        return None
    for index, day in enumerate(value):
        try:
            date.fromisoformat(day)
        except (TypeError, ValueError):
            inputs.problem(details, f"holidays[{index}]", "must be a YYYY-MM-DD date")
            return None
    return sorted(set(value))


def read_queue(
    body: dict[str, Any], *, keys: tuple[str, ...]
) -> tuple[dict[str, Any], list[Detail]]:
    """The queue settings among `keys` found in `body`, and every problem with them."""
    details: list[Detail] = []
    found: dict[str, Any] = {}
    for key in (k for k in keys if k in body):
        value: Any = None
        if key == "concurrency_limit":
            value = inputs.integer(body, key, details, 1, 50)
        elif key == "slot_minutes":
            value = body[key] if body[key] in SLOT_CHOICES and body[key] is not True else None
            if value is None:
                inputs.problem(details, key, f"must be one of {SLOT_CHOICES}")
        elif key == "timezone":
            value = body[key] if isinstance(body[key], str) and zone(body[key]) else None
            if value is None:
                inputs.problem(details, key, "must be an IANA timezone name")
        elif key == "operating_hours":
            value = _hours(body[key], details)
        elif key == "holidays":
            value = _holidays(body[key], details)
        elif key in ("id", "name"):
            value = inputs.text(body, key, details, max_len=128)
        if value is not None:
            found[key] = value
    return found, details


def _url(value: object, details: list[Detail]) -> str | None:
    if isinstance(value, str) and len(value) <= 2048:
        parts = urlsplit(value)
        if parts.scheme == "https" and parts.hostname:
            return value
        if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
            return value
    inputs.problem(details, "url", "must be an https:// URL (http:// only to loopback)")
    return None


def _events(value: object, details: list[Detail]) -> list[str] | None:
    if not isinstance(value, list) or not value or any(e not in WEBHOOK_EVENTS for e in value):
        inputs.problem(
            details, "events", f"must be a non-empty list of {', '.join(WEBHOOK_EVENTS)}"
        )
        return None
    return list(dict.fromkeys(value))


def read_webhook(body: dict[str, Any]) -> tuple[dict[str, Any], list[Detail]]:
    """A full webhook definition (POST and PUT), with defaults for optional fields."""
    details: list[Detail] = []
    found: dict[str, Any] = {
        "name": inputs.text(body, "name", details, max_len=256),
        "url": _url(body.get("url"), details),
        "content_type": "application/json",
        "enabled": True,
        "events": list(WEBHOOK_EVENTS),
        "labels": {},
    }
    if "content_type" in body:
        found["content_type"] = inputs.text(body, "content_type", details, max_len=128)
    if "enabled" in body:
        found["enabled"] = inputs.boolean(body, "enabled", details)
    if "events" in body:
        found["events"] = _events(body["events"], details)
    if "labels" in body:
        found["labels"] = inputs.labels(body, details)
    if body.get("secret") is not None:
        found["secret"] = inputs.text(body, "secret", details, max_len=1024)
    return found, details
