"""`gcbctl apply PATHS...|PLANFILE`: make the platform match the manifests, after confirmation.

Plans exactly as `gcbctl plan` does (or re-checks a saved plan: same manifests, no object changed
since, the same actions), shows the plan, asks for confirmation unless `--auto-approve` (and
refuses without a terminal to ask on), then carries it out with bounded concurrency. Exit codes
follow DESIGN.md §9: 0 success, 1 some action failed, 3 infeasible, 4 refused.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from reconciler.cli.apply_output import (
    AuditedProgress,
    print_json_report,
    print_report,
    progress_for_terminal,
)
from reconciler.cli.main import GlobalOptions
from reconciler.cli.options import (
    CommandRun,
    command_run,
    known_secrets,
    ledger_option,
    open_ledger,
    planning_options,
    trace_option,
)
from reconciler.cli.plan_output import print_plan, print_problems
from reconciler.cli.targets import parse_now, target_options, target_options_from
from reconciler.drivers.config import Target, resolve_target
from reconciler.drivers.connect import open_driver
from reconciler.engine import ApplyReport, apply_run
from reconciler.engine.planning import PlanRun, plan_run
from reconciler.engine.saved import SavedPlanFile, read_saved_plan, replan_saved
from reconciler.errors import InfeasibleError, RefusedError
from reconciler.telemetry import record_apply_duration


def confirm(count: int, target: Target, *, auto_approve: bool) -> bool:
    if auto_approve:
        return True
    if not sys.stdin.isatty():
        raise RefusedError(
            "apply needs a confirmation and there is no terminal to ask on",
            hint="Review the plan above and pass --auto-approve to apply without a prompt.",
        )
    return click.confirm(
        f"Apply these {count} change(s) to {target.name}?", default=False, err=True
    )


async def _plan(
    paths: tuple[str, ...],
    saved: SavedPlanFile | None,
    driver: Any,
    now: datetime | None,
    mass: bool,
) -> PlanRun:
    try:
        if saved is not None:
            return await replan_saved(saved, driver, now=now, allow_mass_cancel=mass)
        return await plan_run(paths, driver, now=now, allow_mass_cancel=mass)
    except InfeasibleError as error:  # ManifestError's message lists its problems itself
        print_problems(error.problems)
        raise


@dataclass(frozen=True, slots=True)
class ApplyOptions:
    """What the command line asked of this apply."""

    paths: tuple[str, ...]
    saved: SavedPlanFile | None
    now: datetime | None
    allow_mass_cancel: bool
    auto_approve: bool
    parallelism: int
    output: str


def _show_plan(planned: PlanRun, options: ApplyOptions, color: bool) -> None:
    print_problems(planned.loaded.problems)
    if options.output == "text":
        print_plan(planned.plan, output="text", color=color)


async def _apply(obj: GlobalOptions, target: Target, run: CommandRun, options: ApplyOptions) -> int:
    async with open_driver(
        target, observer=run.api, traceparent=run.api.traceparent, sandbox_clock=options.now
    ) as driver:
        planned = await _plan(
            options.paths, options.saved, driver, options.now, options.allow_mass_cancel
        )
        _show_plan(planned, options, obj.color)
        summary = planned.plan.summary()
        run.ledger.record(
            action="plan", resource=",".join(options.paths), outcome="planned", details=summary
        )
        actions = planned.plan.actions
        if not actions:
            report = ApplyReport((), 0.0)
        elif not confirm(len(actions), target, auto_approve=options.auto_approve):
            click.echo("Apply cancelled; nothing was changed.", err=True)
            return 1
        else:
            sink = AuditedProgress(run.ledger, progress_for_terminal(color=obj.color))
            report = await apply_run(
                actions, driver, parallelism=options.parallelism, progress=sink
            )
    try:
        run.ledger.flush()  # every outcome is durable before the report says it happened
    finally:
        if options.output == "json":
            print_json_report(planned.plan, report)
        elif not actions:
            click.echo("No changes. The platform already matches the manifests.")
        else:
            print_report(report)
    if actions:
        record_apply_duration(report.elapsed, "ok" if report.ok else "failed")
    return report.exit_code


@click.command("apply")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--auto-approve", is_flag=True, help="Apply without asking for confirmation.")
@click.option(
    "--parallelism",
    type=click.IntRange(1, 100),
    default=10,
    show_default=True,
    help="Actions carried out at once.",
)
@click.option(
    "--output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json prints the plan and every outcome as one document at the end.",
)
@planning_options
@target_options
@ledger_option
@trace_option
@click.pass_obj
def command(
    obj: GlobalOptions,
    /,
    *,
    paths: tuple[str, ...],
    auto_approve: bool,
    parallelism: int,
    output: str,
    now: str | None,
    allow_mass_cancel: bool,
    ledger_path: Path | None,
    no_ledger: bool,
    trace: str | None,
    **kwargs: Any,
) -> int:
    """Make the target platform match the manifests (or carry out a saved plan)."""
    target = resolve_target(target_options_from(kwargs))
    saved = read_saved_plan(paths)
    manifest_paths = saved.paths if saved is not None else paths
    ledger = open_ledger(
        ledger_path,
        no_ledger,
        manifest_paths=manifest_paths,
        target=target.name,
        secrets=known_secrets(target.credentials),
    )
    options = ApplyOptions(
        paths=paths,
        saved=saved,
        now=parse_now(now),
        allow_mass_cancel=allow_mass_cancel,
        auto_approve=auto_approve,
        parallelism=parallelism,
        output=output,
    )
    with command_run("apply", trace=trace, ledger=ledger) as run:
        return asyncio.run(_apply(obj, target, run, options))
