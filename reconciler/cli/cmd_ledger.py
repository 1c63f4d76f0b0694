"""`gcbctl ledger verify` and `gcbctl ledger show`: check and read the audit ledger.

`verify` exits 0 when the hash chain is intact and 1 when it is broken, naming the first bad line
and what happened to it (edited, deleted, inserted, reordered, torn, malformed, truncated).
`show` prints records, filtered by time, resource and action, as text or JSON. Both only read.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

import click

from reconciler.core.ledger_verify import Verification
from reconciler.errors import UsageError
from reconciler.ledger import DEFAULT_DIR, DEFAULT_NAME, RecordFilter, records, verify_file

FORMAT_VERSION: Final = 1
EXIT_BROKEN: Final = 1
_DURATION = re.compile(r"(\d+)\s*([smhdw])")
_UNITS: Final = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

_path_argument = click.argument(
    "path", required=False, type=click.Path(exists=False, path_type=Path)
)
_output_option = click.option(
    "-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True
)


@click.group("ledger")
def command() -> None:
    """Check and read the audit ledger (default .gcbctl/ledger.jsonl here)."""


@command.command("verify")
@_path_argument
@click.option(
    "--expect-hash",
    metavar="HASH",
    help="A record hash that must still be in the ledger (e.g. a head printed earlier); "
    "catches records cut off the end.",
)
@_output_option
def verify(path: Path | None, expect_hash: str | None, output: str) -> int:
    """Check the hash chain; exit 1 naming the first bad line."""
    ledger = resolve_ledger_path(path)
    result = verify_file(ledger, expect_hash=expect_hash)
    if output == "json":
        click.echo(json.dumps(_verification_json(ledger, result), indent=2))
    else:
        click.echo(_verification_text(ledger, result))
    return 0 if result.ok else EXIT_BROKEN


@command.command("show")
@_path_argument
@click.option(
    "--since", help="Only records at or after this time: RFC 3339, or an age like 2h, 7d."
)
@click.option(
    "--resource",
    "resources",
    multiple=True,
    help="Resource address, prefix or pattern (ReservationBatch/week-50, '*/cb_9f8e7d6c').",
)
@click.option("--action", "actions", multiple=True, help="Action (plan, create, cancel, ...).")
@_output_option
def show(
    path: Path | None,
    since: str | None,
    resources: tuple[str, ...],
    actions: tuple[str, ...],
    output: str,
) -> int:
    """Print ledger records, oldest first."""
    selection = RecordFilter(
        since=parse_since(since, now=datetime.now(UTC)), resources=resources, actions=actions
    )
    selected = records(resolve_ledger_path(path), selection)
    if output == "json":
        payload = {"format_version": FORMAT_VERSION, "records": list(selected)}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    for record in selected:
        click.echo(record_line(record))
    return 0


def resolve_ledger_path(path: Path | None) -> Path:
    """A file as given; a folder means its `.gcbctl/ledger.jsonl` (or its own `ledger.jsonl`)."""
    if path is None:
        return Path(DEFAULT_DIR) / DEFAULT_NAME
    if path.is_dir():
        inside = path / DEFAULT_NAME
        return inside if inside.is_file() else path / DEFAULT_DIR / DEFAULT_NAME
    return path


def parse_since(text: str | None, *, now: datetime) -> datetime | None:
    """`2026-12-01T09:00:00Z`, `2026-12-01` or an age (`90m`, `2h`, `7d`) before `now`."""
    if not text:
        return None
    age = _DURATION.fullmatch(text.strip())
    if age:
        return now - timedelta(**{_UNITS[age.group(2)]: int(age.group(1))})
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise UsageError(
            f"--since {text!r} is neither a time nor an age",
            hint="use RFC 3339 (2026-12-01T09:00:00Z), a date, or an age such as 2h or 7d",
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def record_line(record: dict[str, Any]) -> str:
    """One record as one line of text."""
    parts = [
        str(record.get("time", "?")),
        f"#{record.get('seq', '?')}",
        f"{record.get('action', '?'):<10}",
        f"{record.get('outcome', '?'):<8}",
        str(record.get("resource", "?")),
    ]
    if "latency_ms" in record:
        parts.append(f"{record['latency_ms']:.0f}ms")
    if record.get("correlation_id"):
        parts.append(f"correlation={record['correlation_id']}")
    actor = record.get("actor") or {}
    who = actor.get("GITHUB_ACTOR") or actor.get("GITLAB_USER_LOGIN") or actor.get("user")
    if who:
        parts.append(f"by {who}")
    return "  ".join(parts)


def _verification_text(path: Path, result: Verification) -> str:
    if result.problem is None:
        return f"{path}: intact, {result.records} records, head {result.head.hash}"
    problem = result.problem
    return (
        f"{path}: BROKEN at line {problem.line} ({problem.kind}): {problem.message}\n"
        f"{result.records} records before it are intact (last good hash {result.head.hash})"
    )


def _verification_json(path: Path, result: Verification) -> dict[str, Any]:
    problem = result.problem
    return {
        "format_version": FORMAT_VERSION,
        "path": str(path),
        "ok": result.ok,
        "records": result.records,
        "head": result.head.hash,
        "problem": None
        if problem is None
        else {"line": problem.line, "kind": str(problem.kind), "message": problem.message},
    }
