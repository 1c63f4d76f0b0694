"""The WebSocket handshake: auth, scope and query checks before a `StreamSession` takes over.

A refused handshake gets an HTTP error response with a Genesys body (through the ASGI denial
response extension) rather than an opaque close, so a client can tell 401 from 403 from 400.
"""

from __future__ import annotations

import contextlib
import time

from starlette.websockets import WebSocket

from reconciler.sandbox.auth import Grant
from reconciler.sandbox.outbox import Outbox
from reconciler.sandbox.problems import Detail, RequestError, bad_request, problem_response
from reconciler.sandbox.stream import StreamSession
from reconciler.sandbox.world import Connection, World

MAX_BATCH = 100


def _grant(world: World, socket: WebSocket) -> Grant:
    header = socket.headers.get("authorization")
    token = socket.query_params.get("access_token")
    if header is None and token:
        header = f"Bearer {token}"
    grant = world.authority.grant_for(header)
    world.limiter.take(grant.client_id)
    world.authority.require(grant, "callback:read")
    return grant


def _options(world: World, socket: WebSocket) -> tuple[frozenset[str], int | None, int]:
    params = socket.query_params
    queues = frozenset(params.getlist("queue_id"))
    unknown = sorted(q for q in queues if q not in world.store.queues)
    problems = [Detail("bad.request", "queue_id", q, f"queue {q} does not exist") for q in unknown]
    since_raw, batch_raw = params.get("since"), params.get("batch", "1")
    if since_raw is not None and not since_raw.isdigit():
        problems.append(Detail("bad.request", "since", message="since must be a sequence number"))
    if not batch_raw.isdigit() or not 1 <= int(batch_raw) <= MAX_BATCH:
        problems.append(Detail("bad.request", "batch", message=f"batch must be 1..{MAX_BATCH}"))
    if problems:
        raise bad_request(problems)
    return queues, int(since_raw) if since_raw is not None else None, int(batch_raw)


async def _deny(socket: WebSocket, problem: RequestError) -> None:
    if "websocket.http.response" in socket.scope.get("extensions", {}):
        await socket.send_denial_response(problem_response(problem))
    else:
        await socket.close(
            code=4401 if problem.status == 401 else 1008, reason=problem.message[:120]
        )


async def callback_stream(socket: WebSocket) -> None:
    """Serve one subscriber of the reservation event stream."""
    world: World = socket.app.state.world
    try:
        grant = _grant(world, socket)
        queues, since, batch = _options(world, socket)
    except RequestError as problem:
        await _deny(socket, problem)
        return
    await socket.accept()
    remaining = max(0.0, grant.expires_at - time.monotonic())
    conn = Connection(
        grant.token, grant.client_id, time.monotonic() + remaining, batch, world.log.subscribe()
    )
    conn.outbox = Outbox(world.log, world.settings, queues=queues, since=since)
    world.connections.add(conn)
    try:
        await StreamSession(world, socket, conn.outbox, conn).run()
    finally:
        world.connections.discard(conn)
        world.log.unsubscribe(conn.wake)
        with contextlib.suppress(Exception):
            await socket.close(code=1000)
