"""`gcbctl plan PATHS...`: show what apply would change, for people (text), PRs (markdown) and CI.

Loads and validates the manifests, reads the target platform and prints the planner's plan.
`--out FILE` saves the plan with the version of every object it read, for `gcbctl apply FILE`.
`--detailed-exitcode` returns 2 when there are changes (DESIGN.md §9).
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from reconciler.cli.main import GlobalOptions
from reconciler.cli.options import (
    command_run,
    known_secrets,
    ledger_option,
    open_ledger,
    planning_options,
    trace_option,
)
from reconciler.cli.plan_output import print_plan, print_problems
from reconciler.cli.targets import parse_now, target_options, target_options_from
from reconciler.client import Observer, TraceparentSource
from reconciler.drivers.config import Target, resolve_target
from reconciler.drivers.connect import open_driver
from reconciler.engine.planning import PlanRun, plan_run
from reconciler.engine.saved import save_plan
from reconciler.errors import InfeasibleError

EXIT_CHANGES = 2


async def make_plan_run(
    target: Target,
    paths: tuple[str, ...],
    *,
    now: datetime | None,
    allow_mass_cancel: bool,
    observer: Observer,
    traceparent: TraceparentSource,
) -> PlanRun:
    """Open the target, plan, close the target (an embedded sandbox stops with it)."""
    async with open_driver(
        target, observer=observer, traceparent=traceparent, sandbox_clock=now
    ) as driver:
        return await plan_run(paths, driver, now=now, allow_mass_cancel=allow_mass_cancel)


@click.command("plan")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--out", type=click.Path(dir_okay=False), help="Save the plan for `gcbctl apply`.")
@click.option(
    "--output",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, markdown for a PR comment.",
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes.")
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
    out: str | None,
    output: str,
    detailed_exitcode: bool,
    now: str | None,
    allow_mass_cancel: bool,
    ledger_path: Path | None,
    no_ledger: bool,
    trace: str | None,
    **kwargs: Any,
) -> int:
    """Show what `gcbctl apply` would change on the target platform."""
    target = resolve_target(target_options_from(kwargs))
    ledger = open_ledger(
        ledger_path,
        no_ledger,
        manifest_paths=paths,
        target=target.name,
        secrets=known_secrets(target.credentials),
    )
    with command_run("plan", trace=trace, ledger=ledger) as run:
        try:
            result = asyncio.run(
                make_plan_run(
                    target,
                    paths,
                    now=parse_now(now),
                    allow_mass_cancel=allow_mass_cancel,
                    observer=run.api,
                    traceparent=run.api.traceparent,
                )
            )
        except InfeasibleError as error:  # ManifestError's message lists its problems itself
            print_problems(error.problems)
            raise
        print_problems(result.loaded.problems)
        print_plan(result.plan, output=output, color=obj.color)
        if out:
            save_plan(result, out)
            click.echo(f"Saved the plan to {out}; apply it with: gcbctl apply {out}", err=True)
        summary = result.plan.summary()
        ledger.record(action="plan", resource=",".join(paths), outcome="planned", details=summary)
    changed = bool(result.plan.actions)
    return EXIT_CHANGES if (detailed_exitcode and changed) else 0
