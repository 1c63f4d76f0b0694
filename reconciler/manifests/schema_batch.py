"""The ReservationBatch schema and the reservation `$defs` that CSV rows are checked against."""

from __future__ import annotations

from typing import Any

from reconciler.core.model import Kind
from reconciler.manifests.schema_parts import LOCAL_OR_OFFSET, NAME_PATTERN, document, obj, string


def reservation_defs() -> dict[str, Any]:
    """`$defs` shared by batches and CSV rows: a reservation and its parts."""
    channels = ["voice", "sms", "none"]
    return {
        "channelPreferences": obj(
            "How the callback reaches the customer.",
            {
                "primary": {"enum": channels, "description": "First channel tried."},
                "fallback": {"enum": channels, "description": "Channel tried next."},
                "allowSms": {"type": "boolean", "description": "Must be true to use sms."},
            },
        ),
        "timeWindow": obj(
            "A window on the queue's slot grid; without an offset, in the queue's timezone.",
            {
                "start": string(
                    "Window start, ISO 8601 local or with offset.", pattern=LOCAL_OR_OFFSET
                ),
                "end": string("Window end, after start.", pattern=LOCAL_OR_OFFSET),
            },
            "start",
            "end",
        ),
        "reservation": obj(
            "One callback to book.",
            {
                "callbackId": string(
                    "Your key for the callback, unique across all batches.",
                    pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$",
                ),
                "callbackNumber": string("E.164 phone number, e.g. +14155550199.", minLength=1),
                "reason": string("Why the customer wants a callback.", maxLength=256),
                "channelPreferences": {"$ref": "#/$defs/channelPreferences"},
                "timeSlots": {
                    "type": "array",
                    "description": "Acceptable windows, in order of preference.",
                    "minItems": 1,
                    "maxItems": 20,
                    "items": {"$ref": "#/$defs/timeWindow"},
                },
            },
            "callbackId",
            "callbackNumber",
            "timeSlots",
        ),
    }


def reservation_batch() -> dict[str, Any]:
    spec = obj(
        "Callbacks to book on one queue.",
        {
            "queue": string("Name of a QueueCapacity manifest.", pattern=NAME_PATTERN),
            "prune": {
                "type": "boolean",
                "description": "Cancel this batch's callbacks that left the manifest.",
            },
            "defaults": obj(
                "Values for reservations that do not set them.",
                {
                    "channelPreferences": {"$ref": "#/$defs/channelPreferences"},
                    "reason": string("Default reason.", maxLength=256),
                },
            ),
            "reservations": {
                "type": "array",
                "description": "The callbacks; or use reservationsFrom.",
                "items": {"$ref": "#/$defs/reservation"},
            },
            "reservationsFrom": obj(
                "Read the reservations from a file instead.",
                {"csv": string("CSV file, relative to this manifest.", minLength=1)},
                "csv",
            ),
        },
        "queue",
    )
    return document(Kind.RESERVATION_BATCH, spec, reservation_defs())
