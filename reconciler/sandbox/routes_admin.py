"""The admin surface under `/_sandbox/` (callback-api.md §7): state, clock, settings, tokens.

Every admin route needs `Authorization: Bearer <admin token>` (or `X-Sandbox-Admin-Token`) and is
outside the platform's rate limit. Out-of-band "UI" changes and faults live in `routes_ui` and
`routes_faults`. ADMIN.md (next to this module) documents the whole surface.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox.clock import parse_instant
from reconciler.sandbox.plumbing import JSON, world_of
from reconciler.sandbox.problems import Detail, RequestError, bad_request, problem_response
from reconciler.sandbox.records import iso
from reconciler.sandbox.world import World

AdminHandler = Callable[[Request, World], Awaitable[Response]]


def admin(handler: AdminHandler) -> Callable[[Request], Awaitable[Response]]:
    """Check the admin token, then run `handler`; problems become Genesys error bodies."""

    async def endpoint(request: Request) -> Response:
        world = world_of(request)
        given = request.headers.get("x-sandbox-admin-token") or ""
        bearer = request.headers.get("authorization", "")
        if bearer.lower().startswith("bearer "):
            given = given or bearer[7:].strip()
        if not hmac.compare_digest(given.encode(), world.settings.admin_token.encode()):
            message = "The admin surface needs the sandbox admin token."
            return problem_response(
                RequestError(401, "unauthorized", message, (Detail("unauthorized"),))
            )
        try:
            return await handler(request, world)
        except RequestError as problem:
            return problem_response(problem)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


async def admin_body(request: Request) -> dict[str, Any]:
    try:
        value = orjson.loads(await request.body() or b"{}")
    except orjson.JSONDecodeError as exc:
        raise bad_request([Detail("bad.request", "body", message="body is not JSON")]) from exc
    if not isinstance(value, dict):
        raise bad_request([Detail("bad.request", "body", message="body must be a JSON object")])
    return value


async def health(request: Request) -> Response:
    """GET /_sandbox/health (no token): liveness plus the sandbox clock."""
    return JSON({"ok": True, "now": iso(world_of(request).clock.now())})


@admin
async def state(request: Request, world: World) -> Response:
    """GET /_sandbox/state: queues, callbacks, webhooks (secrets as sha256), clock, settings."""
    dump = world.store.dump()
    for webhook in dump["webhooks"]:
        webhook.pop("secret", None)
    dump |= {
        "clock": _clock_json(world),
        "settings": world.settings.as_dict(),
        "next_sequence": world.log.next_sequence,
        "retained_events": len(world.log),
        "clients": [c.client_id for c in world.authority.clients.values()],
    }
    return JSON(dump)


@admin
async def reset(request: Request, world: World) -> Response:
    """POST /_sandbox/reset: back to the fixture; tokens, events, faults and buckets cleared."""
    async with world.store.lock:
        world.reset()
    return JSON({"ok": True})


def _clock_json(world: World) -> dict[str, Any]:
    return {"now": iso(world.clock.now()), "real": world.clock.is_real}


@admin
async def clock(request: Request, world: World) -> Response:
    """GET shows the clock; POST {"now": ISO} | {"advance_seconds": N} | {"real": true} moves it.

    Moving the clock runs the lifecycle at once, so status events are out before this returns.
    """
    if request.method == "POST":
        body = await admin_body(request)
        _move_clock(world, body)
        await world.tick()
    return JSON(_clock_json(world))


def _move_clock(world: World, body: dict[str, Any]) -> None:
    if isinstance(body.get("now"), str):
        try:
            world.clock.set(parse_instant(body["now"]))
        except ValueError as exc:
            raise bad_request(
                [Detail("bad.request", "now", message="now must be RFC 3339")]
            ) from exc
    elif (
        isinstance(body.get("advance_seconds"), int | float) and body["advance_seconds"] is not True
    ):
        try:
            world.clock.advance(float(body["advance_seconds"]))
        except ValueError as exc:
            detail = Detail("bad.request", "advance_seconds", message=str(exc))
            raise bad_request([detail]) from exc
    elif body.get("real") is True:
        world.clock.use_real()
    else:
        message = 'send {"now": ISO}, {"advance_seconds": N} or {"real": true}'
        raise bad_request([Detail("bad.request", "body", message=message)])


@admin
async def settings(request: Request, world: World) -> Response:
    """GET shows the settings; PUT {name: number, ...} changes them (see SandboxSettings)."""
    if request.method == "PUT":
        rejected = world.settings.update(await admin_body(request))
        if rejected:
            problems = [
                Detail("bad.request", name, message=f"{name}: unknown or not a positive number")
                for name in rejected
            ]
            raise bad_request(problems)
        world.wake_all()
    return JSON(world.settings.as_dict())


@admin
async def rate_limit(request: Request, world: World) -> Response:
    """PUT /_sandbox/rate-limit {"per_minute": N}: the bucket size and refill per client."""
    body = await admin_body(request)
    value = body.get("per_minute")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise bad_request([Detail("bad.request", "per_minute", message="per_minute must be >= 1")])
    world.settings.rate_limit_per_minute = value
    world.limiter.reset()
    return JSON({"per_minute": value})


@admin
async def expire_tokens(request: Request, world: World) -> Response:
    """POST /_sandbox/tokens/expire: every access token dies now; open WebSockets close 4401."""
    return JSON({"expired": world.authority.expire_all()})


@admin
async def deliveries(request: Request, world: World) -> Response:
    """GET /_sandbox/deliveries: the last 1,000 webhook delivery attempts and their outcomes."""
    return JSON({"entities": list(world.dispatcher.records)})


@admin
async def connections(request: Request, world: World) -> Response:
    """GET /_sandbox/connections: open WebSockets with their unacknowledged counts."""
    rows = [
        {
            "client_id": c.client_id,
            "unacked": c.outbox.unacked if c.outbox else 0,
            "acked": c.outbox.acked if c.outbox else 0,
            "redelivered": c.outbox.redelivered if c.outbox else 0,
            "cursor": c.outbox.cursor if c.outbox else 0,
        }
        for c in world.connections
    ]
    return JSON({"entities": rows, "retained_events": len(world.log)})
