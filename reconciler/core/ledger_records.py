"""Audit ledger records and their hash chain, as values: no files, no clock, no environment.

A record is one JSON object on one line. Its `hash` is the SHA-256 of the canonical JSON (sorted
keys, no whitespace, UTF-8) of every other field, `prev_hash` included, so each record seals the one
before it and any edit, deletion, insertion or reordering breaks the chain at a line that
`reconciler.core.ledger_verify` can name. The ledger file (`reconciler.ledger`) only adds locking,
fsync and the clock; the shape and the arithmetic live here so that they are easy to test.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

FORMAT_VERSION: Final = 1
GENESIS_HASH: Final = "0" * 64
"""The `prev_hash` of the first record of every ledger."""


class Outcome(enum.StrEnum):
    """How a recorded step ended; the ledger also accepts other words, these are the usual ones."""

    PLANNED = "planned"
    OK = "ok"
    FAILED = "failed"
    REFUSED = "refused"
    ERROR = "error"
    SKIPPED = "skipped"
    DETECTED = "detected"


@dataclass(frozen=True, slots=True)
class Entry:
    """What a caller wants recorded, before the ledger stamps time, sequence and hashes.

    Values are expected to be redacted already (the ledger does it); `details` is JSON-like.
    """

    action: str
    resource: str
    outcome: str
    target: str = ""
    before_hash: str | None = None
    after_hash: str | None = None
    latency_ms: float | None = None
    correlation_id: str | None = None
    trace_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ChainHead:
    """Where a ledger ends: the last sequence number and hash (0 and GENESIS_HASH when empty)."""

    seq: int = 0
    hash: str = GENESIS_HASH


def canonical_json(value: Any) -> bytes:
    """The one byte form that hashes are computed over: sorted keys, no spaces, UTF-8.

    orjson writes exactly that (and is an order of magnitude faster than `json`, which matters
    at one record per applied action); any JSON library with the same settings can check it.
    """
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def record_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 hex over the canonical JSON of every field of `record` except `hash`."""
    body = {key: value for key, value in record.items() if key != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def seal(entry: Entry, *, head: ChainHead, time: str, actor: Mapping[str, str]) -> dict[str, Any]:
    """The full record that follows `head`: entry fields, stamps, `prev_hash` and `hash`.

    Fields that are None are left out so that lines stay short; `latency_ms` is rounded to
    microseconds so that every JSON implementation prints it the same way.
    """
    record: dict[str, Any] = {
        "v": FORMAT_VERSION,
        "seq": head.seq + 1,
        "time": time,
        "actor": dict(actor),
        "action": entry.action,
        "resource": entry.resource,
        "target": entry.target,
        "outcome": entry.outcome,
        "before_hash": entry.before_hash,
        "after_hash": entry.after_hash,
        "latency_ms": None if entry.latency_ms is None else round(entry.latency_ms, 3),
        "correlation_id": entry.correlation_id,
        "trace_id": entry.trace_id,
        "details": dict(entry.details) if entry.details else None,
        "prev_hash": head.hash,
    }
    record = {key: value for key, value in record.items() if value is not None}
    record["hash"] = record_hash(record)
    return record


def to_line(record: Mapping[str, Any]) -> bytes:
    """One JSON Lines line, newline included."""
    return canonical_json(record) + b"\n"


def head_of(record: Mapping[str, Any]) -> ChainHead:
    """The chain head after `record` (raises KeyError/TypeError/ValueError when it is not one)."""
    seq = record["seq"]
    digest = record["hash"]
    if not isinstance(seq, int) or not isinstance(digest, str) or len(digest) != 64:
        raise ValueError("not a ledger record")
    return ChainHead(seq=seq, hash=digest)


def parse_line(line: bytes) -> dict[str, Any]:
    """A record from one line (newline optional); ValueError when it is not a JSON object."""
    value = orjson.loads(line)
    if not isinstance(value, dict):
        raise ValueError("a ledger line must hold a JSON object")
    return value
