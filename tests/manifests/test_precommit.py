"""Pre-commit: the hook other repositories use, and this repository's own configuration."""

from __future__ import annotations

from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]


def test_hook_gcbctl_validate_is_exposed() -> None:
    """`.pre-commit-hooks.yaml` offers `gcbctl-validate`, running `gcbctl validate` on a folder."""
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    }
    hook = hooks["gcbctl-validate"]
    assert hook["entry"] == "gcbctl validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False


def test_own_config_runs_the_ci_checks() -> None:
    """This repository's pre-commit runs ruff, mypy, import-linter and validates the examples."""
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    for tool in ("ruff format", "ruff check", "mypy", "lint-imports", "gcbctl validate examples/"):
        assert any(entry.startswith(tool) for entry in entries), tool
