"""Payloads carried inside frames: events (type 1), acknowledgments (type 2), controls (type 3).

Type 1 and type 3 payloads are msgpack maps. Type 2 is the product document's JSON
`{"status":"ack","correlation_id":"..."}`; a msgpack map with the same keys and the cumulative form
`{"status":"ack","sequence": N}` are accepted too. Like `frames`, this module is pure: it never
reads a clock or a socket and reports malformed payloads as `ProtocolError` (close code 1007).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import msgpack
import orjson

from reconciler.errors import ProtocolError

CHANGED_BY = ("api", "ui", "system")


class ControlKind(enum.StrEnum):
    """The control notices a server sends."""

    HEARTBEAT = "heartbeat"
    RESYNC_REQUIRED = "resync_required"
    CLOSING = "closing"


@dataclass(frozen=True, slots=True)
class Event:
    """A reservation, queue or webhook change, numbered by `sequence` across the whole stream."""

    correlation_id: str
    sequence: int
    event: str
    changed_by: str
    resource: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Ack:
    """An acknowledgment of one event (`correlation_id`) or of all up to `sequence`.

    `resource_id` carries the product document's own form, `{"status":"ack","id":"..."}`,
    which names the acknowledged object rather than the event.
    """

    correlation_id: str | None = None
    sequence: int | None = None
    resource_id: str | None = None


@dataclass(frozen=True, slots=True)
class Control:
    """A control notice; `reason` goes with resync_required, `in_seconds` with closing."""

    control: str
    reason: str | None = None
    in_seconds: int | None = None


def _unpack_map(payload: bytes, what: str) -> dict[str, Any]:
    try:
        value = msgpack.unpackb(payload, raw=False)
    except Exception as exc:  # msgpack raises several unrelated types for bad input
        raise ProtocolError(f"{what} payload is not msgpack: {exc}") from exc
    if not isinstance(value, dict):
        raise ProtocolError(f"{what} payload is not a map")
    return value


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def encode_event(event: Event) -> bytes:
    """The msgpack payload of a type-1 frame."""
    return bytes(
        msgpack.packb(
            {
                "correlation_id": event.correlation_id,
                "sequence": event.sequence,
                "event": event.event,
                "changed_by": event.changed_by,
                "resource": event.resource,
            },
            use_bin_type=True,
        )
    )


def decode_event(payload: bytes) -> Event:
    """A type-1 payload as an `Event`, or `ProtocolError`."""
    value = _unpack_map(payload, "event")
    corr, seq, name = value.get("correlation_id"), value.get("sequence"), value.get("event")
    changed_by, resource = value.get("changed_by"), value.get("resource")
    if not isinstance(corr, str) or not isinstance(seq, int) or isinstance(seq, bool):
        raise ProtocolError("event payload lacks correlation_id or sequence")
    if not isinstance(name, str):
        raise ProtocolError("event payload lacks the event name")
    if not isinstance(changed_by, str) or not isinstance(resource, dict):
        raise ProtocolError("event payload lacks changed_by or resource")
    return Event(corr, seq, name, changed_by, resource)


def encode_ack(correlation_id: str) -> bytes:
    """The product document's JSON acknowledgment of one event."""
    return orjson.dumps({"status": "ack", "correlation_id": correlation_id})


def encode_cumulative_ack(sequence: int) -> bytes:
    """A JSON acknowledgment of every event up to and including `sequence`."""
    return orjson.dumps({"status": "ack", "sequence": sequence})


def _ack_fields(payload: bytes) -> dict[str, Any]:
    if payload[:1] == b"{":
        try:
            value = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise ProtocolError(f"acknowledgment is not valid JSON: {exc}") from exc
        if not isinstance(value, dict):
            raise ProtocolError("acknowledgment is not an object")
        return value
    return _unpack_map(payload, "acknowledgment")


def decode_ack(payload: bytes) -> Ack:
    """A type-2 payload (JSON or msgpack) as an `Ack`, or `ProtocolError`."""
    value = _ack_fields(payload)
    if value.get("status") != "ack":
        raise ProtocolError('acknowledgment status is not "ack"')
    corr, seq = value.get("correlation_id"), value.get("sequence")
    if isinstance(corr, str) and corr:
        return Ack(correlation_id=corr, sequence=seq if _is_int(seq) else None)
    if isinstance(seq, int) and not isinstance(seq, bool) and seq >= 0:
        return Ack(sequence=seq)
    ident = value.get("id")
    if isinstance(ident, str) and ident:
        return Ack(resource_id=ident)
    raise ProtocolError("acknowledgment names no correlation_id, sequence or id")


def encode_control(control: Control) -> bytes:
    """The msgpack payload of a type-3 frame."""
    value: dict[str, Any] = {"control": control.control}
    if control.reason is not None:
        value["reason"] = control.reason
    if control.in_seconds is not None:
        value["in_seconds"] = control.in_seconds
    return bytes(msgpack.packb(value, use_bin_type=True))


def decode_control(payload: bytes) -> Control:
    """A type-3 payload as a `Control`, or `ProtocolError`; unknown kinds are kept as text."""
    value = _unpack_map(payload, "control")
    kind, reason, seconds = value.get("control"), value.get("reason"), value.get("in_seconds")
    if not isinstance(kind, str):
        raise ProtocolError("control payload lacks a control name")
    return Control(
        control=kind,
        reason=reason if isinstance(reason, str) else None,
        in_seconds=seconds if _is_int(seconds) else None,
    )
