"""Checks on request bodies shared by every resource: strings, integers, labels, windows.

Each checker appends `Detail`s to a list instead of raising, so that one 400 response lists every
problem in the request at once. Nothing here looks at stored state.
"""

from __future__ import annotations

from typing import Any

from reconciler.sandbox.booking import MAX_WINDOWS, Window
from reconciler.sandbox.clock import parse_instant
from reconciler.sandbox.problems import Detail

MAX_LABELS = 20
MAX_LABEL_KEY = 64
MAX_LABEL_VALUE = 256


def problem(details: list[Detail], field: str, message: str, code: str = "bad.request") -> None:
    details.append(Detail(code, field, message=f"{field}: {message}"))


def text(
    body: dict[str, Any],
    key: str,
    details: list[Detail],
    *,
    max_len: int = 256,
    empty: bool = False,
) -> str | None:
    """A string field, or None after recording why it is unusable."""
    value = body.get(key)
    if not isinstance(value, str):
        problem(details, key, "must be a string")
        return None
    if (not value and not empty) or len(value) > max_len:
        problem(details, key, f"must have 1 to {max_len} characters")
        return None
    return value


def integer(
    body: dict[str, Any], key: str, details: list[Detail], low: int, high: int
) -> int | None:
    value = body.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        problem(details, key, f"must be an integer from {low} to {high}")
        return None
    return value


def boolean(body: dict[str, Any], key: str, details: list[Detail]) -> bool | None:
    value = body.get(key)
    if not isinstance(value, bool):
        problem(details, key, "must be true or false")
        return None
    return value


def labels(body: dict[str, Any], details: list[Detail]) -> dict[str, str] | None:
    """The optional `labels` object: string to string, bounded in count and length."""
    value = body.get("labels")
    if not isinstance(value, dict):
        problem(details, "labels", "must be an object of strings")
        return None
    if len(value) > MAX_LABELS:
        problem(details, "labels", f"at most {MAX_LABELS} entries")
        return None
    for key, item in value.items():
        if not isinstance(item, str) or not key or len(key) > MAX_LABEL_KEY:
            problem(details, f"labels.{key}", f"keys of 1..{MAX_LABEL_KEY} chars, string values")
            return None
        if len(item) > MAX_LABEL_VALUE:
            problem(details, f"labels.{key}", f"values of at most {MAX_LABEL_VALUE} characters")
            return None
    return dict(value)


def _instant(value: object, field: str, details: list[Detail]) -> Any:
    if not isinstance(value, str):
        problem(details, field, "must be an RFC 3339 timestamp with an offset")
        return None
    try:
        return parse_instant(value)
    except ValueError:
        problem(details, field, "must be an RFC 3339 timestamp with an offset, 1971..9000")
        return None


def windows(body: dict[str, Any], details: list[Detail]) -> list[Window] | None:
    """The `time_slot_matrix`: 1..50 windows, each with a start and an end."""
    value = body.get("time_slot_matrix")
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_WINDOWS:
        problem(details, "time_slot_matrix", f"must be a list of 1 to {MAX_WINDOWS} windows")
        return None
    found: list[Window] = []
    for index, entry in enumerate(value):
        where = f"time_slot_matrix[{index}]"
        if not isinstance(entry, dict):
            problem(details, where, "must be an object with start and end")
            continue
        start = _instant(entry.get("start"), f"{where}.start", details)
        end = _instant(entry.get("end"), f"{where}.end", details)
        if start is not None and end is not None:
            found.append(Window(start, end))
    return found if len(found) == len(value) else None
