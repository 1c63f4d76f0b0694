"""Fixtures for tests against a real sandbox on 127.0.0.1 (real HTTP, real sockets)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconciler.sandbox.testing import Sandbox, running_sandbox
from tests.conftest import EXAMPLES, CliResult

CLOCK = "2026-12-01T00:00:00Z"


@pytest.fixture
def world() -> Iterator[Sandbox]:
    """A fresh sandbox with the default fixture, its clock at 2026-12-01T00:00:00Z.

    The examples' webhooks point at hosts the tests cannot reach: one short delivery try each.
    """
    with running_sandbox(
        clock=CLOCK, rate_limit=6000, webhook_timeout_seconds=0.2, webhook_max_tries=1
    ) as sandbox:
        yield sandbox


@dataclass
class Workspace:
    """A copy of the example manifests, and gcbctl pointed at a sandbox with --target."""

    manifests: Path
    world: Sandbox
    run: Callable[..., CliResult]
    url: str = ""

    def gcbctl(self, command: str, *args: str) -> CliResult:
        url = self.url or self.world.base_url
        return self.run(command, *args, "--target", url, "--no-ledger")

    def plan_json(self, *args: str) -> dict[str, object]:
        result = self.gcbctl("plan", str(self.manifests), "--output", "json", "--now", CLOCK, *args)
        assert result.code in (0, 2), result.err
        return dict(json.loads(result.out))

    def apply(self, *args: str) -> CliResult:
        return self.gcbctl("apply", str(self.manifests), "--auto-approve", "--now", CLOCK, *args)

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.manifests / name
        text = path.read_text()
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1))


@pytest.fixture
def workspace(
    world: Sandbox,
    gcbctl: Callable[..., CliResult],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Workspace:
    """Example manifests in a temp folder, their secrets provided, the sandbox's client in env."""
    manifests = tmp_path / "manifests"
    shutil.copytree(EXAMPLES, manifests)
    hooks = manifests / "webhooks.yaml"  # deliveries to unreachable hosts would stall teardown
    hooks.write_text(re.sub(r"https://[^/\s]+", "http://127.0.0.1:9", hooks.read_text()))
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "crm-webhook-secret").write_text("crm-secret\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CALENDAR_WEBHOOK_SECRET", "calendar-secret")
    monkeypatch.setenv("GENESYS_CLIENT_ID", world.client_id)
    monkeypatch.setenv("GENESYS_CLIENT_SECRET", world.client_secret)
    monkeypatch.delenv("GENESYS_HOSTNAME", raising=False)
    return Workspace(manifests, world, gcbctl)
