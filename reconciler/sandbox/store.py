"""The sandbox's world state: queues, callbacks and webhooks, their indexes, and the lifecycle.

One `Store` per running sandbox. Mutations happen under `store.lock` (an asyncio lock) and never
await while holding it, so a check and the booking that follows it are atomic even with many
concurrent requests. Every change is announced through `emit`, which feeds the event log and the
webhook dispatcher. Status lifecycle rule (documented for users): a `scheduled` callback becomes
`connecting` when the sandbox clock reaches its `callback_time`, and `completed` one slot length
later; `failed` and `canceled` only happen through the API or the admin surface.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from reconciler.sandbox.booking import Occupancy
from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.problems import not_found, version_conflict
from reconciler.sandbox.records import Callback, Queue, Webhook

Emit = Callable[[str, str, dict[str, Any], "str | None"], None]
STATE_FORMAT = 1


class Store:
    """Everything the platform knows; see the module docstring for the locking rule."""

    def __init__(self, clock: SandboxClock, emit: Emit) -> None:
        self.clock = clock
        self.emit = emit
        self.lock = asyncio.Lock()
        self.queues: dict[str, Queue] = {}
        self.callbacks: dict[str, Callback] = {}
        self.webhooks: dict[str, Webhook] = {}
        self.occupancy = Occupancy()
        self.active_ids: dict[str, str] = {}
        self._due: list[tuple[float, str]] = []
        self.dirty = False

    # lookups -----------------------------------------------------------------------------

    def queue(self, queue_id: str) -> Queue:
        found = self.queues.get(queue_id)
        if found is None:
            raise not_found("Queue", queue_id)
        return found

    def callback(self, ident: str) -> Callback:
        found = self.callbacks.get(ident)
        if found is None:
            raise not_found("Callback", ident)
        return found

    def webhook(self, ident: str) -> Webhook:
        found = self.webhooks.get(ident)
        if found is None:
            raise not_found("Webhook", ident)
        return found

    @staticmethod
    def check_version(ident: str, current: int, expected: int | None) -> None:
        if expected is not None and expected != current:
            raise version_conflict(ident, expected, current)

    # bookkeeping -------------------------------------------------------------------------

    def changed(self) -> None:
        self.dirty = True

    def index(self, callback: Callback) -> None:
        """Record a callback's booking and lifecycle deadline after any change to it."""
        if callback.status == "scheduled":
            self.occupancy.add(callback.queue_id, callback.callback_time)
        if callback.status != "canceled":
            self.active_ids[callback.callback_id] = callback.id
        due = self._deadline(callback)
        if due is not None:
            heapq.heappush(self._due, (due.timestamp(), callback.id))
        self.changed()

    def unindex(self, callback: Callback) -> None:
        """Forget a callback's booking before it changes."""
        if callback.status == "scheduled":
            self.occupancy.remove(callback.queue_id, callback.callback_time)
        if self.active_ids.get(callback.callback_id) == callback.id:
            del self.active_ids[callback.callback_id]

    def _deadline(self, callback: Callback) -> datetime | None:
        if callback.status == "scheduled":
            return callback.callback_time
        if callback.status == "connecting":
            queue = self.queues.get(callback.queue_id)
            return callback.callback_time + timedelta(minutes=queue.slot_minutes if queue else 15)
        return None

    # lifecycle ---------------------------------------------------------------------------

    def sweep(self) -> int:
        """Move callbacks whose time has come along the lifecycle; returns transitions made."""
        now = self.clock.now()
        moved = 0
        while self._due and self._due[0][0] <= now.timestamp():
            _, ident = heapq.heappop(self._due)
            callback = self.callbacks.get(ident)
            due = self._deadline(callback) if callback else None
            if callback is None or due is None or due > now:
                continue
            self._advance(callback, now)
            moved += 1
        return moved

    def _advance(self, callback: Callback, now: datetime) -> None:
        self.unindex(callback)
        callback.status = "connecting" if callback.status == "scheduled" else "completed"
        callback.touch(now)
        self.index(callback)
        event = "reservation.completed" if callback.status == "completed" else "reservation.updated"
        self.emit(event, "system", callback.to_json(), callback.queue_id)

    # persistence -------------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        """Everything needed to restart where this sandbox stopped (secrets included)."""
        return {
            "format": STATE_FORMAT,
            "queues": [queue.to_json() for queue in self.queues.values()],
            "callbacks": [callback.to_json() for callback in self.callbacks.values()],
            "webhooks": [webhook.to_state() for webhook in self.webhooks.values()],
        }

    def load(self, state: dict[str, Any]) -> None:
        """Replace the world with `state` (from `dump()` or a fixture)."""
        self.queues = {q["id"]: Queue.from_json(q) for q in state.get("queues", [])}
        self.callbacks, self.active_ids, self._due = {}, {}, []
        self.occupancy = Occupancy()
        for data in state.get("callbacks", []):
            callback = Callback.from_json(data)
            self.callbacks[callback.id] = callback
            self.index(callback)
        self.webhooks = {w["id"]: Webhook.from_state(w) for w in state.get("webhooks", [])}
        self.changed()
