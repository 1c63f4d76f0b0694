"""Check a ledger's hash chain and name the first line where it breaks, and why.

Pure: it reads lines that a caller hands it (each with its trailing newline, as a binary file
iterates) and never opens files. A line is bad when it is not a record, when its content no longer
matches its `hash` (edited), when it does not continue the chain from the line before (a record
deleted, inserted or moved), or when the last line has no newline (torn by a crash mid-write).

The chain is a plain SHA-256 chain, not a signature: someone who rewrites every later record can
hide a change. Comparing with a head hash kept elsewhere (`expect_hash`, e.g. from CI logs) closes
that gap and also catches a file cut at a line boundary.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from reconciler.core.ledger_records import GENESIS_HASH, ChainHead, head_of, parse_line, record_hash


class BreakKind(enum.StrEnum):
    MALFORMED = "malformed"
    TORN = "torn"
    EDITED = "edited"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first bad line (1-based) and a sentence a user can act on."""

    line: int
    kind: BreakKind
    message: str


@dataclass(frozen=True, slots=True)
class Verification:
    """`records` counts the good records before any break; `head` is the last good one."""

    records: int
    head: ChainHead
    problem: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_lines(lines: Iterable[bytes], *, expect_hash: str | None = None) -> Verification:
    """Walk the chain; stop at the first break. `expect_hash` must be the hash of some record."""
    head, before_head = ChainHead(), GENESIS_HASH
    anchored = expect_hash is None
    remaining = iter(lines)
    for number, raw in enumerate(remaining, start=1):
        problem, record = _check_line(number, raw)
        if problem is None and record is not None:
            seq, prev = record["seq"], record["prev_hash"]
            if seq == head.seq + 1 and prev == head.hash:
                head, before_head = head_of(record), head.hash
                anchored = anchored or head.hash == expect_hash
                continue
            if record["hash"] == head.hash:
                message = f"line {number} repeats line {number - 1}: a record was duplicated"
                problem = ChainBreak(number, BreakKind.INSERTED, message)
            else:
                problem = _misplaced(
                    number, seq=seq, prev=prev, head=head, before_head=before_head, rest=remaining
                )
        return Verification(records=number - 1, head=head, problem=problem)
    if not anchored:
        message = f"no record has the expected hash {expect_hash}: the ledger was cut or rewritten"
        problem = ChainBreak(head.seq + 1, BreakKind.TRUNCATED, message)
        return Verification(records=head.seq, head=head, problem=problem)
    return Verification(records=head.seq, head=head)


def _check_line(number: int, raw: bytes) -> tuple[ChainBreak | None, dict[str, object] | None]:
    """A line on its own: complete, a record, and matching its own hash."""
    if not raw.endswith(b"\n"):
        message = f"line {number} is incomplete (no newline): a write was cut short"
        return ChainBreak(number, BreakKind.TORN, message), None
    try:
        record = parse_line(raw)
        head_of(record)
        if not isinstance(record.get("prev_hash"), str):
            raise ValueError("no prev_hash")
        digest = record_hash(record)
    except (ValueError, KeyError, TypeError):
        message = f"line {number} is not a ledger record"
        return ChainBreak(number, BreakKind.MALFORMED, message), None
    if digest != record["hash"]:
        message = f"line {number} was edited: its content no longer matches its hash"
        return ChainBreak(number, BreakKind.EDITED, message), None
    return None, record


def _misplaced(
    number: int,
    *,
    seq: object,
    prev: object,
    head: ChainHead,
    before_head: str,
    rest: Iterator[bytes],
) -> ChainBreak:
    """Say why an intact record does not continue the chain at this line."""
    expected = head.seq + 1
    if not isinstance(seq, int):
        return ChainBreak(number, BreakKind.MALFORMED, f"line {number} has no sequence number")
    if seq > expected:
        if expected in _later_seqs(rest):
            message = f"line {number} holds record {seq} where record {expected} belongs: reordered"
            return ChainBreak(number, BreakKind.REORDERED, message)
        missing = (
            f"record {expected} is" if seq == expected + 1 else f"records {expected}-{seq - 1} are"
        )
        return ChainBreak(number, BreakKind.DELETED, f"{missing} missing before line {number}")
    if seq < expected:
        if number > 1 and seq == head.seq and prev == before_head:
            message = f"line {number - 1} was inserted: line {number} follows line {number - 2}"
            return ChainBreak(number - 1, BreakKind.INSERTED, message)
        message = f"line {number} repeats record {seq}: a record was inserted or duplicated"
        return ChainBreak(number, BreakKind.INSERTED, message)
    message = (
        f"line {number} (record {seq}) does not follow the record before it: "
        "that record or this one was replaced and re-hashed"
    )
    return ChainBreak(number, BreakKind.EDITED, message)


def _later_seqs(rest: Iterator[bytes]) -> set[int]:
    seqs: set[int] = set()
    for raw in rest:
        try:
            seq = parse_line(raw).get("seq")
        except ValueError:
            continue
        if isinstance(seq, int):
            seqs.add(seq)
    return seqs
