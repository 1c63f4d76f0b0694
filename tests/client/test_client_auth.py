"""The token cache: the seed's refresh rule, single flight, and one refresh-and-retry on 401."""

from __future__ import annotations

import asyncio

import pytest

from reconciler.client._auth import refresh_time
from reconciler.errors import AuthError
from tests.client.fakes import FakePlatform, error


async def test_token_is_fetched_once_and_reused(platform: FakePlatform) -> None:
    """Several requests inside the token's lifetime share one token."""
    async with platform.client() as client:
        for _ in range(3):
            await client.request("GET", "/api/v2/queues")
    assert platform.token_count == 1
    assert {r.headers["authorization"] for r in platform.api_requests} == {"Bearer tok-1"}


async def test_token_is_refreshed_expires_in_minus_30_seconds_after_issue(
    platform: FakePlatform,
) -> None:
    """A token is used until expires_in - 30 s after issue and replaced from then on."""
    async with platform.client() as client:
        await client.request("GET", "/api/v2/queues")
        platform.time.now += 7200 - 30 - 1
        await client.request("GET", "/api/v2/queues")
        assert platform.token_count == 1
        platform.time.now += 1
        await client.request("GET", "/api/v2/queues")
    assert platform.token_count == 2
    assert platform.api_requests[-1].headers["authorization"] == "Bearer tok-2"


def test_short_lived_tokens_are_refreshed_at_half_life() -> None:
    """A token living less than a minute is refreshed after half its lifetime, not never."""
    assert refresh_time(100.0, 7200) == 100.0 + 7170
    assert refresh_time(100.0, 40) == 120.0


async def test_concurrent_requests_share_one_refresh(platform: FakePlatform) -> None:
    """Twenty requests that need a token at once cause a single token request (single flight)."""
    platform.token_delay = 0.5
    async with platform.client(pacing=False) as client:
        await asyncio.gather(*(client.request("GET", "/api/v2/queues") for _ in range(20)))
    assert platform.token_count == 1
    assert len(platform.api_requests) == 20


async def test_401_refreshes_once_and_retries_once(platform: FakePlatform) -> None:
    """A 401 replaces the token and repeats the request with the new one."""
    platform.script = [error(401, "unauthorized")]
    async with platform.client() as client:
        answer = await client.request("GET", "/api/v2/queues")
    assert answer.status == 200
    assert platform.token_count == 2
    assert [r.headers["authorization"] for r in platform.api_requests] == [
        "Bearer tok-1",
        "Bearer tok-2",
    ]


async def test_second_401_is_an_auth_error(platform: FakePlatform) -> None:
    """When the fresh token is refused too, the client stops and raises AuthError with a hint."""
    platform.script = [error(401, "unauthorized"), error(401, "unauthorized")]
    async with platform.client() as client:
        with pytest.raises(AuthError) as raised:
            await client.request("GET", "/api/v2/queues")
    assert raised.value.status == 401
    assert raised.value.hint
    assert platform.token_count == 2


async def test_parallel_401s_for_one_token_refresh_once(platform: FakePlatform) -> None:
    """Ten requests rejected with the same stale token trigger one refresh between them."""
    async with platform.client(pacing=False) as client:
        await client.request("GET", "/api/v2/queues")  # fetches tok-1
        platform.script = [error(401, "unauthorized") for _ in range(10)]
        platform.token_delay = 0.1
        await asyncio.gather(*(client.request("GET", "/api/v2/queues") for _ in range(10)))
    assert platform.token_count == 2
    assert len(platform.api_requests) == 21


async def test_403_is_an_auth_error_without_a_refresh(platform: FakePlatform) -> None:
    """A missing scope (403) is reported at once with a hint naming the scopes; no refresh."""
    platform.script = [error(403, "missing.scope")]
    async with platform.client() as client:
        with pytest.raises(AuthError) as raised:
            await client.request("POST", "/api/v2/callbacks", json={}, retry_safe=True)
    assert "scope" in (raised.value.hint or "")
    assert platform.token_count == 1
    assert len(platform.api_requests) == 1


async def test_token_request_asks_for_the_granted_scopes_only_when_told(
    platform: FakePlatform,
) -> None:
    """The token request is a Basic-auth client-credentials grant with no scope by default."""
    async with platform.client() as client:
        await client.request("GET", "/api/v2/queues")
    token_request = platform.requests[0]
    assert token_request.headers["authorization"].startswith("Basic ")
    assert token_request.content == b"grant_type=client_credentials"
