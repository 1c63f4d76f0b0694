"""`/api/v2/queues` and `/api/v2/callbacks` (callback-api.md §3 and §4)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox import callbacks, catalog
from reconciler.sandbox.callback_inputs import read_create, read_patch
from reconciler.sandbox.callbacks import STATUSES
from reconciler.sandbox.plumbing import JSON, Ctx, api, if_match, json_body, paged
from reconciler.sandbox.problems import Detail, RequestError, bad_request
from reconciler.sandbox.records import Callback
from reconciler.sandbox.resource_inputs import QUEUE_FIELDS, read_queue


@api("callback:read")
async def list_queues(ctx: Ctx) -> Response:
    """Queues, optionally only the one with an exact `name`."""
    name = ctx.request.query_params.get("name")
    found = [q.to_json() for q in ctx.world.store.queues.values() if name is None or q.name == name]
    return JSON(paged(ctx.request, found))


@api("callback:read")
async def get_queue(ctx: Ctx) -> Response:
    return JSON(ctx.world.store.queue(ctx.request.path_params["ident"]).to_json())


@api("callback:write")
async def patch_queue(ctx: Ctx) -> Response:
    """Change a queue's callback capacity settings."""
    body = await json_body(ctx)
    changes, problems = read_queue(body, keys=QUEUE_FIELDS)
    if not changes and not problems:
        problems = [Detail("bad.request", "body", message=f"name one of {', '.join(QUEUE_FIELDS)}")]
    if problems:
        raise bad_request(problems)
    version = if_match(ctx.request)
    async with ctx.world.store.lock:
        result = catalog.patch_queue(
            ctx.world.store, ctx.request.path_params["ident"], changes, version
        )
    return JSON(result)


@api("callback:write")
async def create_callback(ctx: Ctx) -> Response:
    """Book a callback in the earliest slot with room of the first window that has one."""
    data, problems = read_create(await json_body(ctx))
    if problems:
        raise bad_request(problems)
    async with ctx.world.store.lock:
        created = callbacks.create(ctx.world.store, data)
    return JSON(created.to_json(), status_code=201)


def _filters(request: Request) -> tuple[set[str], list[tuple[str, str]]]:
    statuses = {s for raw in request.query_params.getlist("status") for s in raw.split(",") if s}
    if any(status not in STATUSES for status in statuses):
        raise bad_request(
            [Detail("bad.request", "status", message=f"status must be in {STATUSES}")]
        )
    labels: list[tuple[str, str]] = []
    for raw in request.query_params.getlist("label"):
        key, sep, value = raw.partition("=")
        if not sep or not key:
            raise bad_request([Detail("bad.request", "label", message="label must be key=value")])
        labels.append((key, value))
    return statuses or set(STATUSES) - {"canceled"}, labels


def _matches(
    callback: Callback, request: Request, statuses: set[str], labels: list[tuple[str, str]]
) -> bool:
    params = request.query_params
    if callback.status not in statuses:
        return False
    if "queue_id" in params and callback.queue_id not in params.getlist("queue_id"):
        return False
    if "callback_id" in params and callback.callback_id != params["callback_id"]:
        return False
    return all(callback.labels.get(key) == value for key, value in labels)


@api("callback:read")
async def list_callbacks(ctx: Ctx) -> Response:
    """Callbacks filtered by queue, status (default: all but canceled), callback_id and labels."""
    statuses, labels = _filters(ctx.request)
    found = [
        c.to_json()
        for c in ctx.world.store.callbacks.values()
        if _matches(c, ctx.request, statuses, labels)
    ]
    return JSON(paged(ctx.request, found))


@api("callback:read")
async def get_callback(ctx: Ctx) -> Response:
    ident = ctx.request.path_params["ident"]
    if ident == "websocket":
        message = "This is the event stream: open it as a WebSocket (Upgrade: websocket)."
        raise RequestError(426, "bad.request", message, headers={"Upgrade": "websocket"})
    return JSON(ctx.world.store.callback(ident).to_json())


@api("callback:write")
async def patch_callback(ctx: Ctx) -> Response:
    """Change a callback; a new `time_slot_matrix` re-books it by the same rules."""
    data, problems = read_patch(await json_body(ctx))
    if problems:
        raise bad_request(problems)
    version = if_match(ctx.request)
    async with ctx.world.store.lock:
        changed = callbacks.update(ctx.world.store, ctx.request.path_params["ident"], data, version)
    return JSON(changed.to_json())


@api("callback:write")
async def cancel_callback(ctx: Ctx) -> Response:
    """Cancel a callback; it stays readable by id with status `canceled`."""
    version = if_match(ctx.request)
    async with ctx.world.store.lock:
        canceled = callbacks.cancel(ctx.world.store, ctx.request.path_params["ident"], version)
    return JSON(canceled.to_json())
