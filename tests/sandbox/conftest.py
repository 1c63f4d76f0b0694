"""Fixtures for the sandbox's own tests: an authorised HTTP client and callback bodies."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from sandbox_helpers import BodyFactory, window

from reconciler.sandbox.testing import Sandbox, loopback_client, loopback_tls


@pytest.fixture
def api(sandbox: Sandbox) -> Iterator[httpx.Client]:
    """An httpx client for the sandbox with a full-scope Bearer token."""
    headers = {"Authorization": f"Bearer {sandbox.token()}"}
    with loopback_client(base_url=sandbox.base_url, headers=headers) as client:
        yield client


@pytest.fixture
async def aapi(sandbox: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """An async httpx client for the sandbox with a full-scope Bearer token."""
    headers = {"Authorization": f"Bearer {sandbox.token()}"}
    async with httpx.AsyncClient(
        base_url=sandbox.base_url, headers=headers, trust_env=False, verify=loopback_tls()
    ) as client:
        yield client


@pytest.fixture
def body() -> BodyFactory:
    """Build a valid create body for Tech Support on 2026-12-15 14:00 New York time."""

    def make(**overrides: Any) -> dict[str, Any]:
        value: dict[str, Any] = {
            "callback_id": "cb_9f8e7d6c",
            "callback_number": "+14155550199",
            "time_slot_matrix": [window("2026-12-15T14:00:00-05:00", "2026-12-15T14:15:00-05:00")],
            "channel_preferences": {"primary": "voice", "fallback": "sms", "allow_sms": True},
            "queue_id": "queue_12345",
            "reason": "Technical support escalation",
            "concurrency_limit": 10,
            "labels": {"gcbctl.io/managed-by": "gcbctl"},
        }
        value.update(overrides)
        return value

    return make
