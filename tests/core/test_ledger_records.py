"""Ledger records: canonical hashing, chaining, and naming the first bad line of a broken chain."""

from __future__ import annotations

import json

import pytest

from reconciler.core.ledger_records import (
    GENESIS_HASH,
    ChainHead,
    Entry,
    canonical_json,
    head_of,
    record_hash,
    seal,
    to_line,
)
from reconciler.core.ledger_verify import BreakKind, verify_lines

ACTOR = {"user": "ci", "host": "runner-1"}


def chain(count: int) -> list[bytes]:
    """`count` sealed records as ledger lines."""
    lines, head = [], ChainHead()
    for n in range(count):
        entry = Entry(action="create", resource=f"ReservationBatch/b/cb_{n}", outcome="ok")
        record = seal(entry, head=head, time=f"2026-12-01T00:00:{n:02d}.000Z", actor=ACTOR)
        lines.append(to_line(record))
        head = head_of(record)
    return lines


def test_canonical_json_sorts_keys_without_spaces_in_utf8() -> None:
    """The hashed form is independent of key order and keeps non-ASCII characters as UTF-8."""
    assert canonical_json({"b": 1, "a": "•0199"}) == '{"a":"•0199","b":1}'.encode()
    assert canonical_json({"a": 1, "b": 2}) == canonical_json({"b": 2, "a": 1})


def test_seal_chains_to_the_head_and_hashes_everything_but_the_hash() -> None:
    """A sealed record points at the previous hash and its own hash covers every other field."""
    first = seal(Entry("plan", "plan", "planned"), head=ChainHead(), time="t", actor=ACTOR)
    second = seal(Entry("create", "x", "ok"), head=head_of(first), time="t", actor=ACTOR)
    assert first["prev_hash"] == GENESIS_HASH
    assert first["seq"] == 1
    assert second["prev_hash"] == first["hash"]
    assert second["seq"] == 2
    assert record_hash(second) == second["hash"]
    assert "latency_ms" not in first


def test_line_is_the_canonical_json_of_the_record() -> None:
    """What is written is exactly canonical JSON plus a newline, so re-encoding is stable."""
    line = chain(1)[0]
    assert line == canonical_json(json.loads(line)) + b"\n"


def test_intact_chain_verifies() -> None:
    """An untouched chain is intact and reports its record count and head hash."""
    lines = chain(5)
    result = verify_lines(lines)
    assert result.ok
    assert result.records == 5
    assert result.head.hash == json.loads(lines[-1])["hash"]


def test_empty_ledger_verifies() -> None:
    """An empty ledger is intact with no records."""
    assert verify_lines([]).ok


def tampered(kind: str) -> list[bytes]:
    lines = chain(6)
    if kind == "edited":
        lines[2] = lines[2].replace(b'"outcome":"ok"', b'"outcome":"failed"')
    elif kind == "deleted":
        del lines[2]
    elif kind == "reordered":
        lines[2], lines[3] = lines[3], lines[2]
    elif kind == "duplicated":
        lines.insert(4, lines[1])
    elif kind == "torn":
        lines[-1] = lines[-1][:40]
    elif kind == "malformed":
        lines[3] = b"not json\n"
    elif kind == "deleted-first":
        del lines[0]
    return lines


@pytest.mark.parametrize(
    ("kind", "line", "expected"),
    [
        ("edited", 3, BreakKind.EDITED),
        ("deleted", 3, BreakKind.DELETED),
        ("reordered", 3, BreakKind.REORDERED),
        ("duplicated", 5, BreakKind.INSERTED),
        ("torn", 6, BreakKind.TORN),
        ("malformed", 4, BreakKind.MALFORMED),
        ("deleted-first", 1, BreakKind.DELETED),
    ],
)
def test_tampering_is_reported_at_the_first_bad_line(
    kind: str, line: int, expected: BreakKind
) -> None:
    """Each kind of damage is found, named, and placed on the first bad line."""
    result = verify_lines(tampered(kind))
    assert result.problem is not None
    assert (result.problem.line, result.problem.kind) == (line, expected)
    assert result.records == line - 1


def test_forged_record_inserted_with_valid_hashes_is_found() -> None:
    """A record slipped in with a correct hash and prev_hash is still caught by the next line."""
    lines = chain(4)
    before = json.loads(lines[1])
    forged = seal(Entry("cancel", "x", "ok"), head=head_of(before), time="t", actor=ACTOR)
    lines.insert(2, to_line(forged))
    result = verify_lines(lines)
    assert result.problem is not None
    assert (result.problem.line, result.problem.kind) == (3, BreakKind.INSERTED)


def test_rehashed_edit_is_found_by_the_next_line() -> None:
    """Editing a record and recomputing its hash breaks the link from the record after it."""
    lines = chain(4)
    record = json.loads(lines[1])
    record["outcome"] = "failed"
    record["hash"] = record_hash(record)
    lines[1] = to_line(record)
    result = verify_lines(lines)
    assert result.problem is not None
    assert (result.problem.line, result.problem.kind) == (3, BreakKind.EDITED)


def test_expected_head_catches_a_cut_at_a_line_boundary() -> None:
    """Cutting whole records off the end is found when the old head hash is known."""
    lines = chain(5)
    head = json.loads(lines[-1])["hash"]
    assert verify_lines(lines, expect_hash=head).ok
    assert verify_lines([*lines, *chain(0)], expect_hash=head).ok
    result = verify_lines(lines[:3], expect_hash=head)
    assert result.problem is not None
    assert result.problem.kind == BreakKind.TRUNCATED
