"""Paging, error mapping, traceparent, the platform clock and pacing as the client uses them."""

from __future__ import annotations

import asyncio
import re

import httpx
import pytest

from reconciler.client import CountingObserver
from reconciler.errors import ConflictError
from tests.client.fakes import FakePlatform, error

TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


def page(entities: list[int], next_uri: str | None) -> httpx.Response:
    return httpx.Response(200, json={"entities": entities, "nextUri": next_uri})


async def test_paginate_follows_next_uri(platform: FakePlatform) -> None:
    """Every entity of every page comes back, in order, following nextUri until null."""
    platform.script = [
        page([1, 2], "/api/v2/callbacks?queue_id=q&pageSize=2&pageNumber=2"),
        page([3], None),
    ]
    async with platform.client() as client:
        got = [e async for e in client.paginate("/api/v2/callbacks", {"queue_id": "q"})]
    assert got == [1, 2, 3]
    first, second = platform.api_requests
    assert first.url.params["pageSize"] == "500"
    assert first.url.params["queue_id"] == "q"
    assert second.url.params["pageNumber"] == "2"


async def test_conflict_maps_to_conflict_error_with_details(platform: FakePlatform) -> None:
    """A 409 callback.duplicate becomes ConflictError keeping code, details and contextId."""
    answer = error(409, "callback.duplicate", "duplicate for +14155550199")
    platform.script = [answer]
    async with platform.client() as client:
        with pytest.raises(ConflictError) as raised:
            await client.request("POST", "/api/v2/callbacks", json={}, retry_safe=True)
    assert raised.value.code == "callback.duplicate"
    assert raised.value.body.context_id == "ctx-1"
    assert "+14155550199" not in raised.value.message
    assert "0199" in raised.value.message


async def test_every_request_carries_a_w3c_traceparent(platform: FakePlatform) -> None:
    """Token and API requests all carry a well-formed traceparent header."""
    async with platform.client() as client:
        await client.request("GET", "/api/v2/queues")
    assert platform.requests
    for request in platform.requests:
        assert TRACEPARENT.match(request.headers["traceparent"])


async def test_traceparent_source_is_pluggable(platform: FakePlatform) -> None:
    """A telemetry-supplied source decides the header value."""
    fixed = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    async with platform.client(traceparent=lambda method, path: fixed) as client:
        await client.request("GET", "/api/v2/queues")
    assert platform.api_requests[0].headers["traceparent"] == fixed


async def test_platform_clock_comes_from_date_header(platform: FakePlatform) -> None:
    """platform_now() is the last Date header advanced by local elapsed time."""
    platform.default = httpx.Response(
        200, json={}, headers={"Date": "Tue, 01 Dec 2026 00:00:00 GMT"}
    )
    async with platform.client() as client:
        assert client.platform_now() is None
        await client.request("GET", "/api/v2/queues")
        platform.time.now += 90
        now = client.platform_now()
    assert now is not None
    assert now.isoformat() == "2026-12-01T00:01:30+00:00"


async def test_pacing_spreads_requests_over_the_window(platform: FakePlatform) -> None:
    """With 10 left of the budget and 10 s to reset, requests are paced about a second apart."""
    headers = {
        "inin-ratelimit-allowed": "100",
        "inin-ratelimit-count": "89",
        "inin-ratelimit-reset": "10",
    }
    platform.default = httpx.Response(200, json={}, headers=headers)
    observer = CountingObserver()
    async with platform.client(observer=observer) as client:
        await client.request("GET", "/api/v2/queues")
        for _ in range(3):
            await client.request("GET", "/api/v2/queues")
    assert 1.5 < observer.paced_seconds < 3.0
    assert observer.statuses[200] == 5  # the token request included


async def test_observer_sees_retries_and_rate_limit_waits(platform: FakePlatform) -> None:
    """The observer hooks report each attempt, each retry and the Retry-After wait."""
    platform.script = [error(429, "too.many.requests", **{"Retry-After": "2"}), error(502, "x")]
    observer = CountingObserver()
    async with platform.client(observer=observer) as client:
        await client.request("GET", "/api/v2/queues")
    assert observer.statuses == {429: 1, 502: 1, 200: 2}  # the token request included
    assert observer.retries == 2
    assert observer.retry_after_seconds == pytest.approx(2.05)


async def test_429_holds_back_parallel_requests(platform: FakePlatform) -> None:
    """After one 429, other requests in flight wait for Retry-After instead of piling on."""
    platform.script = [error(429, "too.many.requests", **{"Retry-After": "5"})]
    async with platform.client() as client:
        await client.request("GET", "/api/v2/queues")
        started = platform.time.now
        await asyncio.gather(*(client.request("GET", "/api/v2/queues") for _ in range(3)))
    assert platform.time.now >= started
    assert len(platform.api_requests) == 5
