"""`gcbctl validate`: exit codes, text/JSON/GitHub output, --strict and --now."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = str(REPO / "examples" / "manifests")
INVALID = REPO / "tests" / "manifests" / "invalid"
NOW = "2026-12-01T00:00:00Z"
PAST = str(INVALID / "timeslot-past-strict" / "m.yaml")


def test_examples_are_valid(gcbctl: Any) -> None:
    """The examples validate with exit 0 and a summary on stderr."""
    result = gcbctl("validate", EXAMPLES, "--now", NOW)
    assert result.code == 0
    assert result.out == ""
    assert "valid: 10 manifests" in result.err


def test_examples_are_valid_in_strict_mode_too(gcbctl: Any) -> None:
    """The examples carry no warning either, so --strict passes."""
    assert gcbctl("validate", EXAMPLES, "--now", NOW, "--strict").code == 0


def test_past_windows_warn_and_strict_makes_them_errors(gcbctl: Any) -> None:
    """A reservation entirely in the past is a warning (exit 0), an error with --strict (exit 3)."""
    relaxed = gcbctl("validate", PAST, "--now", NOW)
    strict = gcbctl("validate", PAST, "--now", NOW, "--strict")
    assert relaxed.code == 0
    assert "warning[timeslot.past]" in relaxed.out
    assert strict.code == 3
    assert "error[timeslot.past]" in strict.out


def test_text_output_has_location_code_and_hint(gcbctl: Any) -> None:
    """A problem prints as file:line:col: error[code]: message, then its hint."""
    path = str(INVALID / "timezone-unknown" / "m.yaml")
    result = gcbctl("validate", path, "--now", NOW)
    assert result.code == 3
    first, hint = result.out.splitlines()[:2]
    assert first.startswith(f"{path}:9:13: error[timezone.unknown]: unknown timezone")
    assert "$.spec.timezone" in first
    assert hint == "  hint: did you mean 'America/New_York'?"


def test_json_output_is_a_versioned_document(gcbctl: Any) -> None:
    """--output json prints a document with format_version, validity and located problems."""
    path = str(INVALID / "phone-invalid" / "m.yaml")
    document = json.loads(gcbctl("validate", path, "--now", NOW, "--output", "json").out)
    assert document["format_version"] == "1"
    assert document["valid"] is False
    problem = document["problems"][0]
    assert (problem["code"], problem["line"], problem["column"]) == ("phone.invalid", 22, 23)
    assert problem["path"] == "$.spec.reservations[0].callbackNumber"
    assert "2212345678" not in json.dumps(document)


def test_github_output_prints_workflow_annotations(gcbctl: Any) -> None:
    """--output github prints ::error commands with file, line, col and the code as title."""
    path = str(INVALID / "schema-additional-property" / "m.yaml")
    result = gcbctl("validate", path, "--now", NOW, "--output", "github")
    assert result.code == 3
    assert result.out.startswith(
        f"::error file={path},line=8,col=3,title=schema.additional-property::"
    )
    assert "%0Adid you mean 'slotMinutes'?" in result.out


@pytest.mark.parametrize(
    "args",
    [("validate",), ("validate", EXAMPLES, "--now", "yesterday"), ("validate", "/nope/x.yaml")],
)
def test_usage_errors_exit_64(gcbctl: Any, args: tuple[str, ...]) -> None:
    """No paths, a bad --now or a missing path are usage errors (exit 64)."""
    assert gcbctl(*args).code == 64


def test_now_decides_what_is_history(gcbctl: Any) -> None:
    """The same examples, judged from 2027-06-01, are all history: warnings, still exit 0."""
    result = gcbctl("validate", EXAMPLES, "--now", "2027-06-01T00:00:00+00:00")
    assert result.code == 0
    assert result.out.count("warning[timeslot.past]") >= 40
