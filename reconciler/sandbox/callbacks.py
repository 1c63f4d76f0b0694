"""Callback operations with the platform's rules: create, re-book, cancel, and "UI" edits.

Callers hold `store.lock`. Each function checks everything first and changes state last, so a
refused request leaves nothing behind, and it announces the change through `store.emit`.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from reconciler.sandbox.booking import Window, check_windows, choose_slot
from reconciler.sandbox.callback_inputs import CallbackInput
from reconciler.sandbox.problems import Detail, RequestError, bad_request
from reconciler.sandbox.records import Callback, Queue, iso
from reconciler.sandbox.store import Store

STATUSES = ("scheduled", "connecting", "completed", "failed", "canceled")


def _matrix(windows: list[Window]) -> list[dict[str, str]]:
    return [{"start": iso(w.start), "end": iso(w.end)} for w in windows]


def _book(
    store: Store, queue: Queue, windows: list[Window], limit: int | None, own: datetime | None
) -> datetime:
    problems = check_windows(queue, windows, store.clock.now())
    if problems:
        raise bad_request(problems)
    room = min(queue.concurrency_limit, limit or queue.concurrency_limit)
    slot = choose_slot(queue, windows, room, store.occupancy, own_booking=own)
    if slot is None:
        message = f"Every slot of the requested windows already holds {room} callbacks."
        raise RequestError(
            409, "capacity.exceeded", message, (Detail("capacity.exceeded", "time_slot_matrix"),)
        )
    return slot


def _duplicate(store: Store, callback_id: str) -> None:
    existing = store.active_ids.get(callback_id)
    if existing is not None:
        message = f"A callback with callback_id {callback_id} already exists ({existing})."
        detail = Detail("callback.duplicate", "callback_id", existing)
        raise RequestError(409, "callback.duplicate", message, (detail,))


def create(store: Store, data: CallbackInput, *, changed_by: str = "api") -> Callback:
    """Book a new callback by the booking rule; 409 on a duplicate or a full matrix."""
    assert data.callback_id is not None
    assert data.queue_id is not None
    assert data.windows is not None
    assert data.callback_number is not None
    queue = store.queues.get(data.queue_id)
    if queue is None:
        raise bad_request(
            [Detail("bad.request", "queue_id", message=f"queue {data.queue_id} does not exist")]
        )
    _duplicate(store, data.callback_id)
    slot = _book(store, queue, data.windows, data.concurrency_limit, None)
    now = store.clock.now()
    callback = Callback(
        id=f"{data.callback_id}-{secrets.token_hex(4)}",
        callback_id=data.callback_id,
        callback_number=data.callback_number,
        callback_time=slot,
        queue_id=queue.id,
        reason=data.reason or "",
        status="scheduled",
        time_slot_matrix=_matrix(data.windows),
        channel_preferences=data.channel_preferences or {},
        concurrency_limit=data.concurrency_limit,
        labels=data.labels or {},
        created_at=now,
        updated_at=now,
    )
    store.callbacks[callback.id] = callback
    store.index(callback)
    store.emit("reservation.created", changed_by, callback.to_json(), queue.id)
    return callback


def update(
    store: Store, ident: str, data: CallbackInput, if_match: int | None, *, changed_by: str = "api"
) -> Callback:
    """Change a scheduled callback; a new matrix re-books it (its own slot does not count)."""
    callback = store.callback(ident)
    store.check_version(ident, callback.version, if_match)
    if callback.status != "scheduled" and data.present - {"labels"}:
        raise bad_request(
            [Detail("bad.request", "status", ident, f"the callback is {callback.status}")]
        )
    queue = store.queue(callback.queue_id)
    limit = (
        data.concurrency_limit
        if "concurrency_limit" in data.present
        else callback.concurrency_limit
    )
    slot = callback.callback_time
    if data.windows is not None:
        slot = _book(store, queue, data.windows, limit, callback.callback_time)
    store.unindex(callback)
    callback.callback_time = slot
    if data.windows is not None:
        callback.time_slot_matrix = _matrix(data.windows)
    _copy_fields(callback, data)
    callback.touch(store.clock.now())
    store.index(callback)
    store.emit("reservation.updated", changed_by, callback.to_json(), queue.id)
    return callback


def _copy_fields(callback: Callback, data: CallbackInput) -> None:
    if data.channel_preferences is not None:
        callback.channel_preferences = data.channel_preferences
    if data.reason is not None:
        callback.reason = data.reason
    if data.callback_number is not None:
        callback.callback_number = data.callback_number
    if "concurrency_limit" in data.present:
        callback.concurrency_limit = data.concurrency_limit
    if data.labels is not None:
        callback.labels = data.labels


def cancel(store: Store, ident: str, if_match: int | None, *, changed_by: str = "api") -> Callback:
    """Cancel a scheduled callback; canceling a canceled one changes nothing."""
    callback = store.callback(ident)
    store.check_version(ident, callback.version, if_match)
    if callback.status == "canceled":
        return callback
    if callback.status != "scheduled":
        raise bad_request(
            [Detail("bad.request", "status", ident, f"the callback is {callback.status}")]
        )
    set_status(store, callback, "canceled", changed_by)
    return callback


def set_status(store: Store, callback: Callback, status: str, changed_by: str) -> None:
    """Force a status (the API's cancel, or the admin's "UI"), announcing the matching event."""
    store.unindex(callback)
    callback.status = status
    callback.touch(store.clock.now())
    store.index(callback)
    event = {"canceled": "reservation.canceled", "completed": "reservation.completed"}
    name = event.get(status, "reservation.updated")
    store.emit(name, changed_by, callback.to_json(), callback.queue_id)


def move(store: Store, callback: Callback, instant: datetime, changed_by: str) -> None:
    """Put a callback at `instant` without any booking rule (an agent moving it by hand)."""
    store.unindex(callback)
    callback.callback_time = instant
    callback.touch(store.clock.now())
    store.index(callback)
    store.emit("reservation.updated", changed_by, callback.to_json(), callback.queue_id)
