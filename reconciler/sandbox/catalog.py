"""Queue and webhook operations: queue settings, webhook CRUD with unique names.

Webhook changes are not announced on the event stream: its event names are the platform's
(`reservation.*`, `queue.updated`), the same set webhooks can subscribe to.

Callers hold `store.lock`. Lowering a queue's concurrency limit below what some slot already holds
is allowed; the response reports those slots as `over_capacity_slots`.
"""

from __future__ import annotations

import uuid
from typing import Any

from reconciler.sandbox.problems import Detail, RequestError
from reconciler.sandbox.records import Queue, Webhook, iso
from reconciler.sandbox.store import Store


def over_capacity(store: Store, queue: Queue) -> list[dict[str, Any]]:
    busy = store.occupancy.busy_slots(queue, queue.concurrency_limit)
    return [{"start": iso(start), "booked": n} for start, n in busy]


def patch_queue(
    store: Store,
    ident: str,
    changes: dict[str, Any],
    if_match: int | None,
    *,
    changed_by: str = "api",
) -> dict[str, Any]:
    """Apply queue settings; the answer is the queue plus `over_capacity_slots`."""
    queue = store.queue(ident)
    store.check_version(ident, queue.version, if_match)
    for key, value in changes.items():
        setattr(queue, key, value)
    queue.touch()
    store.changed()
    body = queue.to_json()
    store.emit("queue.updated", changed_by, body, queue.id)
    return body | {"over_capacity_slots": over_capacity(store, queue)}


def create_queue(store: Store, fields: dict[str, Any]) -> Queue:
    """Add a queue (administrators only; the platform API cannot create queues)."""
    if fields["id"] in store.queues:
        detail = Detail("bad.request", "id", fields["id"], "the queue id is taken")
        raise RequestError(409, "bad.request", f"Queue {fields['id']} already exists.", (detail,))
    queue = Queue.from_json(fields | {"version": 1})
    store.queues[queue.id] = queue
    store.changed()
    store.emit("queue.updated", "ui", queue.to_json(), queue.id)
    return queue


def _unique_name(store: Store, name: str, ident: str | None) -> None:
    for webhook in store.webhooks.values():
        if webhook.name == name and webhook.id != ident:
            message = f"A webhook named {name!r} already exists ({webhook.id})."
            detail = Detail("webhook.duplicate", "name", webhook.id)
            raise RequestError(409, "webhook.duplicate", message, (detail,))


def create_webhook(store: Store, fields: dict[str, Any]) -> Webhook:
    _unique_name(store, fields["name"], None)
    now = store.clock.now()
    webhook = Webhook(
        id=str(uuid.uuid4()),
        name=fields["name"],
        url=fields["url"],
        content_type=fields["content_type"],
        enabled=fields["enabled"],
        events=fields["events"],
        secret=fields.get("secret"),
        labels=fields["labels"],
        created_at=now,
        updated_at=now,
    )
    store.webhooks[webhook.id] = webhook
    store.changed()
    return webhook


def replace_webhook(
    store: Store, ident: str, fields: dict[str, Any], if_match: int | None
) -> Webhook:
    """PUT: every field replaced; a body without `secret` keeps the stored one."""
    webhook = store.webhook(ident)
    store.check_version(ident, webhook.version, if_match)
    _unique_name(store, fields["name"], ident)
    for key in ("name", "url", "content_type", "enabled", "events", "labels"):
        setattr(webhook, key, fields[key])
    if "secret" in fields:
        webhook.secret = fields["secret"]
    webhook.touch(store.clock.now())
    store.changed()
    return webhook


def delete_webhook(store: Store, ident: str, if_match: int | None) -> None:
    webhook = store.webhook(ident)
    store.check_version(ident, webhook.version, if_match)
    del store.webhooks[ident]
    store.changed()
