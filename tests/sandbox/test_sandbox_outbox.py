"""The delivery state machine alone (no sockets): order, acks, redelivery, flow control, resync."""

from __future__ import annotations

from datetime import UTC, datetime

from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.events import EventLog
from reconciler.sandbox.outbox import Outbox
from reconciler.sandbox.settings import SandboxSettings
from reconciler.wire import Ack, decode_event, decode_message


class Ticks:
    """A hand-moved monotonic clock for the sandbox clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _log(settings: SandboxSettings, count: int, queue: str = "q1") -> tuple[EventLog, Ticks]:
    ticks = Ticks()
    log = EventLog(SandboxClock(datetime(2026, 12, 1, tzinfo=UTC), monotonic=ticks), settings)
    for n in range(count):
        log.append("reservation.updated", "api", {"id": f"cb_{n}", "queue_id": queue}, queue)
    return log, ticks


def _sequences(frames: list[bytes]) -> list[int]:
    return [decode_event(decode_message(f)[0].payload).sequence for f in frames]


def test_sends_in_order_and_forgets_acknowledged() -> None:
    """Events go out in sequence; per-event and cumulative acks empty the pending set."""
    settings = SandboxSettings(ack_timeout_seconds=10)
    log, _ = _log(settings, 5)
    box = Outbox(log, settings, since=0)
    frames = box.take(0.0, 100)
    assert _sequences(frames) == [1, 2, 3, 4, 5]
    first = decode_event(decode_message(frames[0])[0].payload)
    box.ack(Ack(correlation_id=first.correlation_id))
    box.ack(Ack(sequence=4))
    assert (box.unacked, box.acked) == (1, 4)
    box.ack(Ack(resource_id="cb_4"))
    assert box.unacked == 0
    assert box.take(100.0, 100) == []


def test_redelivers_after_the_timeout_only() -> None:
    """A pending event is sent again once the ack timeout has passed, not before."""
    settings = SandboxSettings(ack_timeout_seconds=10)
    log, _ = _log(settings, 2)
    box = Outbox(log, settings, since=0)
    box.take(0.0, 100)
    assert box.take(9.9, 100) == []
    assert box.next_deadline() == 10.0
    assert _sequences(box.take(10.0, 100)) == [1, 2]
    assert box.redelivered == 2
    assert box.take(15.0, 100) == []


def test_flow_control_caps_pending_events() -> None:
    """No new event goes out while max_unacked are pending; acks open the window again."""
    settings = SandboxSettings(max_unacked=3, ack_timeout_seconds=60)
    log, _ = _log(settings, 10)
    box = Outbox(log, settings, since=0)
    assert _sequences(box.take(0.0, 100)) == [1, 2, 3]
    assert box.take(1.0, 100) == []
    assert not box.has_fresh()
    box.ack(Ack(sequence=2))
    assert _sequences(box.take(2.0, 100)) == [4, 5]


def test_queue_filter_and_resume_points() -> None:
    """Filtered queues are skipped; a since point before the retained log asks for resync."""
    settings = SandboxSettings(max_events=4)
    log, _ = _log(settings, 3, queue="q1")
    for _ in range(3):
        log.append("queue.updated", "api", {"id": "q2"}, "q2")
    box = Outbox(log, settings, since=1, queues=frozenset({"q2"}))
    assert box.resync_needed
    fresh = Outbox(log, settings, since=2, queues=frozenset({"q2"}))
    assert not fresh.resync_needed
    assert _sequences(fresh.take(0.0, 100)) == [4, 5, 6]
    assert Outbox(log, settings).take(0.0, 100) == [], "no since: only future events"


def test_retention_prunes_by_the_sandbox_clock() -> None:
    """Events older than the retention period leave the log when the clock moves on."""
    settings = SandboxSettings(retention_minutes=60)
    log, ticks = _log(settings, 3)
    ticks.now = 3599.0
    log.prune()
    assert len(log) == 3
    ticks.now = 3601.0
    log.prune()
    assert (len(log), log.oldest_sequence, log.can_resume(3)) == (0, 4, True)
    assert not log.can_resume(1)
