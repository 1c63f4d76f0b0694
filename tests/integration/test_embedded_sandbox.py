"""`--sandbox`: the README's path, an embedded sandbox, with state kept between commands."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, CliResult


def test_apply_on_the_embedded_sandbox_then_plan_again_with_the_same_state(
    gcbctl: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's command books the examples; a later plan on the same state is empty."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALENDAR_WEBHOOK_SECRET", raising=False)
    examples = tmp_path / "manifests"
    shutil.copytree(EXAMPLES, examples)
    state = ".gcbctl/sandbox.json"  # as in the README: a folder that does not exist yet
    first = gcbctl(
        "apply",
        "--sandbox",
        "--sandbox-state",
        state,
        str(examples),
        "--auto-approve",
        "--no-ledger",
    )
    assert first.code == 0, first.out + first.err
    assert "was not available and was not sent" in first.out
    again = gcbctl(
        "plan",
        "--sandbox",
        "--sandbox-state",
        state,
        str(examples),
        "--detailed-exitcode",
        "--no-ledger",
    )
    assert again.code == 0, again.out + again.err
