"""OAuth client credentials, scopes, token expiry and the 401/403 rules (callback-api.md §1)."""

from __future__ import annotations

import httpx

from reconciler.sandbox.testing import Sandbox, loopback_tls

FORM = {"grant_type": "client_credentials"}


def _token(sandbox: Sandbox, auth: tuple[str, str], data: dict[str, str]) -> httpx.Response:
    return httpx.post(
        f"{sandbox.base_url}/oauth/token",
        auth=auth,
        data=data,
        trust_env=False,
        verify=loopback_tls(),
    )


def test_token_grants_every_scope_by_default(sandbox: Sandbox) -> None:
    """Without `scope` the token gets every scope of the client, with the default TTL."""
    response = _token(sandbox, (sandbox.client_id, sandbox.client_secret), FORM)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 7200
    assert body["scope"] == "callback:read callback:write webhook:read webhook:write"
    assert response.headers["inin-ratelimit-allowed"] == "300"


def test_seed_form_with_scope_string(sandbox: Sandbox) -> None:
    """The seed's exact body (percent-encoded space-separated scopes) is accepted."""
    raw = "grant_type=client_credentials&scope=callback:read%20callback:write%20webhook:read"
    response = httpx.post(
        f"{sandbox.base_url}/oauth/token",
        auth=(sandbox.client_id, sandbox.client_secret),
        content=raw,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        trust_env=False,
        verify=loopback_tls(),
    )
    assert response.json()["scope"] == "callback:read callback:write webhook:read"


def test_token_errors(sandbox: Sandbox) -> None:
    """Bad secret 401 invalid_client; bad grant, scope or body 400 with the OAuth error."""
    good = (sandbox.client_id, sandbox.client_secret)
    assert _token(sandbox, (sandbox.client_id, "nope"), FORM).json()["error"] == "invalid_client"
    assert _token(sandbox, ("ghost", "x"), FORM).status_code == 401
    bad_grant = _token(sandbox, good, {"grant_type": "password"})
    assert (bad_grant.status_code, bad_grant.json()["error"]) == (400, "unsupported_grant_type")
    readonly = (sandbox.readonly_client_id, sandbox.readonly_client_secret)
    bad_scope = _token(sandbox, readonly, FORM | {"scope": "callback:write"})
    assert (bad_scope.status_code, bad_scope.json()["error"]) == (400, "invalid_scope")
    not_form = httpx.post(
        f"{sandbox.base_url}/oauth/token",
        auth=good,
        json=FORM,
        trust_env=False,
        verify=loopback_tls(),
    )
    assert not_form.json()["error"] == "invalid_request"
    no_auth = httpx.post(
        f"{sandbox.base_url}/oauth/token", data=FORM, trust_env=False, verify=loopback_tls()
    )
    assert no_auth.status_code == 401


def test_missing_unknown_and_expired_tokens_are_401(sandbox: Sandbox) -> None:
    """Requests without a valid Bearer token get 401 `unauthorized` with a Genesys body."""
    url = f"{sandbox.base_url}/api/v2/queues"
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic x"}):
        response = httpx.get(url, headers=headers, trust_env=False, verify=loopback_tls())
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
        assert response.json()["contextId"]
    token = sandbox.token()
    assert httpx.get(
        url, headers={"Authorization": f"Bearer {token}"}, trust_env=False, verify=loopback_tls()
    ).is_success
    sandbox.expire_tokens()
    expired = httpx.get(
        url, headers={"Authorization": f"Bearer {token}"}, trust_env=False, verify=loopback_tls()
    )
    assert expired.status_code == 401


def test_token_ttl_setting_is_reported(sandbox: Sandbox) -> None:
    """The token lifetime setting shows up in `expires_in`."""
    sandbox.settings(token_ttl_seconds=60)
    response = _token(sandbox, (sandbox.client_id, sandbox.client_secret), FORM)
    assert response.json()["expires_in"] == 60


def test_missing_scope_is_403(sandbox: Sandbox) -> None:
    """A read-only token may read but gets 403 `missing.scope` for writes."""
    headers = {"Authorization": f"Bearer {sandbox.token(readonly=True)}"}
    base = sandbox.base_url
    assert httpx.get(
        f"{base}/api/v2/callbacks", headers=headers, trust_env=False, verify=loopback_tls()
    ).is_success
    response = httpx.post(
        f"{base}/api/v2/webhooks", headers=headers, json={}, trust_env=False, verify=loopback_tls()
    )
    assert response.status_code == 403
    assert response.json()["code"] == "missing.scope"
    narrow = {"Authorization": f"Bearer {sandbox.token(scope='webhook:read')}"}
    queues = httpx.get(
        f"{base}/api/v2/queues", headers=narrow, trust_env=False, verify=loopback_tls()
    )
    assert queues.status_code == 403


def test_missing_grant_type_and_empty_body(sandbox: Sandbox) -> None:
    """A form without grant_type is invalid_request; an empty body (the Go seed) gets a token."""
    good = (sandbox.client_id, sandbox.client_secret)
    missing = _token(sandbox, good, {"scope": "callback:read"})
    assert (missing.status_code, missing.json()["error"]) == (400, "invalid_request")
    empty = httpx.post(
        f"{sandbox.base_url}/oauth/token",
        auth=good,
        content=b"",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        trust_env=False,
        verify=loopback_tls(),
    )
    assert empty.status_code == 200
    assert "callback:write" in empty.json()["scope"].split()
