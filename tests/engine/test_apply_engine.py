"""apply_run: phase order, bounded concurrency, independent failures, skipped dependents."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime

from reconciler.core.actions import (
    Action,
    ActionType,
    DesiredCallback,
    DesiredQueueSettings,
    ResourceType,
)
from reconciler.core.live import LiveState
from reconciler.core.model import ChannelPreferences, QueueRef
from reconciler.drivers.base import ActionResult, Outcome
from reconciler.engine import apply_run
from reconciler.errors import ApiError, ApiErrorBody

SLOT = datetime(2026, 12, 15, 19, tzinfo=UTC)


def callback(name: str, phase: int, queue: str = "q1") -> Action:
    want = DesiredCallback(name, "+14155550199", queue, SLOT, SLOT, "r", ChannelPreferences(), 10)
    return Action(ActionType.CREATE, ResourceType.CALLBACK, name, "new", want, phase=phase)


def capacity(queue: str, phase: int) -> Action:
    want = DesiredQueueSettings(queue, concurrency_limit=20)
    return Action(ActionType.UPDATE, ResourceType.QUEUE, f"Q/{queue}", "raise", want, phase=phase)


class FakeDriver:
    """Records the order of calls and how many run at once; fails the addresses it is told to."""

    def __init__(self, failing: Sequence[str] = ()) -> None:
        self.failing = set(failing)
        self.order: list[str] = []
        self.running = 0
        self.peak = 0

    async def read(self, *, queue_refs: Sequence[QueueRef]) -> LiveState:
        return LiveState()

    async def now(self) -> datetime:
        return SLOT

    async def aclose(self) -> None:
        return None

    async def execute(self, action: Action) -> ActionResult:
        self.running += 1
        self.peak = max(self.peak, self.running)
        await asyncio.sleep(0.001)
        self.running -= 1
        self.order.append(action.address)
        if action.address in self.failing:
            raise ApiError("refused", ApiErrorBody(status=409, code="capacity.exceeded"))
        return ActionResult(action, Outcome.APPLIED, live_id=action.address)


async def test_phases_run_in_ascending_order() -> None:
    """Every action of an earlier phase finishes before any action of a later phase starts."""
    driver = FakeDriver()
    actions = [callback("late", 50), capacity("q1", 10), callback("mid", 30)]
    report = await apply_run(actions, driver)
    assert driver.order == ["Q/q1", "mid", "late"]
    assert [r.action.address for r in report.results] == ["late", "Q/q1", "mid"]
    assert report.ok


async def test_concurrency_is_bounded_by_parallelism() -> None:
    """No more than `parallelism` actions are in flight at once."""
    driver = FakeDriver()
    await apply_run([callback(f"cb{n}", 50) for n in range(40)], driver, parallelism=4)
    assert driver.peak == 4


async def test_failures_do_not_stop_independent_actions() -> None:
    """One failed create is reported; the others still run and the exit code is 1."""
    driver = FakeDriver(failing=["cb1"])
    report = await apply_run([callback(f"cb{n}", 50) for n in range(5)], driver)
    assert len(driver.order) == 5
    assert [r.action.address for r in report.failed] == ["cb1"]
    assert report.failed[0].outcome is Outcome.FAILED
    assert report.exit_code == 1


async def test_actions_on_a_queue_whose_capacity_change_failed_are_skipped() -> None:
    """Bookings planned against a capacity that could not be set are skipped, others run."""
    driver = FakeDriver(failing=["Q/q1"])
    actions = [capacity("q1", 10), callback("on-q1", 50, "q1"), callback("on-q2", 50, "q2")]
    report = await apply_run(actions, driver)
    outcomes = {r.action.address: r.outcome for r in report.results}
    assert outcomes == {"Q/q1": Outcome.FAILED, "on-q1": Outcome.SKIPPED, "on-q2": Outcome.APPLIED}
    assert "on-q1" not in driver.order
