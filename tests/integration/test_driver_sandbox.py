"""The callback driver against the real sandbox: reads, creates, adoption, cancels."""

from __future__ import annotations

from datetime import UTC, datetime

from reconciler.client import ApiClient, Credentials
from reconciler.core.actions import (
    Action,
    ActionType,
    DesiredCallback,
    DesiredQueueSettings,
    DesiredWebhook,
    ResourceType,
)
from reconciler.core.live import CallbackStatus
from reconciler.core.model import ChannelPreferences, QueueRef
from reconciler.drivers.base import Outcome
from reconciler.drivers.callback import CallbackDriver
from reconciler.sandbox.testing import Sandbox

SLOT = datetime(2026, 12, 15, 19, 0, tzinfo=UTC)  # 14:00 in New York, a Tuesday


def desired(callback_id: str, start: datetime = SLOT) -> DesiredCallback:
    return DesiredCallback(
        callback_id=callback_id,
        callback_number="+14155550199",
        queue_id="queue_12345",
        slot_start=start,
        slot_end=start.replace(minute=start.minute + 15),
        reason="Escalation",
        channel_preferences=ChannelPreferences(),
        concurrency_limit=10,
        labels=(("gcbctl.io/managed-by", "gcbctl"),),
    )


def create(callback_id: str) -> Action:
    return Action(
        ActionType.CREATE, ResourceType.CALLBACK, f"b/{callback_id}", "new", desired(callback_id)
    )


def driver_for(world: Sandbox) -> CallbackDriver:
    credentials = Credentials(world.client_id, world.client_secret)
    return CallbackDriver(ApiClient(world.base_url, credentials))


async def test_read_sees_the_fixture_queues_and_the_platform_clock(world: Sandbox) -> None:
    """read() finds a fixture queue by name and now() is the sandbox clock, not ours."""
    async with driver_for(world) as driver:
        live = await driver.read(queue_refs=[QueueRef(name="Tech Support")])
        now = await driver.now()
    assert [q.id for q in live.queues] == ["queue_12345"]
    assert live.queues[0].slot_minutes == 15
    assert datetime(2026, 12, 1, tzinfo=UTC) <= now < datetime(2026, 12, 1, 1, tzinfo=UTC)


async def test_create_books_the_planned_slot_and_a_repeat_adopts(world: Sandbox) -> None:
    """A create books exactly the planned slot; a repeated create adopts instead of duplicating."""
    async with driver_for(world) as driver:
        first = await driver.execute(create("cb_one"))
        again = await driver.execute(create("cb_one"))
        live = await driver.read(queue_refs=[QueueRef(id="queue_12345")])
    assert first.outcome is Outcome.APPLIED
    assert again.outcome is Outcome.ADOPTED
    assert again.live_id == first.live_id
    booked = [c for c in live.callbacks if c.callback_id == "cb_one"]
    assert len(booked) == 1
    assert booked[0].callback_time == SLOT


async def test_cancel_then_read_keeps_history(world: Sandbox) -> None:
    """A cancel leaves the callback readable as canceled, and a second cancel is harmless."""
    async with driver_for(world) as driver:
        made = await driver.execute(create("cb_gone"))
        cancel = Action(
            ActionType.CANCEL,
            ResourceType.CALLBACK,
            "b/cb_gone",
            "pruned",
            live_id=made.live_id,
            live_version=made.version,
        )
        done = await driver.execute(cancel)
        repeat = await driver.execute(cancel)
        live = await driver.read(queue_refs=[QueueRef(id="queue_12345")])
    assert done.outcome is Outcome.APPLIED
    assert repeat.outcome is Outcome.UNCHANGED
    assert [c.status for c in live.callbacks if c.callback_id == "cb_gone"] == [
        CallbackStatus.CANCELED
    ]


async def test_a_read_only_client_can_read(world: Sandbox) -> None:
    """A client granted only the read scopes gets a token and reads (plan in CI)."""
    credentials = Credentials(world.readonly_client_id, world.readonly_client_secret)
    async with CallbackDriver(ApiClient(world.base_url, credentials)) as driver:
        live = await driver.read(queue_refs=[QueueRef(id="queue_12345")])
    assert live.queues


async def test_repeated_webhook_create_adopts_its_own_webhook(world: Sandbox) -> None:
    """A webhook create that meets its own earlier create (name taken) takes it over."""
    want = DesiredWebhook(
        name="hook",
        url="http://127.0.0.1:9/hook",
        content_type="application/json",
        enabled=True,
        events=("reservation.created",),
        labels=(("gcbctl.io/managed-by", "gcbctl"),),
    )
    action = Action(ActionType.CREATE, ResourceType.WEBHOOK, "Webhook/hook", "new", want)
    async with driver_for(world) as driver:
        first = await driver.execute(action)
        again = await driver.execute(action)
        live = await driver.read(queue_refs=[QueueRef(id="queue_12345")])
    assert first.outcome is Outcome.APPLIED
    assert again.outcome is Outcome.ADOPTED
    assert [w.name for w in live.webhooks] == ["hook"]


async def test_queue_update_patches_only_the_stated_settings(world: Sandbox) -> None:
    """A capacity change sends the stated settings with If-Match and leaves the rest alone."""
    async with driver_for(world) as driver:
        before = (await driver.read(queue_refs=[QueueRef(id="queue_billing_eu")])).queues[0]
        want = DesiredQueueSettings("queue_billing_eu", concurrency_limit=7)
        action = Action(
            ActionType.UPDATE,
            ResourceType.QUEUE,
            "QueueCapacity/billing-eu",
            "raise",
            want,
            live_id=before.id,
            live_version=before.version,
        )
        result = await driver.execute(action)
        after = (await driver.read(queue_refs=[QueueRef(id="queue_billing_eu")])).queues[0]
    assert result.outcome is Outcome.APPLIED
    assert after.concurrency_limit == 7
    assert after.operating_hours == before.operating_hours
    assert after.version == before.version + 1
