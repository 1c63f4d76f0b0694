"""The event log behind the WebSocket stream: numbered, bounded, and shared by every connection.

Each change becomes one entry with the next `sequence` and a fresh `correlation_id`. The type-1
frame for an entry is encoded once, here, and reused for every connection and every redelivery.
The log forgets entries older than the retention period (by the sandbox clock) and never holds
more than `max_events`, so no client, acknowledging or not, can grow it without bound.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.settings import SandboxSettings
from reconciler.wire import Event, Frame, FrameType, encode_event, encode_frame


@dataclass(frozen=True, slots=True)
class LogEntry:
    sequence: int
    correlation_id: str
    event: str
    queue_id: str | None
    resource_id: str
    occurred_ms: int
    frame: bytes


class EventLog:
    """Append-only, pruned from the front; sequences in the log are contiguous."""

    def __init__(self, clock: SandboxClock, settings: SandboxSettings, *, first: int = 1) -> None:
        self._clock = clock
        self._settings = settings
        self._entries: list[LogEntry] = []
        self._head = 0
        self._by_correlation: dict[str, int] = {}
        self._subscribers: set[asyncio.Event] = set()
        self.next_sequence = first

    def append(
        self, event: str, changed_by: str, resource: dict[str, Any], queue_id: str | None
    ) -> LogEntry:
        """Record a change and wake every stream."""
        sequence, correlation = self.next_sequence, str(uuid.uuid4())
        self.next_sequence += 1
        stamp = self._clock.now_ms()
        payload = encode_event(Event(correlation, sequence, event, changed_by, resource))
        frame = encode_frame(Frame(FrameType.RESERVATION_UPDATE, payload, stamp))
        ident = str(resource.get("id", ""))
        entry = LogEntry(sequence, correlation, event, queue_id, ident, stamp, frame)
        self._entries.append(entry)
        self._by_correlation[correlation] = sequence
        self.prune()
        for wake in self._subscribers:
            wake.set()
        return entry

    @property
    def oldest_sequence(self) -> int:
        """The first sequence still retained (== next_sequence when the log is empty)."""
        if self._head < len(self._entries):
            return self._entries[self._head].sequence
        return self.next_sequence

    def __len__(self) -> int:
        return len(self._entries) - self._head

    def can_resume(self, since: int) -> bool:
        """Whether every event after `since` is still retained."""
        return self.oldest_sequence - 1 <= since < self.next_sequence

    def read(self, after: int, limit: int) -> list[LogEntry]:
        """Up to `limit` retained entries with a sequence greater than `after`."""
        start = self._head + max(0, after + 1 - self.oldest_sequence)
        return self._entries[start : start + limit]

    def get(self, sequence: int) -> LogEntry | None:
        index = self._head + sequence - self.oldest_sequence
        if self._head <= index < len(self._entries):
            return self._entries[index]
        return None

    def sequence_of(self, correlation_id: str) -> int | None:
        return self._by_correlation.get(correlation_id)

    def prune(self) -> None:
        """Forget entries past retention or beyond the size bound."""
        horizon = self._clock.now_ms() - int(self._settings.retention_minutes * 60_000)
        while len(self) > self._settings.max_events or (
            len(self) and self._entries[self._head].occurred_ms < horizon
        ):
            self._by_correlation.pop(self._entries[self._head].correlation_id, None)
            self._head += 1
        if self._head > 1024 and self._head * 2 > len(self._entries):
            del self._entries[: self._head]
            self._head = 0

    def clear(self) -> None:
        self._entries, self._head = [], 0
        self._by_correlation.clear()

    def subscribe(self) -> asyncio.Event:
        wake = asyncio.Event()
        self._subscribers.add(wake)
        return wake

    def unsubscribe(self, wake: asyncio.Event) -> None:
        self._subscribers.discard(wake)
