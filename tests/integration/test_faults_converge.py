"""Faults between gcbctl and the platform never duplicate a callback and still converge."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from reconciler.client import ApiClient, CountingObserver, Credentials
from reconciler.core.actions import Action, ActionType, DesiredCallback, ResourceType
from reconciler.core.model import ChannelPreferences
from reconciler.core.retry import RetryPolicy
from reconciler.drivers.callback import CallbackDriver
from reconciler.engine import apply_run
from reconciler.sandbox.testing import Sandbox
from tests.integration.conftest import Workspace
from tests.integration.resetproxy import lossy_proxy

FIRST_SLOT = datetime(2026, 12, 15, 13, 0, tzinfo=UTC)  # 08:00 in New York
FAST = RetryPolicy(max_tries=10, base=0.02, cap=0.2)


def creates(count: int) -> list[Action]:
    out = []
    for n in range(count):
        start = FIRST_SLOT + timedelta(minutes=15 * (n // 10))
        want = DesiredCallback(
            callback_id=f"cb_fault_{n:04d}",
            callback_number=f"+1415555{n:04d}",
            queue_id="queue_12345",
            slot_start=start,
            slot_end=start + timedelta(minutes=15),
            reason="fault test",
            channel_preferences=ChannelPreferences(),
            concurrency_limit=10,
            labels=(("gcbctl.io/managed-by", "gcbctl"),),
        )
        out.append(
            Action(ActionType.CREATE, ResourceType.CALLBACK, f"b/{n}", "new", want, phase=50)
        )
    return out


def scheduled(world: Sandbox) -> Counter[str]:
    state = world.state()
    return Counter(c["callback_id"] for c in state["callbacks"] if c["status"] == "scheduled")


async def test_lost_answers_429s_500s_and_latency_still_converge(world: Sandbox) -> None:
    """Through a proxy that loses every 7th answer, with 429 bursts, 500s and latency: 0 dupes."""
    world.fault_http(method="POST", path="/api/v2/callbacks", status=429, retry_after=1, times=2)
    world.fault_http(method="*", path="/api/v2/*", status=500, times=10)
    world.fault_http(method="POST", path="/api/v2/callbacks", latency_seconds=0.2, times=20)
    observer = CountingObserver()
    with lossy_proxy(world.base_url, drop_every=7) as (url, stats):
        client = ApiClient(
            url, Credentials(world.client_id, world.client_secret), policy=FAST, observer=observer
        )
        async with CallbackDriver(client) as driver:
            report = await apply_run(creates(200), driver, parallelism=10)
    assert stats.dropped > 5
    assert observer.statuses[429] >= 1
    assert observer.statuses[500] >= 1
    assert report.ok, [r.message for r in report.failed]
    booked = scheduled(world)
    assert len(booked) == 200
    assert max(booked.values()) == 1


async def test_token_expiry_mid_run_is_refreshed(world: Sandbox) -> None:
    """Every token revoked in the middle of an apply: one refresh, and every create lands."""
    client = ApiClient(world.base_url, Credentials(world.client_id, world.client_secret))
    actions = creates(60)
    async with CallbackDriver(client) as driver:
        first = await apply_run(actions[:30], driver)
        world.expire_tokens()
        second = await apply_run(actions[30:], driver)
        refreshes = client.tokens.refreshes
    assert first.ok
    assert second.ok
    assert refreshes == 2
    assert len(scheduled(world)) == 60


def test_cli_apply_through_faults_converges_without_duplicates(workspace: Workspace) -> None:
    """gcbctl apply through lost answers, 429s, 500s, latency and 2 s tokens: exact, 0 dupes."""
    world = workspace.world
    world.settings(token_ttl_seconds=2)
    world.fault_http(method="POST", path="/api/v2/callbacks", status=429, retry_after=1, times=1)
    world.fault_http(method="*", path="/api/v2/*", status=503, times=4)
    world.fault_http(method="PATCH", path="/api/v2/*", latency_seconds=0.3, times=3)
    with lossy_proxy(world.base_url, drop_every=11) as (url, stats):
        workspace.url = url
        result = workspace.apply()
        assert result.code == 0, result.out + result.err
        assert workspace.plan_json()["actions"] == []
    assert stats.dropped >= 3
    callbacks = world.state()["callbacks"]
    booked = Counter(c["callback_id"] for c in callbacks if c["status"] == "scheduled")
    assert booked
    assert max(booked.values()) == 1
