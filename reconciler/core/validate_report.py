"""Reporters for validation problems: text lines, a versioned JSON document, GitHub annotations.

Pure: they turn Problems into strings and dicts; the CLI prints them. Results are kept apart from
their rendering so that each output format sees the same problems in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Final

from reconciler.core.problems import Problem

FORMAT_VERSION: Final = "1"
_RED, _YELLOW, _DIM, _RESET = "\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[0m"


def counts(problems: Iterable[Problem]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for problem in problems:
        if problem.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def text_lines(problems: Sequence[Problem], *, color: bool) -> list[str]:
    """`file:line:col: error[code]: message (at $.path)` lines, each followed by its hint."""
    lines = []
    for problem in problems:
        label = f"{problem.severity}[{problem.code}]"
        if color:
            label = f"{_RED if problem.is_error else _YELLOW}{label}{_RESET}"
        where = f"{problem.origin.file}:{problem.line}:{problem.column}"
        lines.append(f"{where}: {label}: {problem.message} (at {problem.origin.pointer})")
        if problem.hint:
            hint = f"  hint: {problem.hint}"
            lines.append(f"{_DIM}{hint}{_RESET}" if color else hint)
    return lines


def summary_line(problems: Sequence[Problem], *, files: int, manifests: int) -> str:
    errors, warnings = counts(problems)
    scope = f"{_plural(manifests, 'manifest')} in {_plural(files, 'file')}"
    if errors:
        return f"invalid: {_plural(errors, 'error')}, {_plural(warnings, 'warning')} ({scope})"
    return f"valid: {scope}, {_plural(warnings, 'warning')}"


def json_document(problems: Sequence[Problem], *, files: Sequence[str]) -> dict[str, Any]:
    errors, warnings = counts(problems)
    return {
        "format_version": FORMAT_VERSION,
        "valid": errors == 0,
        "files": list(files),
        "summary": {"errors": errors, "warnings": warnings},
        "problems": [
            {
                "code": problem.code,
                "severity": str(problem.severity),
                "message": problem.message,
                "file": problem.origin.file,
                "line": problem.line,
                "column": problem.column,
                "path": problem.origin.pointer,
                "hint": problem.hint,
            }
            for problem in problems
        ],
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(problems: Sequence[Problem]) -> list[str]:
    """GitHub Actions workflow commands (`::error file=...::message`), one per problem."""
    lines = []
    for problem in problems:
        command = "error" if problem.is_error else "warning"
        properties = ",".join(
            f"{key}={_escape_property(str(value))}"
            for key, value in (
                ("file", problem.origin.file),
                ("line", problem.line),
                ("col", problem.column),
                ("title", problem.code),
            )
        )
        message = problem.message + (f"\n{problem.hint}" if problem.hint else "")
        lines.append(f"::{command} {properties}::{_escape_data(message)}")
    return lines
