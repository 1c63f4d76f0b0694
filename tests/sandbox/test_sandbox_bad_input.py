"""Malformed requests get the right status and a Genesys error body, never a 500."""

from __future__ import annotations

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.sandbox.testing import Sandbox, loopback_tls


def _is_error_body(response: httpx.Response) -> bool:
    body = response.json()
    return {"message", "code", "status", "contextId", "details"} <= set(body) and body[
        "status"
    ] == response.status_code


def test_malformed_bodies(api: httpx.Client) -> None:
    """Non-JSON, non-object and oversized bodies are 400/400/413 with error bodies."""
    cases = [
        (api.post("/api/v2/callbacks", content=b"{nope"), 400),
        (api.post("/api/v2/callbacks", json=[1, 2]), 400),
        (api.post("/api/v2/callbacks", content=b"\xff\xfe"), 400),
        (api.post("/api/v2/webhooks", content=b"x" * (1024 * 1024 + 1)), 413),
        (api.patch("/api/v2/queues/queue_12345", json={"slot_minutes": True}), 400),
    ]
    for response, status in cases:
        assert response.status_code == status
        assert _is_error_body(response)


def test_routing_errors(api: httpx.Client) -> None:
    """Unknown paths are 404 and wrong methods 405, both with Genesys bodies."""
    missing = api.get("/api/v2/nothing")
    assert missing.status_code == 404
    assert _is_error_body(missing)
    wrong = api.put("/api/v2/callbacks")
    assert wrong.status_code == 405
    assert _is_error_body(wrong)


def test_bad_headers_and_query_parameters(api: httpx.Client) -> None:
    """A non-numeric If-Match and out-of-range paging are 400, not crashes."""
    response = api.patch(
        "/api/v2/queues/queue_12345", json={"concurrency_limit": 3}, headers={"If-Match": "abc"}
    )
    assert response.status_code == 400
    for params in ({"pageSize": "0"}, {"pageSize": "501"}, {"pageNumber": "0"}, {"pageSize": "x"}):
        paged = api.get("/api/v2/callbacks", params=params)
        assert paged.status_code == 400
        assert _is_error_body(paged)
    quoted = api.patch(
        "/api/v2/queues/queue_12345", json={"concurrency_limit": 3}, headers={"If-Match": '"1"'}
    )
    assert quoted.status_code == 200


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "callback_id",
        "callback_number",
        "time_slot_matrix",
        "channel_preferences",
        "queue_id",
        "reason",
        "concurrency_limit",
        "labels",
        "name",
        "url",
        "events",
        "secret",
        "enabled",
        "operating_hours",
        "holidays",
        "slot_minutes",
        "timezone",
    ]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(field_names, json_values, max_size=8),
    st.sampled_from(["callbacks", "webhooks", "queues"]),
)
def test_random_bodies_never_crash(
    api: httpx.Client, payload: dict[str, object], kind: str
) -> None:
    """Random JSON bodies to every write endpoint answer 2xx or 4xx, never 5xx."""
    if kind == "queues":
        response = api.patch("/api/v2/queues/queue_care_in", json=payload)
    else:
        response = api.post(f"/api/v2/{kind}", json=payload)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert _is_error_body(response)


def test_admin_needs_its_token(sandbox: Sandbox) -> None:
    """The admin surface refuses requests without the admin token."""
    response = httpx.get(
        f"{sandbox.base_url}/_sandbox/state", trust_env=False, verify=loopback_tls()
    )
    assert response.status_code == 401
    assert _is_error_body(response)
    platform = httpx.get(
        f"{sandbox.base_url}/_sandbox/state",
        headers={"Authorization": f"Bearer {sandbox.token()}"},
        trust_env=False,
        verify=loopback_tls(),
    )
    assert platform.status_code == 401


def test_extreme_values_are_refused_not_crashed(sandbox: Sandbox, api: httpx.Client) -> None:
    """Out-of-range instants, clock moves, settings and odd credentials are 4xx, not 500."""
    window = {"start": "0001-01-01T00:00:00+14:00", "end": "2026-12-15T14:15:00-05:00"}
    response = api.post("/api/v2/callbacks", json={"time_slot_matrix": [window]})
    assert response.status_code == 400
    long = {"start": "2026-12-15T14:00:00-05:00", "end": "2027-12-15T14:00:00-05:00"}
    assert api.post("/api/v2/callbacks", json={"time_slot_matrix": [long]}).status_code == 400
    assert sandbox.admin("POST", "/_sandbox/clock", {"advance_seconds": 1e300}).status_code == 400
    assert (
        sandbox.admin("POST", "/_sandbox/clock", {"now": "9999-12-31T00:00:00Z"}).status_code == 400
    )
    assert sandbox.admin("PUT", "/_sandbox/settings", {"max_events": 1e300}).status_code == 400
    odd = httpx.post(
        f"{sandbox.base_url}/oauth/token",
        headers={"Authorization": b"Basic \xff\xfe"},
        data={"grant_type": "client_credentials"},
        trust_env=False,
        verify=loopback_tls(),
    )
    assert odd.status_code == 401
    plain = api.get("/api/v2/callbacks/websocket")
    assert plain.status_code == 426
    assert _is_error_body(plain)
