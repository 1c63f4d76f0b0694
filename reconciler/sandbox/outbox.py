"""One WebSocket connection's delivery state: what to send next and what awaits an ack.

This is the at-least-once part of the stream, kept free of sockets so it can be reasoned about
alone: events go out in sequence order (filtered by queue), each stays pending until acknowledged
(by correlation id, or cumulatively by sequence), is sent again once the ack timeout passes, and
no new event goes out while `max_unacked` are pending (flow control). Pending frames are copied
here, so the connection's memory is bounded by `max_unacked` whatever the client does.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.sandbox.events import EventLog, LogEntry
from reconciler.sandbox.settings import SandboxSettings
from reconciler.wire import Ack


@dataclass(slots=True)
class _Pending:
    sent_at: float
    correlation_id: str
    resource_id: str
    frame: bytes


class Outbox:
    def __init__(
        self,
        log: EventLog,
        settings: SandboxSettings,
        *,
        queues: frozenset[str] = frozenset(),
        since: int | None = None,
    ) -> None:
        self._log = log
        self._settings = settings
        self._queues = queues
        self._pending: dict[int, _Pending] = {}
        self._by_correlation: dict[str, int] = {}
        self._next_check = float("inf")
        self.resync_needed = since is not None and not log.can_resume(since)
        start = log.next_sequence - 1
        self.cursor = since if since is not None and not self.resync_needed else start
        self.acked = 0
        self.redelivered = 0

    @property
    def unacked(self) -> int:
        return len(self._pending)

    def ack(self, ack: Ack) -> None:
        """Forget what `ack` acknowledges; unknown ids and old sequences are ignored."""
        if ack.correlation_id is not None:
            sequence = self._by_correlation.pop(ack.correlation_id, None)
            if sequence is not None and self._pending.pop(sequence, None) is not None:
                self.acked += 1
            return
        if ack.resource_id is not None:
            self._ack_resource(ack.resource_id)
            return
        limit = ack.sequence if ack.sequence is not None else -1
        while self._pending:
            first = next(iter(self._pending))
            if first > limit:
                break
            self._by_correlation.pop(self._pending.pop(first).correlation_id, None)
            self.acked += 1

    def _ack_resource(self, ident: str) -> None:
        """The product document's `{"status":"ack","id":...}`: every pending event about `ident`."""
        done = [seq for seq, pending in self._pending.items() if pending.resource_id == ident]
        for sequence in done:
            self._by_correlation.pop(self._pending.pop(sequence).correlation_id, None)
        self.acked += len(done)

    def take(self, now: float, limit: int) -> list[bytes]:
        """Up to `limit` frames to send now: overdue redeliveries first, then new events."""
        frames = self._overdue(now, limit) if now >= self._next_check else []
        room = min(limit - len(frames), self._settings.max_unacked - len(self._pending))
        if room > 0:
            frames.extend(self._fresh(now, room))
        return frames

    def _fresh(self, now: float, room: int) -> list[bytes]:
        if self.cursor + 1 < self._log.oldest_sequence:
            # The log forgot events this client never got (it fell too far behind).
            self.resync_needed = True
            self.cursor = self._log.oldest_sequence - 1
        frames: list[bytes] = []
        while room > 0:
            entries = self._log.read(self.cursor, room if not self._queues else 256)
            if not entries:
                break
            for entry in entries:
                self.cursor = entry.sequence
                if self._wanted(entry):
                    frames.append(self._hold(entry, now))
                    room -= 1
                    if room == 0:
                        break
        return frames

    def _wanted(self, entry: LogEntry) -> bool:
        return not self._queues or entry.queue_id in self._queues

    def _hold(self, entry: LogEntry, now: float) -> bytes:
        pending = _Pending(now, entry.correlation_id, entry.resource_id, entry.frame)
        self._pending[entry.sequence] = pending
        self._by_correlation[entry.correlation_id] = entry.sequence
        if self._next_check == float("inf"):
            self._next_check = now + self._settings.ack_timeout_seconds
        return entry.frame

    def _overdue(self, now: float, limit: int) -> list[bytes]:
        timeout = self._settings.ack_timeout_seconds
        frames: list[bytes] = []
        oldest = float("inf")
        for pending in self._pending.values():
            if pending.sent_at + timeout <= now and len(frames) < limit:
                pending.sent_at = now
                frames.append(pending.frame)
            oldest = min(oldest, pending.sent_at)
        self.redelivered += len(frames)
        self._next_check = oldest + timeout
        return frames

    def next_deadline(self) -> float | None:
        """When the next redelivery falls due (monotonic seconds), if anything is pending."""
        if not self._pending:
            self._next_check = float("inf")
            return None
        return self._next_check

    def has_fresh(self) -> bool:
        """Whether new events wait and flow control lets them out."""
        return (
            self.cursor < self._log.next_sequence - 1 and self.unacked < self._settings.max_unacked
        )
