"""What `gcbctl apply` shows while and after it works: a progress bar and every outcome.

The progress bar (rich) appears only when stderr is a terminal. The report lists every action
that did not simply succeed, then a summary line; messages come from drivers already redacted.
Each outcome is also written to the audit ledger and counted in the metrics.
"""

from __future__ import annotations

import sys

import click
import orjson
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from reconciler.core.model import LABEL_SPEC_HASH
from reconciler.core.planner import Plan
from reconciler.core.render import render_json
from reconciler.drivers.base import ActionResult, Outcome
from reconciler.engine import ApplyReport, ProgressSink
from reconciler.ledger import LedgerSink
from reconciler.telemetry import record_action

_MARKS = {
    Outcome.APPLIED: "✓",
    Outcome.ADOPTED: "✓",
    Outcome.UNCHANGED: "=",
    Outcome.FAILED: "✗",
    Outcome.SKIPPED: "·",
}


class BarProgress:
    """A rich progress bar on stderr."""

    def __init__(self, *, color: bool) -> None:
        console = Console(file=sys.stderr, no_color=not color)
        self._bar = Progress(
            TextColumn("Applying"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task("apply", total=0, failed=0)
        self._failed = 0

    def start(self, total: int) -> None:
        self._bar.update(self._task, total=total)
        self._bar.start()

    def advance(self, result: ActionResult) -> None:
        self._failed += 0 if result.outcome.ok else 1
        self._bar.update(self._task, advance=1, failed=self._failed)

    def finish(self) -> None:
        self._bar.stop()


class AuditedProgress:
    """Records each outcome in the ledger and the metrics, then passes it on."""

    def __init__(self, ledger: LedgerSink, inner: ProgressSink | None) -> None:
        self._ledger = ledger
        self._inner = inner

    def start(self, total: int) -> None:
        if self._inner is not None:
            self._inner.start(total)

    def advance(self, result: ActionResult) -> None:
        action = result.action
        labels = dict(getattr(action.desired, "labels", ()) or ())
        self._ledger.record(
            action=str(action.type),
            resource=action.address,
            outcome=str(result.outcome),
            before_hash=action.live_spec_hash,
            after_hash=labels.get(LABEL_SPEC_HASH),
            latency_ms=round(result.elapsed * 1000, 3),
            correlation_id=result.correlation_id,
            details=_details(result),
        )
        record_action(str(action.type), str(result.outcome))
        if self._inner is not None:
            self._inner.advance(result)

    def finish(self) -> None:
        if self._inner is not None:
            self._inner.finish()


def _details(result: ActionResult) -> dict[str, object]:
    action = result.action
    details: dict[str, object] = {
        "message": result.message,
        "drift": action.drift,
        "reason": action.reason,
        "live_id": result.live_id,
    }
    if len(result.correlation_ids) > 1:  # re-reads, retries: every request the action made
        details["correlation_ids"] = list(result.correlation_ids)
    return details


def progress_for_terminal(*, color: bool) -> ProgressSink | None:
    return BarProgress(color=color) if sys.stderr.isatty() else None


def report_lines(report: ApplyReport) -> list[str]:
    """One line per action a reader should look at: failures, skips, adoptions, warnings."""
    lines = []
    for result in report.results:
        if result.outcome is not Outcome.APPLIED:
            text = f"{_MARKS[result.outcome]} {result.action.address}: {result.outcome}"
            lines.append(text + (f": {result.message}" if result.message else ""))
        if result.warning:
            lines.append(f"! {result.action.address}: {result.warning}")
    return lines


def print_report(report: ApplyReport) -> None:
    for line in report_lines(report):
        click.echo(line)
    counts = ", ".join(
        f"{report.count(outcome)} {outcome}" for outcome in Outcome if report.count(outcome)
    )
    verdict = "Apply complete" if report.ok else "Apply finished with failures"
    click.echo(f"{verdict}: {counts or 'nothing to do'} in {report.elapsed:.1f} s.")


def result_view(result: ActionResult) -> dict[str, object]:
    action = result.action
    return {
        "address": action.address,
        "type": str(action.type),
        "resource": str(action.resource),
        "outcome": str(result.outcome),
        "live_id": result.live_id,
        "version": result.version,
        "message": result.message,
        "warning": result.warning,
        "drift": action.drift,
        "seconds": round(result.elapsed, 3),
        "correlation_id": result.correlation_id,
    }


def print_json_report(plan: Plan, report: ApplyReport) -> None:
    """The plan and every outcome as one JSON document (`format_version` "1")."""
    document = {
        "format_version": "1",
        "plan": render_json(plan),
        "outcomes": {str(o): report.count(o) for o in Outcome},
        "results": [result_view(r) for r in report.results],
        "elapsed_seconds": round(report.elapsed, 3),
        "ok": report.ok,
    }
    click.echo(orjson.dumps(document, option=orjson.OPT_INDENT_2, default=str).decode())
