"""Building blocks of gcbctl's JSON Schemas: shared patterns, helpers and the document shape.

Used by `schema_source` (which writes the schema files) and `schema_batch`; nothing here reads
or writes files.
"""

from __future__ import annotations

from typing import Any, Final

from reconciler.core.model import API_VERSION, Kind

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


def obj(description: str, properties: dict[str, Any], *required: str) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "description": description,
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


def string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _metadata() -> dict[str, Any]:
    return obj(
        "Identifies the manifest; the name is unique per kind across all files.",
        {
            "name": string(
                "Lower-case name, unique per kind; gcbctl labels what it creates with it.",
                pattern=NAME_PATTERN,
            ),
            "labels": {
                "type": "object",
                "description": "Free-form labels for your own tooling; gcbctl ignores them.",
                "maxProperties": 20,
                "propertyNames": {"maxLength": 64},
                "additionalProperties": string("A label value.", maxLength=256),
            },
        },
        "name",
    )


def document(kind: Kind, spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    schema = obj(
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
