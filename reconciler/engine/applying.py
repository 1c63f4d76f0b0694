"""`apply_run`: carry a plan out, phase by phase, with bounded concurrency, reporting every outcome.

Phases run in ascending order (DESIGN.md §3), so that capacity exists before bookings use it and
cancels free room before creates take it; the actions of one phase run concurrently, at most
`parallelism` at a time. A failed action never stops independent ones: only actions on a queue
whose capacity change failed are skipped, because they were planned against that capacity.
Errors become failed `ActionResult`s; nothing here catches anything but `GcbctlError`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Protocol

from reconciler.client import collect_correlation_ids
from reconciler.core.actions import Action, DesiredCallback, DesiredQueueSettings, ResourceType
from reconciler.drivers.base import ActionResult, Driver, Outcome
from reconciler.errors import GcbctlError
from reconciler.telemetry import call_scope

DEFAULT_PARALLELISM = 10


class ProgressSink(Protocol):
    """Where an apply reports progress (a progress bar on a terminal, nothing otherwise)."""

    def start(self, total: int) -> None: ...

    def advance(self, result: ActionResult) -> None: ...

    def finish(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        return None

    def advance(self, result: ActionResult) -> None:
        return None

    def finish(self) -> None:
        return None


@dataclass(frozen=True, slots=True)
class ApplyReport:
    """Every action's outcome, in plan order."""

    results: tuple[ActionResult, ...]
    elapsed: float

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome is outcome)

    @property
    def failed(self) -> tuple[ActionResult, ...]:
        return tuple(r for r in self.results if not r.outcome.ok)

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1


def _queue_of(action: Action) -> str | None:
    desired = action.desired
    if isinstance(desired, DesiredCallback | DesiredQueueSettings):
        return desired.queue_id
    return None


async def _run_one(driver: Driver, action: Action) -> ActionResult:
    """One action; the spans of its API calls carry its address and queue (DESIGN.md §8)."""
    attributes: dict[str, str | bool] = {
        "gcbctl.action": str(action.type),
        "gcbctl.resource": action.address,
    }
    queue_id = _queue_of(action)
    if queue_id:
        attributes["gcbctl.queue"] = queue_id
    if action.drift:  # only when set: every attribute costs CPU on each of thousands of spans
        attributes["gcbctl.drift"] = True
    with call_scope(attributes):
        return await _execute(driver, action)


async def _execute(driver: Driver, action: Action) -> ActionResult:
    """One action, timed, with the platform's correlation ids of every answer it got."""
    started = time.monotonic()
    with collect_correlation_ids() as answered:
        try:
            result = await driver.execute(action)
        except GcbctlError as error:
            result = ActionResult(
                action, Outcome.FAILED, action.live_id, None, error.message, error
            )
    return replace(
        result,
        action=action,
        elapsed=time.monotonic() - started,
        correlation_ids=tuple(answered),
    )


def _skipped(action: Action, queue_id: str) -> ActionResult:
    message = f"skipped: the capacity change of queue {queue_id} failed"
    return ActionResult(action, Outcome.SKIPPED, action.live_id, None, message)


async def _run_phase(
    driver: Driver,
    actions: Sequence[Action],
    gate: asyncio.Semaphore,
    broken_queues: set[str],
    progress: ProgressSink,
) -> list[ActionResult]:
    async def one(action: Action) -> ActionResult:
        queue_id = _queue_of(action)
        if queue_id in broken_queues and action.resource is not ResourceType.QUEUE:
            result = _skipped(action, queue_id or "")
        else:
            async with gate:
                result = await _run_one(driver, action)
        progress.advance(result)
        return result

    results = await asyncio.gather(*(one(a) for a in actions))
    for result in results:
        if result.action.resource is ResourceType.QUEUE and not result.outcome.ok:
            broken_queues.add(_queue_of(result.action) or "")
    return list(results)


def phases(actions: Iterable[Action]) -> list[list[Action]]:
    """Actions grouped by phase, ascending; plan order is kept inside a phase."""
    ordered = sorted(enumerate(actions), key=lambda pair: (pair[1].phase, pair[0]))
    return [[a for _, a in group] for _, group in groupby(ordered, key=lambda p: p[1].phase)]


async def apply_run(
    actions: Sequence[Action],
    driver: Driver,
    *,
    parallelism: int = DEFAULT_PARALLELISM,
    progress: ProgressSink | None = None,
) -> ApplyReport:
    """Carry out `actions` and report each outcome; never raises for a single failed action."""
    sink = progress or NoProgress()
    started = time.monotonic()
    gate = asyncio.Semaphore(max(1, parallelism))
    broken: set[str] = set()
    sink.start(len(actions))
    results: list[ActionResult] = []
    try:
        for batch in phases(actions):
            results.extend(await _run_phase(driver, batch, gate, broken, sink))
    finally:
        sink.finish()
    by_action = {id(r.action): r for r in results}
    ordered = tuple(by_action[id(a)] for a in actions)
    return ApplyReport(ordered, time.monotonic() - started)
