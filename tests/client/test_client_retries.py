"""Retries: 429 with Retry-After, 5xx with capped full-jitter backoff, network failures."""

from __future__ import annotations

import httpx
import pytest

from reconciler.core.retry import RetryPolicy
from reconciler.errors import ApiError, RateLimitedError, TransportError
from tests.client.fakes import FakePlatform, error


async def test_429_waits_for_retry_after_then_succeeds(platform: FakePlatform) -> None:
    """A 429 is repeated after the server's Retry-After (plus at most 0.1 s of jitter)."""
    platform.script = [error(429, "too.many.requests", **{"Retry-After": "3"})]
    async with platform.client(pacing=False) as client:
        answer = await client.request("POST", "/api/v2/callbacks", json={}, retry_safe=False)
    assert answer.status == 200
    assert len(platform.api_requests) == 2
    assert platform.time.slept == [pytest.approx(3.05)]


async def test_429_beyond_max_tries_is_rate_limited_error(platform: FakePlatform) -> None:
    """When every try meets 429 the caller gets RateLimitedError carrying Retry-After."""
    platform.script = [error(429, "too.many.requests", **{"Retry-After": "1"}) for _ in range(9)]
    async with platform.client(pacing=False) as client:
        with pytest.raises(RateLimitedError) as raised:
            await client.request("GET", "/api/v2/queues")
    assert raised.value.retry_after == 1.0
    assert len(platform.api_requests) == 5


async def test_5xx_backs_off_exponentially_with_jitter_and_cap(platform: FakePlatform) -> None:
    """503s are retried after rand * min(cap, base * 2**n): 0.5, 1, 2, 4 with rand=0.5, cap 8."""
    platform.script = [error(503, "internal.server.error") for _ in range(4)]
    async with platform.client(pacing=False) as client:
        answer = await client.request("GET", "/api/v2/queues")
    assert answer.status == 200
    assert platform.time.slept == [0.5, 1.0, 2.0, 4.0]


async def test_backoff_is_capped(platform: FakePlatform) -> None:
    """No backoff wait exceeds the policy's cap, however many tries."""
    platform.script = [error(500, "internal.server.error") for _ in range(9)]
    policy = RetryPolicy(max_tries=10, base=1.0, cap=3.0)
    async with platform.client(pacing=False, policy=policy) as client:
        await client.request("GET", "/api/v2/queues")
    assert max(platform.time.slept) == 1.5  # rand 0.5 * cap 3


async def test_5xx_after_max_tries_is_api_error_with_context(platform: FakePlatform) -> None:
    """The final 500 surfaces as ApiError with the platform's code and contextId."""
    platform.script = [error(500, "internal.server.error") for _ in range(5)]
    async with platform.client(pacing=False) as client:
        with pytest.raises(ApiError) as raised:
            await client.request("GET", "/api/v2/queues")
    assert raised.value.code == "internal.server.error"
    assert "ctx-1" in raised.value.message
    assert len(platform.api_requests) == 5


async def test_unsafe_request_is_not_repeated_after_a_5xx(platform: FakePlatform) -> None:
    """A 500 to a request marked unsafe is reported, not sent again."""
    platform.script = [error(500, "internal.server.error")]
    async with platform.client(pacing=False) as client:
        with pytest.raises(ApiError):
            await client.request("POST", "/api/v2/webhooks", json={}, retry_safe=False)
    assert len(platform.api_requests) == 1


async def test_connection_reset_is_retried_for_safe_requests(platform: FakePlatform) -> None:
    """A read error on a retry-safe request is retried and the answer returned."""
    request = httpx.Request("GET", "http://platform.test/")
    platform.script = [httpx.ReadError("reset", request=request)]
    async with platform.client(pacing=False) as client:
        answer = await client.request("POST", "/api/v2/callbacks", json={}, retry_safe=True)
    assert answer.status == 200
    assert len(platform.api_requests) == 2


async def test_unsafe_request_is_retried_only_when_never_sent(platform: FakePlatform) -> None:
    """A connect error is retried even for unsafe requests; a read error is not."""
    request = httpx.Request("GET", "http://platform.test/")
    platform.script = [
        httpx.ConnectError("refused", request=request),
        httpx.ReadError("reset", request=request),
    ]
    async with platform.client(pacing=False) as client:
        with pytest.raises(TransportError) as raised:
            await client.request("POST", "/api/v2/webhooks", json={}, retry_safe=False)
    assert isinstance(raised.value.__cause__, httpx.ReadError)
    assert len(platform.api_requests) == 2


async def test_network_down_is_transport_error_after_max_tries(platform: FakePlatform) -> None:
    """When every try fails to connect the caller gets TransportError with a hint."""
    request = httpx.Request("GET", "http://platform.test/")
    platform.script = [httpx.ConnectError("refused", request=request) for _ in range(5)]
    async with platform.client(pacing=False) as client:
        with pytest.raises(TransportError) as raised:
            await client.request("GET", "/api/v2/queues")
    assert "5 tries" in raised.value.message
    assert raised.value.hint
