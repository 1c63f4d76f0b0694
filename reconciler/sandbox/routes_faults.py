"""Scripted faults (`/_sandbox/faults...`): errors, latency, spoiled or closed WebSockets.

POST   /_sandbox/faults/http      {"method": "POST", "path": "/api/v2/callbacks*",
                                   "status": 503, "times": 2, "latency_seconds": 0,
                                   "code": "...", "retry_after": 3}
POST   /_sandbox/faults/ws        {"kind": "drop" | "corrupt" | "truncate", "times": N}
POST   /_sandbox/faults/ws-close  {"code": 1011, "reason": "..."}   close every WebSocket now
POST   /_sandbox/faults/ws-closing {"in_seconds": 60}   send `closing`, close (1001) after that
GET    /_sandbox/faults           the active rules
DELETE /_sandbox/faults           clear every rule
"""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox.faults import WsFault
from reconciler.sandbox.plumbing import JSON
from reconciler.sandbox.problems import Detail, bad_request
from reconciler.sandbox.routes_admin import admin, admin_body
from reconciler.sandbox.world import World


def _int(body: dict[str, object], key: str, default: int, low: int, high: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise bad_request([Detail("bad.request", key, message=f"{key} must be {low}..{high}")])
    return value


@admin
async def list_or_clear(request: Request, world: World) -> Response:
    if request.method == "DELETE":
        world.faults.clear()
    return JSON(world.faults.describe())


@admin
async def add_http(request: Request, world: World) -> Response:
    body = await admin_body(request)
    if "status" in body:
        _int(body, "status", 500, 400, 599)
    _int(body, "times", 1, 0, 1_000_000)
    latency = body.get("latency_seconds", 0)
    if isinstance(latency, bool) or not isinstance(latency, int | float) or not 0 <= latency <= 120:
        raise bad_request(
            [Detail("bad.request", "latency_seconds", message="latency_seconds 0..120")]
        )
    if not isinstance(body.get("code", ""), str) or not isinstance(body.get("path", "*"), str):
        raise bad_request([Detail("bad.request", "code", message="code and path are strings")])
    if "retry_after" in body:
        _int(body, "retry_after", 0, 0, 86_400)
    if not isinstance(body.get("method", "*"), str):
        raise bad_request([Detail("bad.request", "method", message="method is a string")])
    if "status" not in body and not latency:
        raise bad_request(
            [Detail("bad.request", "status", message="give a status, a latency, or both")]
        )
    rule = world.faults.add_http(body)
    return JSON({"id": rule.id}, status_code=201)


@admin
async def add_ws(request: Request, world: World) -> Response:
    body = await admin_body(request)
    kind = body.get("kind")
    if kind not in tuple(WsFault):
        raise bad_request(
            [Detail("bad.request", "kind", message="kind must be drop, corrupt or truncate")]
        )
    world.faults.ws[WsFault(str(kind))] += _int(body, "times", 1, 1, 1_000_000)
    return JSON(world.faults.describe(), status_code=201)


@admin
async def close_sockets(request: Request, world: World) -> Response:
    body = await admin_body(request)
    code = _int(body, "code", 1011, 1000, 4999)
    reason = str(body.get("reason", "closed by the sandbox admin"))[:120]
    for conn in world.connections:
        conn.close_with = (code, reason)
    world.wake_all()
    return JSON({"closed": len(world.connections)})


@admin
async def announce_closing(request: Request, world: World) -> Response:
    seconds = _int(await admin_body(request), "in_seconds", 60, 0, 86_400)
    for conn in world.connections:
        conn.closing_notice = seconds
        conn.closing_at = time.monotonic() + seconds
    world.wake_all()
    return JSON({"notified": len(world.connections)})
