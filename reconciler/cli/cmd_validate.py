"""`gcbctl validate PATHS...`: check manifests offline and report every problem at once.

Exit 0 when valid (warnings allowed unless `--strict`), 3 when any error, 64 for usage errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

import click

from reconciler.cli.main import GlobalOptions
from reconciler.cli.options import command_run, trace_option
from reconciler.core.problems import Problem
from reconciler.core.validate import validate
from reconciler.core.validate_report import (
    counts,
    github_lines,
    json_document,
    summary_line,
    text_lines,
)
from reconciler.errors import ManifestError, UsageError
from reconciler.manifests import load
from reconciler.manifests.loader import paused_gc

EXIT_INVALID = ManifestError.exit_code


@dataclass(frozen=True, slots=True)
class ValidateOptions:
    paths: tuple[str, ...]
    now: datetime
    strict: bool
    output: str


def _parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise UsageError(
            f"--now {value!r} is not an ISO 8601 time", hint="e.g. --now 2026-12-01T00:00:00Z"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run(options: ValidateOptions, *, color: bool) -> int:
    """Load, validate, report; returns the exit code."""
    loaded = load(options.paths)
    with paused_gc():
        semantic = loaded.source.locate_all(validate(loaded.manifests, now=options.now))
    problems = sorted([*loaded.problems, *semantic], key=Problem.sort_key)
    if options.strict:
        problems = [problem.as_error() for problem in problems]
    manifests = loaded.manifests
    count = len(manifests.queues) + len(manifests.webhooks) + len(manifests.batches)
    if options.output == "json":
        document = json_document(problems, files=manifests.files)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif options.output == "github":
        for line in github_lines(problems):
            click.echo(line)
    else:
        for line in text_lines(problems, color=color):
            click.echo(line)
        click.echo(summary_line(problems, files=len(manifests.files), manifests=count), err=True)
    errors, _ = counts(problems)
    return EXIT_INVALID if errors else 0


@click.command("validate")
@click.argument("paths", nargs=-1, required=True)
@click.option("--now", help="Judge which windows have passed against this ISO 8601 instant.")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option(
    "--output",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text lines, a JSON document, or GitHub workflow annotations.",
)
@trace_option
@click.pass_obj
def command(
    obj: GlobalOptions,
    *,
    paths: tuple[str, ...],
    now: str | None,
    strict: bool,
    output: str,
    trace: str | None,
) -> int:
    """Check manifests offline: schema, meaning and capacity; every problem at once."""
    options = ValidateOptions(paths, _parse_now(now), strict, output)
    with command_run("validate", trace=trace):
        return run(options, color=obj.color if obj else False)
