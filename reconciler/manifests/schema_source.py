"""The one source of gcbctl's JSON Schemas; `schemas/` and the packaged copies are written from it.

Run `python -m reconciler.manifests.schema_source` after changing this file: it rewrites
`schemas/*.schema.json` at the top of the repository and `reconciler/schemas/` (shipped in the
wheel). A test fails when either copy differs from what this module produces. The schemas check
shape only; meaning (timezones, numbers, slots, references) is `reconciler.core.validate`'s job.
Every property carries a description because editors show it on hover.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Final

from reconciler.core.model import API_VERSION, SLOT_MINUTES_ALLOWED, Kind, Weekday

DRAFT: Final = "https://json-schema.org/draft/2020-12/schema"
EVENTS: Final = (
    "reservation.created",
    "reservation.updated",
    "reservation.canceled",
    "reservation.completed",
    "queue.updated",
)
FILE_NAMES: Final = {
    Kind.QUEUE_CAPACITY: "queuecapacity.schema.json",
    Kind.WEBHOOK: "webhook.schema.json",
    Kind.RESERVATION_BATCH: "reservationbatch.schema.json",
}
COMBINED: Final = "gcbctl.schema.json"
NAME_PATTERN: Final = r"^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$"
HHMM: Final = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
HHMM_CLOSE: Final = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
LOCAL_OR_OFFSET: Final = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?$"
)


def _obj(description: str, properties: dict[str, Any], *required: str) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


def _str(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _metadata() -> dict[str, Any]:
    return _obj(
        "Identifies the manifest; the name is unique per kind across all files.",
        {
            "name": _str(
                "Lower-case name, unique per kind; gcbctl labels what it creates with it.",
                pattern=NAME_PATTERN,
            ),
            "labels": {
                "type": "object",
                "description": "Free-form labels for your own tooling; gcbctl ignores them.",
                "maxProperties": 20,
                "propertyNames": {"maxLength": 64},
                "additionalProperties": _str("A label value.", maxLength=256),
            },
        },
        "name",
    )


def _document(kind: Kind, spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    schema = _obj(
        f"A gcbctl {kind} manifest.",
        {
            "apiVersion": {"const": API_VERSION, "description": "Always gcbctl.io/v1."},
            "kind": {"const": str(kind), "description": f"Always {kind}."},
            "metadata": _metadata(),
            "spec": spec,
        },
        "apiVersion",
        "kind",
        "metadata",
        "spec",
    )
    head = {"$schema": DRAFT, "title": f"gcbctl {kind}"}
    return {**head, **schema, **({"$defs": defs} if defs else {})}


def _queue_capacity() -> dict[str, Any]:
    window = _obj(
        "Open hours on some weekdays, in the queue's local time.",
        {
            "days": {
                "type": "array",
                "description": "Weekdays this window applies to.",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": [str(day) for day in Weekday], "description": "A weekday."},
            },
            "open": _str("Opening time, HH:MM local time.", pattern=HHMM),
            "close": _str("Closing time, HH:MM local time; 24:00 is midnight.", pattern=HHMM_CLOSE),
        },
        "days",
        "open",
        "close",
    )
    spec = _obj(
        "Capacity settings of one platform queue; settings left out are not managed.",
        {
            "queue": {
                **_obj(
                    "The platform queue, by exactly one of name or id.",
                    {
                        "name": _str("The queue's display name.", minLength=1),
                        "id": _str("The queue's platform id.", minLength=1),
                    },
                ),
                "minProperties": 1,
                "maxProperties": 1,
            },
            "concurrencyLimit": {
                "type": "integer",
                "description": "Callbacks at once in one slot (1..50).",
                "minimum": 1,
                "maximum": 50,
            },
            "slotMinutes": {
                "enum": list(SLOT_MINUTES_ALLOWED),
                "description": "Slot length in minutes; slots start at multiples of it.",
            },
            "timezone": _str("IANA timezone of the queue, e.g. Europe/Berlin.", minLength=1),
            "operatingHours": {
                "type": "array",
                "description": "When the queue takes callbacks; a day may have several windows.",
                "items": window,
            },
            "holidays": {
                "type": "array",
                "description": "Local dates on which the queue is closed.",
                "uniqueItems": True,
                "items": _str("A date, YYYY-MM-DD.", format="date"),
            },
        },
        "queue",
    )
    return _document(Kind.QUEUE_CAPACITY, spec, {})


def _webhook() -> dict[str, Any]:
    secret = {
        **_obj(
            "Where the signing secret comes from; never the secret itself.",
            {
                "fromEnv": _str(
                    "Name of an environment variable.", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$"
                ),
                "fromFile": _str("Path of a file, relative to the working folder.", minLength=1),
            },
        ),
        "minProperties": 1,
        "maxProperties": 1,
    }
    spec = _obj(
        "An outbound webhook for reservation and queue events.",
        {
            "url": _str("https:// endpoint (http:// only to loopback).", pattern=r"^https?://"),
            "contentType": _str("Media type of deliveries.", pattern=r"^[a-z]+/[a-z0-9.+-]+$"),
            "enabled": {"type": "boolean", "description": "Whether deliveries are made."},
            "events": {
                "type": "array",
                "description": "Events delivered; the platform default is all of them.",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": list(EVENTS), "description": "An event name."},
            },
            "secret": secret,
        },
        "url",
    )
    return _document(Kind.WEBHOOK, spec, {})


def reservation_defs() -> dict[str, Any]:
    """`$defs` shared by batches and CSV rows: a reservation and its parts."""
    channels = ["voice", "sms", "none"]
    return {
        "channelPreferences": _obj(
            "How the callback reaches the customer.",
            {
                "primary": {"enum": channels, "description": "First channel tried."},
                "fallback": {"enum": channels, "description": "Channel tried next."},
                "allowSms": {"type": "boolean", "description": "Must be true to use sms."},
            },
        ),
        "timeWindow": _obj(
            "A window on the queue's slot grid; without an offset, in the queue's timezone.",
            {
                "start": _str(
                    "Window start, ISO 8601 local or with offset.", pattern=LOCAL_OR_OFFSET
                ),
                "end": _str("Window end, after start.", pattern=LOCAL_OR_OFFSET),
            },
            "start",
            "end",
        ),
        "reservation": _obj(
            "One callback to book.",
            {
                "callbackId": _str(
                    "Your key for the callback, unique across all batches.",
                    pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$",
                ),
                "callbackNumber": _str("E.164 phone number, e.g. +14155550199.", minLength=1),
                "reason": _str("Why the customer wants a callback.", maxLength=256),
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


def _reservation_batch() -> dict[str, Any]:
    spec = _obj(
        "Callbacks to book on one queue.",
        {
            "queue": _str("Name of a QueueCapacity manifest.", pattern=NAME_PATTERN),
            "prune": {
                "type": "boolean",
                "description": "Cancel this batch's callbacks that left the manifest.",
            },
            "defaults": _obj(
                "Values for reservations that do not set them.",
                {
                    "channelPreferences": {"$ref": "#/$defs/channelPreferences"},
                    "reason": _str("Default reason.", maxLength=256),
                },
            ),
            "reservations": {
                "type": "array",
                "description": "The callbacks; or use reservationsFrom.",
                "items": {"$ref": "#/$defs/reservation"},
            },
            "reservationsFrom": _obj(
                "Read the reservations from a file instead.",
                {"csv": _str("CSV file, relative to this manifest.", minLength=1)},
                "csv",
            ),
        },
        "queue",
    )
    return _document(Kind.RESERVATION_BATCH, spec, reservation_defs())


def _combined() -> dict[str, Any]:
    branches = [
        {
            "if": {"properties": {"kind": {"const": str(kind)}}, "required": ["kind"]},
            "then": {"$ref": name},
        }
        for kind, name in FILE_NAMES.items()
    ]
    return {
        "$schema": DRAFT,
        "title": "gcbctl manifest",
        "description": "Any gcbctl manifest; the kind selects the schema.",
        "type": "object",
        "properties": {
            "apiVersion": {"const": API_VERSION, "description": "Always gcbctl.io/v1."},
            "kind": {"enum": [str(kind) for kind in Kind], "description": "The manifest kind."},
        },
        "required": ["apiVersion", "kind"],
        "allOf": branches,
    }


def all_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, for every file under `schemas/`."""
    return {
        FILE_NAMES[Kind.QUEUE_CAPACITY]: _queue_capacity(),
        FILE_NAMES[Kind.WEBHOOK]: _webhook(),
        FILE_NAMES[Kind.RESERVATION_BATCH]: _reservation_batch(),
        COMBINED: _combined(),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Write the schemas into `schemas/` and `reconciler/schemas/` of this checkout."""
    package = Path(__file__).resolve().parent.parent
    for folder in (package.parent / "schemas", package / "schemas"):
        folder.mkdir(exist_ok=True)
        for name, schema in all_schemas().items():
            (folder / name).write_text(render(schema), encoding="utf-8")
    sys.stdout.write("schemas written\n")


if __name__ == "__main__":
    main()
