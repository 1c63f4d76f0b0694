"""Fixtures for the client unit tests."""

from __future__ import annotations

import pytest

from reconciler.client import FakeTime
from tests.client.fakes import FakePlatform


@pytest.fixture
def platform() -> FakePlatform:
    """A scripted platform on a fake clock that starts at t=1000."""
    return FakePlatform(FakeTime())
