"""Reading a ledger back: verify its chain, or list its records with filters for `ledger show`.

Reading takes no lock: records are appended with one write each, so a reader sees whole lines
except possibly a last one still being written, which `verify` reports as torn and `records`
skips. Nothing here writes.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.core.ledger_records import parse_line
from reconciler.core.ledger_verify import Verification, verify_lines
from reconciler.ledger.file import iter_lines


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """Which records `ledger show` prints; an empty field matches everything.

    `resources` are shell-style patterns (`ReservationBatch/week-50/*`); a pattern without
    wildcards also matches everything below it.
    """

    since: datetime | None = None
    resources: tuple[str, ...] = ()
    actions: tuple[str, ...] = field(default=())

    def matches(self, record: dict[str, Any]) -> bool:
        if self.actions and record.get("action") not in self.actions:
            return False
        if self.resources and not _resource_matches(
            str(record.get("resource", "")), self.resources
        ):
            return False
        return self.since is None or _time_of(record) >= self.since


def verify_file(path: Path, *, expect_hash: str | None = None) -> Verification:
    """Verify the chain of the ledger at `path` (LedgerError if it cannot be read)."""
    return verify_lines(iter_lines(path), expect_hash=expect_hash)


def records(path: Path, selection: RecordFilter | None = None) -> Iterator[dict[str, Any]]:
    """The records of the ledger, oldest first, that match `selection`; bad lines are skipped."""
    for raw in iter_lines(path):
        if not raw.endswith(b"\n"):
            return
        try:
            record = parse_line(raw)
        except ValueError:
            continue
        if selection is None or selection.matches(record):
            yield record


def _resource_matches(resource: str, patterns: Sequence[str]) -> bool:
    for pattern in patterns:
        if fnmatch.fnmatchcase(resource, pattern):
            return True
        if resource == pattern or resource.startswith(pattern.rstrip("/") + "/"):
            return True
    return False


def _time_of(record: dict[str, Any]) -> datetime:
    text = str(record.get("time", ""))
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
