"""Rate limits: a token bucket per OAuth client, headers on every response, 429 + Retry-After."""

from __future__ import annotations

import httpx

from reconciler.sandbox.testing import Sandbox, loopback_tls, running_sandbox


def test_headers_count_requests(sandbox: Sandbox, api: httpx.Client) -> None:
    """Each response reports the limit, the count used and the seconds to reset."""
    first = api.get("/api/v2/queues")
    second = api.get("/api/v2/queues")
    assert first.headers["inin-ratelimit-allowed"] == "300"
    assert (
        int(second.headers["inin-ratelimit-count"])
        == int(first.headers["inin-ratelimit-count"]) + 1
    )
    assert int(second.headers["inin-ratelimit-reset"]) >= 1
    missing = api.get("/api/v2/queues/nope")
    assert "inin-ratelimit-count" in missing.headers


def test_over_the_limit_is_429_with_retry_after(sandbox: Sandbox) -> None:
    """With 5/min, the 6th request of a client is 429 `too.many.requests` with Retry-After."""
    token = sandbox.token()
    sandbox.set_rate_limit(5)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(
        base_url=sandbox.base_url, headers=headers, trust_env=False, verify=loopback_tls()
    ) as client:
        codes = [client.get("/api/v2/queues").status_code for _ in range(5)]
        refused = client.get("/api/v2/queues")
    assert codes == [200] * 5
    assert refused.status_code == 429
    assert refused.json()["code"] == "too.many.requests"
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.headers["inin-ratelimit-allowed"] == "5"
    other = httpx.get(
        f"{sandbox.base_url}/api/v2/queues",
        headers={"Authorization": f"Bearer {sandbox.token(readonly=True)}"},
        trust_env=False,
        verify=loopback_tls(),
    )
    assert other.status_code == 200, "each OAuth client has its own bucket"


def test_the_rate_limit_flag_sets_the_bucket() -> None:
    """`running_sandbox(rate_limit=N)` (the --rate-limit setting) sizes every bucket."""
    with running_sandbox(rate_limit=2) as sb:
        token = sb.token()
        headers = {"Authorization": f"Bearer {token}"}
        codes = [
            httpx.get(
                f"{sb.base_url}/api/v2/queues",
                headers=headers,
                trust_env=False,
                verify=loopback_tls(),
            ).status_code
            for _ in range(2)
        ]
    assert codes == [200, 429], "the token request itself used one of the two"
