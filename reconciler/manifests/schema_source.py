"""The one source of gcbctl's JSON Schemas; `schemas/` and the packaged copies are written from it.

Run `python -m reconciler.manifests.write_schemas` after changing this file: it rewrites
`schemas/*.schema.json` at the top of the repository and `reconciler/schemas/` (shipped in the
wheel). A test fails when either copy differs from what this module produces. The schemas check
shape only; meaning (timezones, numbers, slots, references) is `reconciler.core.validate`'s job.
Every property carries a description because editors show it on hover.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.core.model import API_VERSION, SLOT_MINUTES_ALLOWED, Kind, Weekday
from reconciler.manifests.schema_batch import reservation_batch, reservation_defs
from reconciler.manifests.schema_parts import (
    COMBINED,
    DRAFT,
    EVENTS,
    FILE_NAMES,
    HHMM,
    HHMM_CLOSE,
    document,
    obj,
    string,
)

__all__ = ["COMBINED", "FILE_NAMES", "all_schemas", "render", "reservation_defs"]


def _queue_capacity() -> dict[str, Any]:
    window = obj(
        "Open hours on some weekdays, in the queue's local time.",
        {
            "days": {
                "type": "array",
                "description": "Weekdays this window applies to.",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": [str(day) for day in Weekday], "description": "A weekday."},
            },
            "open": string("Opening time, HH:MM local time.", pattern=HHMM),
            "close": string(
                "Closing time, HH:MM local time; 24:00 is midnight.", pattern=HHMM_CLOSE
            ),
        },
        "days",
        "open",
        "close",
    )
    spec = obj(
        "Capacity settings of one platform queue; settings left out are not managed.",
        {
            "queue": {
                **obj(
                    "The platform queue, by exactly one of name or id.",
                    {
                        "name": string("The queue's display name.", minLength=1),
                        "id": string("The queue's platform id.", minLength=1),
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
            "timezone": string("IANA timezone of the queue, e.g. Europe/Berlin.", minLength=1),
            "operatingHours": {
                "type": "array",
                "description": "When the queue takes callbacks; a day may have several windows.",
                "items": window,
            },
            "holidays": {
                "type": "array",
                "description": "Local dates on which the queue is closed.",
                "uniqueItems": True,
                "items": string("A date, YYYY-MM-DD.", format="date"),
            },
        },
        "queue",
    )
    return document(Kind.QUEUE_CAPACITY, spec, {})


def _webhook() -> dict[str, Any]:
    secret = {
        **obj(
            "Where the signing secret comes from; never the secret itself.",
            {
                "fromEnv": string(
                    "Name of an environment variable.", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$"
                ),
                "fromFile": string("Path of a file, relative to the working folder.", minLength=1),
            },
        ),
        "minProperties": 1,
        "maxProperties": 1,
    }
    spec = obj(
        "An outbound webhook for reservation and queue events.",
        {
            "url": string("https:// endpoint (http:// only to loopback).", pattern=r"^https?://"),
            "contentType": string("Media type of deliveries.", pattern=r"^[a-z]+/[a-z0-9.+-]+$"),
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
    return document(Kind.WEBHOOK, spec, {})


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
        FILE_NAMES[Kind.RESERVATION_BATCH]: reservation_batch(),
        COMBINED: _combined(),
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
