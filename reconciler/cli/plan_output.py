"""Printing plans and problems for `plan` and `apply`: the renderers' text, on the right stream.

The pure renderers in `reconciler.core.render` make the text (already redacted); this module only
chooses the stream and the separators. Problems go to stderr as `file:line:col: severity: message`
with their hint, so that editors and CI annotate them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click
import orjson

from reconciler.core.planner import Plan
from reconciler.core.problems import Problem
from reconciler.core.render import render_json, render_markdown, render_text

MARKDOWN_PART_BREAK = "\n<!-- gcbctl: next comment -->\n"


def print_plan(plan: Plan, *, output: str, color: bool) -> None:
    if output == "json":
        text = orjson.dumps(render_json(plan), option=orjson.OPT_INDENT_2, default=str)
        click.echo(text.decode())
    elif output == "markdown":
        click.echo(MARKDOWN_PART_BREAK.join(render_markdown(plan)))
    else:
        click.echo(render_text(plan, color=color), nl=False)


def problem_line(problem: Problem) -> str:
    where = problem.origin.file or "-"
    if problem.line:
        where += f":{problem.line}:{problem.column}"
    text = f"{where}: {problem.severity}: {problem.message} [{problem.code}]"
    text += f" ({problem.origin.pointer})"
    return text + (f"\n  hint: {problem.hint}" if problem.hint else "")


def print_problems(problems: Iterable[Any]) -> None:
    for problem in sorted((p for p in problems if isinstance(p, Problem)), key=Problem.sort_key):
        click.echo(problem_line(problem), err=True)
