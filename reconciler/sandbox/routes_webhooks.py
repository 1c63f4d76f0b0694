"""`/api/v2/webhooks` (callback-api.md §5): CRUD with unique names and a write-only secret."""

from __future__ import annotations

from starlette.responses import Response

from reconciler.sandbox import catalog
from reconciler.sandbox.plumbing import JSON, Ctx, api, if_match, json_body, paged
from reconciler.sandbox.problems import bad_request
from reconciler.sandbox.resource_inputs import read_webhook


@api("webhook:read")
async def list_webhooks(ctx: Ctx) -> Response:
    found = [w.to_json() for w in ctx.world.store.webhooks.values()]
    return JSON(paged(ctx.request, found))


@api("webhook:read")
async def get_webhook(ctx: Ctx) -> Response:
    return JSON(ctx.world.store.webhook(ctx.request.path_params["ident"]).to_json())


@api("webhook:write")
async def create_webhook(ctx: Ctx) -> Response:
    """Create a webhook; the answer shows `secret_sha256`, never the secret."""
    fields, problems = read_webhook(await json_body(ctx))
    if problems:
        raise bad_request(problems)
    async with ctx.world.store.lock:
        created = catalog.create_webhook(ctx.world.store, fields)
    return JSON(created.to_json(), status_code=201)


@api("webhook:write")
async def replace_webhook(ctx: Ctx) -> Response:
    """Replace every field; without `secret` the stored secret stays."""
    fields, problems = read_webhook(await json_body(ctx))
    if problems:
        raise bad_request(problems)
    version = if_match(ctx.request)
    async with ctx.world.store.lock:
        ident = ctx.request.path_params["ident"]
        replaced = catalog.replace_webhook(ctx.world.store, ident, fields, version)
    return JSON(replaced.to_json())


@api("webhook:write")
async def delete_webhook(ctx: Ctx) -> Response:
    version = if_match(ctx.request)
    async with ctx.world.store.lock:
        catalog.delete_webhook(ctx.world.store, ctx.request.path_params["ident"], version)
    return Response(status_code=204)
