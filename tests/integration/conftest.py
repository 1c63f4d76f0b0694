"""Fixtures for tests against a real sandbox on 127.0.0.1 (real HTTP, real sockets)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reconciler.sandbox.testing import Sandbox, running_sandbox

CLOCK = "2026-12-01T00:00:00Z"


@pytest.fixture
def world() -> Iterator[Sandbox]:
    """A fresh sandbox with the default fixture, its clock at 2026-12-01T00:00:00Z."""
    with running_sandbox(clock=CLOCK, rate_limit=6000) as sandbox:
        yield sandbox
