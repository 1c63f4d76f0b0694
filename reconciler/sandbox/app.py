"""The sandbox as an ASGI application: routes, the `Date` header, and the last-resort handlers.

`create_app()` is the in-process way to use the sandbox (e.g. with `httpx.ASGITransport`); the
server module serves the same app on a socket. Unknown paths, wrong methods and unexpected
exceptions all answer with Genesys error bodies, never with a traceback.
"""

from __future__ import annotations

import contextlib
import email.utils
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reconciler.sandbox import routes_admin as admin
from reconciler.sandbox import routes_callbacks as cb
from reconciler.sandbox import routes_faults as faults
from reconciler.sandbox import routes_ui as ui
from reconciler.sandbox import routes_webhooks as wh
from reconciler.sandbox.clock import SandboxClock
from reconciler.sandbox.fixture import load_fixture
from reconciler.sandbox.problems import (
    CORRELATION_HEADER,
    Detail,
    RequestError,
    problem_response,
)
from reconciler.sandbox.routes_oauth import token
from reconciler.sandbox.routes_stream import callback_stream
from reconciler.sandbox.settings import SandboxSettings
from reconciler.sandbox.world import World

_CORRELATION = CORRELATION_HEADER.lower().encode()

ROUTES = [
    Route("/oauth/token", token, methods=["POST"]),
    Route("/api/v2/queues", cb.list_queues, methods=["GET"]),
    Route("/api/v2/queues/{ident}", cb.get_queue, methods=["GET"]),
    Route("/api/v2/queues/{ident}", cb.patch_queue, methods=["PATCH"]),
    WebSocketRoute("/api/v2/callbacks/websocket", callback_stream),
    Route("/api/v2/callbacks", cb.list_callbacks, methods=["GET"]),
    Route("/api/v2/callbacks", cb.create_callback, methods=["POST"]),
    Route("/api/v2/callbacks/{ident}", cb.get_callback, methods=["GET"]),
    Route("/api/v2/callbacks/{ident}", cb.patch_callback, methods=["PATCH"]),
    Route("/api/v2/callbacks/{ident}", cb.cancel_callback, methods=["DELETE"]),
    Route("/api/v2/webhooks", wh.list_webhooks, methods=["GET"]),
    Route("/api/v2/webhooks", wh.create_webhook, methods=["POST"]),
    Route("/api/v2/webhooks/{ident}", wh.get_webhook, methods=["GET"]),
    Route("/api/v2/webhooks/{ident}", wh.replace_webhook, methods=["PUT"]),
    Route("/api/v2/webhooks/{ident}", wh.delete_webhook, methods=["DELETE"]),
    Route("/_sandbox/health", admin.health, methods=["GET"]),
    Route("/_sandbox/state", admin.state, methods=["GET"]),
    Route("/_sandbox/reset", admin.reset, methods=["POST"]),
    Route("/_sandbox/clock", admin.clock, methods=["GET", "POST"]),
    Route("/_sandbox/settings", admin.settings, methods=["GET", "PUT"]),
    Route("/_sandbox/rate-limit", admin.rate_limit, methods=["PUT"]),
    Route("/_sandbox/tokens/expire", admin.expire_tokens, methods=["POST"]),
    Route("/_sandbox/deliveries", admin.deliveries, methods=["GET"]),
    Route("/_sandbox/connections", admin.connections, methods=["GET"]),
    Route("/_sandbox/faults", faults.list_or_clear, methods=["GET", "DELETE"]),
    Route("/_sandbox/faults/http", faults.add_http, methods=["POST"]),
    Route("/_sandbox/faults/ws", faults.add_ws, methods=["POST"]),
    Route("/_sandbox/faults/ws-close", faults.close_sockets, methods=["POST"]),
    Route("/_sandbox/faults/ws-closing", faults.announce_closing, methods=["POST"]),
    Route("/_sandbox/ui/queues", ui.create_queue, methods=["POST"]),
    Route("/_sandbox/ui/queues/{ident}", ui.patch_queue, methods=["PATCH"]),
    Route("/_sandbox/ui/callbacks", ui.create_callback, methods=["POST"]),
    Route("/_sandbox/ui/callbacks/{ident}", ui.patch_callback, methods=["PATCH"]),
    Route("/_sandbox/ui/callbacks/{ident}", ui.cancel_callback, methods=["DELETE"]),
    Route("/_sandbox/ui/webhooks/{ident}", ui.patch_webhook, methods=["PATCH"]),
    Route("/_sandbox/events/emit", ui.emit_events, methods=["POST"]),
]


class PlatformHeaders:
    """Stamps every HTTP response (refused WebSocket handshakes too) with `Date` from the sandbox
    clock and, where the answer has none yet, a fresh `ININ-Correlation-Id` (Genesys Cloud puts
    one on every answer, and clients log it)."""

    def __init__(self, app: ASGIApp, clock: SandboxClock) -> None:
        self.app, self.clock = app, clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return

        async def stamped(message: Message) -> None:
            if message["type"] in ("http.response.start", "websocket.http.response.start"):
                date = email.utils.format_datetime(self.clock.now(), usegmt=True)
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                if not any(k.lower() == _CORRELATION for k, _ in headers):
                    headers.append((_CORRELATION, str(uuid.uuid4()).encode()))
                message["headers"] = [*headers, (b"date", date.encode())]
            await send(message)

        await self.app(scope, receive, stamped)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code = {404: "not.found", 405: "bad.request"}.get(status, "bad.request")
    message = f"{request.method} {request.url.path} is not part of the API."
    if status == 405:
        message = f"{request.method} is not allowed on {request.url.path}."
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else {}
    return problem_response(RequestError(status, code, message, (Detail(code),), headers))


async def _crash(request: Request, exc: Exception) -> Response:
    message = "The sandbox failed to handle this request; it has been logged."
    return problem_response(RequestError(500, "internal.server.error", message))


def create_app(
    world: World | None = None,
    *,
    fixture: dict[str, Any] | None = None,
    settings: SandboxSettings | None = None,
    clock: SandboxClock | None = None,
    state_path: Path | None = None,
) -> Starlette:
    """The sandbox ASGI app; pass a `World` to share it, or let one be built from the fixture."""
    if world is None:
        world = World(
            fixture or load_fixture(), settings=settings, clock=clock, state_path=state_path
        )
    shared = world

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await shared.start()
        try:
            yield
        finally:
            await shared.stop()

    app = Starlette(
        routes=ROUTES,
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error, Exception: _crash},
        middleware=[],
    )
    app.state.world = shared
    app.add_middleware(PlatformHeaders, clock=shared.clock)
    return app
