"""Shared test helpers: running the CLI in-process and guarding against stray I/O."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.cli.main import main
from reconciler.sandbox.testing import Sandbox, running_sandbox

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples" / "manifests"


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def gcbctl(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `gcbctl ARGS...` in this process and return its exit code, stdout and stderr."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        with pytest.raises(SystemExit) as stopped:
            main(list(args))
        captured = capsys.readouterr()
        code = stopped.value.code
        return CliResult(code if isinstance(code, int) else 0, captured.out, captured.err)

    return run


@pytest.fixture(autouse=True)
def _no_home_writes(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point HOME at a temporary folder so no test can touch the real one."""
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A fresh sandbox on 127.0.0.1 (clock at 2026-12-01T00:00:00Z, short ack timeout)."""
    with running_sandbox(clock="2026-12-01T00:00:00Z", ack_timeout_seconds=1.0) as running:
        yield running
