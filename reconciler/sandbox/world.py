"""Everything one running sandbox holds, wired together: the composition root of the server.

`World` owns the clock, settings, store, event log, token authority, rate limiter, faults,
webhook dispatcher and the registry of open WebSockets, and is the one place where a change
(`emit`) fans out to the stream and to webhooks. Its background ticker moves the lifecycle along
with the clock and saves state to `--state` when something changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.sandbox.auth import Authority, OAuthClient
from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.deliveries import Dispatcher
from reconciler.sandbox.events import EventLog
from reconciler.sandbox.faults import FaultBook
from reconciler.sandbox.outbox import Outbox
from reconciler.sandbox.ratelimit import RateLimiter
from reconciler.sandbox.records import iso
from reconciler.sandbox.settings import SandboxSettings
from reconciler.sandbox.store import Store

TICK_SECONDS = 0.2
SAVE_EVERY_SECONDS = 1.0


@dataclass(eq=False, slots=True)
class Connection:
    """What the admin surface and the writer share about one open WebSocket."""

    token: str
    client_id: str
    expires_at: float
    batch: int
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    close_with: tuple[int, str] | None = None
    closing_notice: int | None = None
    closing_at: float | None = None
    gone: bool = False
    outbox: Outbox | None = None


class World:
    def __init__(
        self,
        fixture: dict[str, Any],
        *,
        settings: SandboxSettings | None = None,
        clock: SandboxClock | None = None,
        state_path: Path | None = None,
    ) -> None:
        self.settings = settings or SandboxSettings()
        self.clock = clock or SandboxClock()
        self.fixture = copy.deepcopy(fixture)
        self.state_path = state_path
        self.store = Store(self.clock, self.emit)
        self.log = EventLog(self.clock, self.settings)
        self.authority = Authority(_clients(fixture), lambda: self.settings.token_ttl_seconds)
        self.limiter = RateLimiter(lambda: self.settings.rate_limit_per_minute)
        self.faults = FaultBook()
        self.dispatcher = Dispatcher(self.settings, lambda: list(self.store.webhooks.values()))
        self.connections: set[Connection] = set()
        self.authority.listeners.append(self.wake_all)
        self.clock.listeners.append(self.wake_all)
        self._ticker: asyncio.Task[None] | None = None
        self._saved_at = 0.0
        self._load_initial()

    def _load_initial(self) -> None:
        if self.state_path is not None and self.state_path.exists():
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            self.store.load(state)
            self.log.next_sequence = int(state.get("next_sequence", 1))
        else:
            self.store.load(self.fixture)
        self.store.dirty = False

    def emit(
        self, event: str, changed_by: str, resource: dict[str, Any], queue_id: str | None
    ) -> None:
        """Announce a change on the stream and to webhooks subscribed to `event`."""
        self.log.append(event, changed_by, resource, queue_id)
        with contextlib.suppress(RuntimeError):  # no running loop: nobody to deliver from
            self.dispatcher.enqueue(event, resource, iso(self.clock.now()))

    def wake_all(self) -> None:
        for conn in self.connections:
            conn.wake.set()

    def reset(self) -> None:
        """Back to the fixture: state, events (sequence restarts at 1), tokens, buckets, faults."""
        self.store.load(self.fixture)
        self.log.clear()
        self.log.next_sequence = 1
        self.authority.expire_all()
        self.limiter.reset()
        self.faults.clear()
        self.dispatcher.records.clear()

    # background work ---------------------------------------------------------------------

    async def start(self) -> None:
        if self._ticker is None:
            self._ticker = asyncio.get_running_loop().create_task(self._tick_forever())

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
            self._ticker = None
        for conn in self.connections:
            conn.close_with = (1001, "sandbox shutting down")
            conn.wake.set()
        await self.dispatcher.aclose()
        self.save()

    async def _tick_forever(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            await self.tick()

    async def tick(self) -> None:
        async with self.store.lock:
            self.store.sweep()
        self.log.prune()
        if self.store.dirty and time.monotonic() - self._saved_at >= SAVE_EVERY_SECONDS:
            self.save()

    def save(self) -> None:
        """Write state atomically to `--state`, if one was given."""
        if self.state_path is None:
            return
        state = self.store.dump() | {"next_sequence": self.log.next_sequence}
        temporary = self.state_path.with_name(self.state_path.name + ".tmp")
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle, indent=1)
        os.replace(temporary, self.state_path)
        self.store.dirty = False
        self._saved_at = time.monotonic()


def _clients(fixture: dict[str, Any]) -> list[OAuthClient]:
    return [
        OAuthClient(c["client_id"], c["client_secret"], tuple(c.get("scopes", ())))
        for c in fixture.get("clients", [])
    ]
