"""Out-of-band changes "made in the UI" (`/_sandbox/ui/...`): events carry `changed_by: "ui"`.

These play the people and systems outside the reconciler: an administrator adding a queue or
changing its hours, an agent moving or closing a callback, someone editing a webhook by hand.
UI callback edits may also force a `status` or a `callback_time`, which the API cannot.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox import callbacks, catalog
from reconciler.sandbox.callback_inputs import read_create, read_patch
from reconciler.sandbox.callbacks import STATUSES
from reconciler.sandbox.clock import parse_instant
from reconciler.sandbox.fixture import QUEUE_KEYS
from reconciler.sandbox.plumbing import JSON
from reconciler.sandbox.problems import Detail, bad_request
from reconciler.sandbox.resource_inputs import QUEUE_FIELDS, read_queue, read_webhook
from reconciler.sandbox.routes_admin import admin, admin_body
from reconciler.sandbox.world import World


@admin
async def create_queue(request: Request, world: World) -> Response:
    """POST /_sandbox/ui/queues: a new queue (every field of the queue object but version)."""
    fields, problems = read_queue(await admin_body(request), keys=QUEUE_KEYS)
    problems += [
        Detail("bad.request", k, message=f"{k}: is required") for k in QUEUE_KEYS if k not in fields
    ]
    if problems:
        raise bad_request(problems)
    async with world.store.lock:
        queue = catalog.create_queue(world.store, fields)
    return JSON(queue.to_json(), status_code=201)


@admin
async def patch_queue(request: Request, world: World) -> Response:
    """PATCH /_sandbox/ui/queues/{id}: change queue settings as an administrator would."""
    changes, problems = read_queue(await admin_body(request), keys=QUEUE_FIELDS)
    if problems:
        raise bad_request(problems)
    async with world.store.lock:
        body = catalog.patch_queue(
            world.store, request.path_params["ident"], changes, None, changed_by="ui"
        )
    return JSON(body)


@admin
async def create_callback(request: Request, world: World) -> Response:
    """POST /_sandbox/ui/callbacks: a callback booked by hand (same rules as the API)."""
    data, problems = read_create(await admin_body(request))
    if problems:
        raise bad_request(problems)
    async with world.store.lock:
        created = callbacks.create(world.store, data, changed_by="ui")
    return JSON(created.to_json(), status_code=201)


@admin
async def patch_callback(request: Request, world: World) -> Response:
    """PATCH /_sandbox/ui/callbacks/{id}: API fields, plus `status` and `callback_time` by force."""
    body = await admin_body(request)
    status, moved = body.pop("status", None), body.pop("callback_time", None)
    if status is not None and status not in STATUSES:
        raise bad_request(
            [Detail("bad.request", "status", message=f"status must be in {STATUSES}")]
        )
    try:
        instant = parse_instant(moved) if isinstance(moved, str) else None
    except ValueError:
        instant = None
    if moved is not None and instant is None:
        raise bad_request(
            [Detail("bad.request", "callback_time", message="callback_time must be RFC 3339")]
        )
    ident = request.path_params["ident"]
    async with world.store.lock:
        store = world.store
        if body:
            data, problems = read_patch(body)
            if problems:
                raise bad_request(problems)
            callbacks.update(store, ident, data, None, changed_by="ui")
        if instant is not None:
            callbacks.move(store, store.callback(ident), instant, "ui")
        if status is not None:
            callbacks.set_status(store, store.callback(ident), status, "ui")
        return JSON(store.callback(ident).to_json())


@admin
async def cancel_callback(request: Request, world: World) -> Response:
    """DELETE /_sandbox/ui/callbacks/{id}: an agent cancels the callback."""
    async with world.store.lock:
        canceled = callbacks.cancel(
            world.store, request.path_params["ident"], None, changed_by="ui"
        )
    return JSON(canceled.to_json())


@admin
async def patch_webhook(request: Request, world: World) -> Response:
    """PATCH /_sandbox/ui/webhooks/{id}: change some webhook fields by hand (secret included)."""
    async with world.store.lock:
        current = world.store.webhook(request.path_params["ident"])
        merged = current.to_json() | await admin_body(request)
        merged.pop("secret_sha256", None)
        fields, problems = read_webhook(merged)
        if problems:
            raise bad_request(problems)
        changed = catalog.replace_webhook(world.store, current.id, fields, None)
    return JSON(changed.to_json())


@admin
async def emit_events(request: Request, world: World) -> Response:
    """POST /_sandbox/events/emit {"callback": id, "count": N}: N `reservation.updated` events
    about one callback (changed_by "system"), for load tests and benchmarks."""
    body = await admin_body(request)
    count = body.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1_000_000:
        raise bad_request([Detail("bad.request", "count", message="count must be 1..1000000")])
    callback = world.store.callback(str(body.get("callback", "")))
    resource = callback.to_json()
    for _ in range(count):
        world.log.append("reservation.updated", "system", resource, callback.queue_id)
    return JSON({"emitted": count, "next_sequence": world.log.next_sequence})
