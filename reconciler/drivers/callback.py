"""The `callback` driver: callback-api.md spoken through `ApiClient`.

Reading lists the named queues, every callback on them (canceled ones too, for history) and every
webhook. Carrying out an action is one request, made safe to repeat: a create that meets
`callback.duplicate` adopts the callback its earlier try made, and a write that meets
`version.conflict` re-reads the object and counts as done when it is already as desired (the
earlier try succeeded but its answer was lost). Anything else that changed underneath is reported,
never overwritten: a re-plan decides what to do about it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

from reconciler.client import ApiClient
from reconciler.core.actions import Action, ResourceType
from reconciler.core.live import CallbackStatus, LiveCallback, LiveQueue, LiveState
from reconciler.core.model import QueueRef
from reconciler.drivers import callback_wire as wire
from reconciler.drivers.base import ActionResult
from reconciler.drivers.callback_writes import CallbackWrites
from reconciler.drivers.webhook_writes import WebhookWrites, update_queue
from reconciler.errors import ApiError, UsageError

READ_CONCURRENCY = 8


def _prefer_active(callbacks: list[LiveCallback]) -> tuple[LiveCallback, ...]:
    """One callback per `callback_id` among canceled ones: an active one hides its history."""
    active = {cb.callback_id for cb in callbacks if cb.status is not CallbackStatus.CANCELED}
    latest: dict[str, LiveCallback] = {}
    kept: list[LiveCallback] = []
    for cb in callbacks:
        if cb.status is not CallbackStatus.CANCELED:
            kept.append(cb)
        elif cb.callback_id not in active:
            seen = latest.get(cb.callback_id)
            if seen is None or cb.version > seen.version:
                latest[cb.callback_id] = cb
    kept.extend(latest.values())
    return tuple(sorted(kept, key=lambda cb: (cb.queue_id, cb.callback_id, cb.id)))


class CallbackDriver:
    """Implements `reconciler.drivers.base.Driver` for the callback platform."""

    def __init__(self, client: ApiClient) -> None:
        self._client = client
        self._callbacks = CallbackWrites(client)
        self._webhooks = WebhookWrites(client)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def now(self) -> datetime:
        known = self._client.platform_now()
        if known is not None:
            return known
        await self._client.request("GET", "/api/v2/queues", params={"pageSize": 1})
        learned = self._client.platform_now()
        if learned is None:
            raise UsageError(
                "the platform sent no Date header, so its clock is unknown",
                hint="Pass --now to say what time it is.",
            )
        return learned

    async def read(self, *, queue_refs: Sequence[QueueRef]) -> LiveState:
        queues = await self._read_queues(queue_refs)
        gate = asyncio.Semaphore(READ_CONCURRENCY)
        listings = await asyncio.gather(*(self._read_callbacks(q.id, gate) for q in queues))
        webhooks = [
            wire.webhook_from_wire(raw) async for raw in self._client.paginate("/api/v2/webhooks")
        ]
        return LiveState(
            queues=tuple(sorted(queues, key=lambda q: q.id)),
            callbacks=_prefer_active([cb for listing in listings for cb in listing]),
            webhooks=tuple(sorted(webhooks, key=lambda w: w.name)),
            now=self._client.platform_now(),
        )

    async def _read_queues(self, refs: Sequence[QueueRef]) -> list[LiveQueue]:
        if not refs:
            return [
                wire.queue_from_wire(raw) async for raw in self._client.paginate("/api/v2/queues")
            ]
        found: dict[str, LiveQueue] = {}
        for ref in refs:
            for queue in await self._read_queue(ref):
                found[queue.id] = queue
        return list(found.values())

    async def _read_queue(self, ref: QueueRef) -> list[LiveQueue]:
        if ref.id:
            try:
                answer = await self._client.request("GET", f"/api/v2/queues/{ref.id}")
            except ApiError as error:
                if error.status == 404:
                    return []
                raise
            return [wire.queue_from_wire(answer.body)]
        listing = self._client.paginate("/api/v2/queues", {"name": ref.name or ""})
        return [wire.queue_from_wire(raw) async for raw in listing if raw.get("name") == ref.name]

    async def _read_callbacks(self, queue_id: str, gate: asyncio.Semaphore) -> list[LiveCallback]:
        out: list[LiveCallback] = []
        for extra in ({}, {"status": "canceled"}):
            params: dict[str, Any] = {"queue_id": queue_id, **extra}
            async with gate:
                async for raw in self._client.paginate("/api/v2/callbacks", params):
                    out.append(wire.callback_from_wire(raw))
        return out

    async def execute(self, action: Action) -> ActionResult:
        if action.resource is ResourceType.QUEUE:
            return await update_queue(self._client, action)
        if action.resource is ResourceType.WEBHOOK:
            return await self._webhooks.execute(action)
        return await self._callbacks.execute(action)
