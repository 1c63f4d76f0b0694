"""Checks on callback create and PATCH bodies that need no stored state.

Phone numbers must be E.164 and valid for their country (phonenumbers); channel preferences use
`voice`, `sms` or `none`, with `allow_sms` true whenever `sms` appears. Slot rules that depend on
the queue and the clock live in `booking`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import phonenumbers

from reconciler.sandbox import inputs
from reconciler.sandbox.booking import Window
from reconciler.sandbox.problems import Detail

CHANNELS = ("voice", "sms", "none")
PATCHABLE = (
    "time_slot_matrix",
    "channel_preferences",
    "reason",
    "callback_number",
    "concurrency_limit",
    "labels",
)
FIXED = ("id", "callback_id", "queue_id", "status", "callback_time")
_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")


@dataclass(slots=True)
class CallbackInput:
    """The checked fields of a request; absent fields are None (`present` lists the given keys)."""

    present: frozenset[str]
    callback_id: str | None = None
    queue_id: str | None = None
    callback_number: str | None = None
    windows: list[Window] | None = None
    channel_preferences: dict[str, Any] | None = None
    reason: str | None = None
    concurrency_limit: int | None = None
    labels: dict[str, str] | None = None


def _number(body: dict[str, Any], details: list[Detail]) -> str | None:
    value = body.get("callback_number")
    if isinstance(value, str) and _E164.match(value):
        try:
            if phonenumbers.is_valid_number(phonenumbers.parse(value)):
                return value
        except phonenumbers.NumberParseException:
            pass
    inputs.problem(details, "callback_number", "must be a valid E.164 number like +14155550199")
    return None


def _channels(body: dict[str, Any], details: list[Detail]) -> dict[str, Any] | None:
    value = body.get("channel_preferences")
    if not isinstance(value, dict):
        inputs.problem(details, "channel_preferences", "must be an object")
        return None
    primary, fallback = value.get("primary"), value.get("fallback", "none")
    allow_sms = value.get("allow_sms", False)
    before = len(details)
    if primary not in CHANNELS:
        inputs.problem(details, "channel_preferences.primary", f"must be one of {CHANNELS}")
    if fallback not in CHANNELS:
        inputs.problem(details, "channel_preferences.fallback", f"must be one of {CHANNELS}")
    if not isinstance(allow_sms, bool):
        inputs.problem(details, "channel_preferences.allow_sms", "must be true or false")
    elif "sms" in (primary, fallback) and not allow_sms:
        inputs.problem(details, "channel_preferences.allow_sms", "must be true when sms is used")
    if len(details) > before:
        return None
    return {"primary": primary, "fallback": fallback, "allow_sms": allow_sms}


def _read(body: dict[str, Any], keys: frozenset[str], details: list[Detail]) -> CallbackInput:
    found = CallbackInput(present=keys)
    if "callback_id" in keys:
        found.callback_id = inputs.text(body, "callback_id", details, max_len=128)
    if "queue_id" in keys:
        found.queue_id = inputs.text(body, "queue_id", details, max_len=128)
    if "callback_number" in keys:
        found.callback_number = _number(body, details)
    if "time_slot_matrix" in keys:
        found.windows = inputs.windows(body, details)
    if "channel_preferences" in keys:
        found.channel_preferences = _channels(body, details)
    if "reason" in keys:
        found.reason = inputs.text(body, "reason", details, max_len=1024, empty=True)
    if "concurrency_limit" in keys and body["concurrency_limit"] is not None:
        found.concurrency_limit = inputs.integer(body, "concurrency_limit", details, 1, 50)
    if "labels" in keys:
        found.labels = inputs.labels(body, details)
    return found


def read_create(body: dict[str, Any]) -> tuple[CallbackInput, list[Detail]]:
    """The fields of a create request and every problem with them."""
    details: list[Detail] = []
    required = (
        "callback_id",
        "callback_number",
        "time_slot_matrix",
        "channel_preferences",
        "queue_id",
    )
    for key in required:
        if key not in body:
            inputs.problem(details, key, "is required")
    keys = frozenset(k for k in (*required, *PATCHABLE) if k in body)
    found = _read(body, keys, details)
    if found.reason is None:
        found.reason = ""
    return found, details


def read_patch(body: dict[str, Any]) -> tuple[CallbackInput, list[Detail]]:
    """The fields of a PATCH request; fixed fields and empty patches are problems."""
    details: list[Detail] = []
    for key in FIXED:
        if key in body:
            inputs.problem(details, key, "cannot be changed")
    keys = frozenset(k for k in PATCHABLE if k in body)
    if not keys and not details:
        inputs.problem(details, "body", f"name at least one of {', '.join(PATCHABLE)}")
    return _read(body, keys, details), details
