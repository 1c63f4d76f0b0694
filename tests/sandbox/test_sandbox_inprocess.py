"""The sandbox used in-process as an ASGI app, and its background lifecycle ticker."""

from __future__ import annotations

import asyncio

import httpx
from sandbox_helpers import BodyFactory, next_event, open_stream

from reconciler.sandbox import SandboxSettings, create_app
from reconciler.sandbox.clock import SandboxClock, parse_instant
from reconciler.sandbox.testing import Sandbox


async def test_asgi_app_in_process(body: BodyFactory) -> None:
    """create_app() serves the same API through httpx.ASGITransport, clock in the Date header."""
    clock = SandboxClock(parse_instant("2026-12-01T00:00:00Z"))
    app = create_app(clock=clock, settings=SandboxSettings(rate_limit_per_minute=1000))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
        token = await client.post(
            "/oauth/token",
            auth=("gcbctl-sandbox", "sandbox-secret-0000"),
            data={"grant_type": "client_credentials"},
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        created = await client.post("/api/v2/callbacks", json=body(), headers=headers)
        assert created.status_code == 201
        assert created.headers["date"].startswith("Tue, 01 Dec 2026")
        assert created.headers["inin-ratelimit-allowed"] == "1000"
        clock.set(parse_instant("2026-12-15T19:05:00Z"))
        again = await client.get(f"/api/v2/callbacks/{created.json()['id']}", headers=headers)
        assert again.json()["status"] == "connecting", "requests move the lifecycle in-process"


async def test_ticker_moves_the_lifecycle_without_requests(
    sandbox: Sandbox, aapi: httpx.AsyncClient, body: BodyFactory
) -> None:
    """With no request at all, the clock reaching callback_time streams the connecting event."""
    made = (await aapi.post("/api/v2/callbacks", json=body())).json()
    async with open_stream(sandbox) as ws:
        sandbox.set_clock("2026-12-15T18:59:59.700Z")
        event = await next_event(ws, 3.0)
        assert (event.event, event.resource["id"]) == ("reservation.updated", made["id"])
        assert event.resource["status"] == "connecting"
        await asyncio.sleep(0)
