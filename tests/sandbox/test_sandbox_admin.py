"""The admin surface: state dump, reset, clock control, settings, faults and UI changes (§7)."""

from __future__ import annotations

import time

import httpx
from sandbox_helpers import BodyFactory

from reconciler.sandbox.testing import Sandbox


def test_state_dump_hides_secrets(sandbox: Sandbox, api: httpx.Client, body: BodyFactory) -> None:
    """The dump has every object and the clock, but webhook secrets only as sha256."""
    api.post(
        "/api/v2/webhooks",
        json={"name": "w", "url": "https://w.example.com/", "secret": "s3cret-value"},
    )
    api.post("/api/v2/callbacks", json=body())
    response = sandbox.admin("GET", "/_sandbox/state")
    assert "s3cret-value" not in response.text
    state = response.json()
    assert (len(state["queues"]), len(state["callbacks"]), len(state["webhooks"])) == (4, 1, 1)
    assert state["clock"]["real"] is False
    assert state["clients"] == ["gcbctl-sandbox", "gcbctl-readonly"]


def test_reset_returns_to_the_fixture(
    sandbox: Sandbox, api: httpx.Client, body: BodyFactory
) -> None:
    """Reset drops callbacks, webhooks and tokens, and restores fixture queues."""
    api.post("/api/v2/callbacks", json=body())
    api.patch("/api/v2/queues/queue_12345", json={"concurrency_limit": 2})
    sandbox.reset()
    state = sandbox.state()
    assert state["callbacks"] == []
    assert next(q for q in state["queues"] if q["id"] == "queue_12345")["concurrency_limit"] == 10
    assert api.get("/api/v2/queues").status_code == 401


def test_clock_set_advance_and_real(sandbox: Sandbox) -> None:
    """The clock can be set, advanced and returned to real time, and runs forward meanwhile."""
    sandbox.set_clock("2027-01-05T12:00:00Z")
    assert sandbox.state()["clock"]["now"].startswith("2027-01-05T12:00:0")
    sandbox.advance(3600)
    assert sandbox.state()["clock"]["now"].startswith("2027-01-05T13:00:0")
    sandbox.real_clock()
    clock = sandbox.state()["clock"]
    assert clock["real"] is True
    assert clock["now"][:4] == time.strftime("%Y", time.gmtime())
    bad = sandbox.admin("POST", "/_sandbox/clock", {"now": "yesterday"})
    assert bad.status_code == 400
    assert sandbox.admin("POST", "/_sandbox/clock", {}).status_code == 400


def test_settings_are_checked(sandbox: Sandbox) -> None:
    """Known numeric settings change; unknown names and non-positive values are 400."""
    assert sandbox.settings(ack_timeout_seconds=2.5)["ack_timeout_seconds"] == 2.5
    refused = sandbox.admin("PUT", "/_sandbox/settings", {"admin_token": 1, "max_unacked": -1})
    assert refused.status_code == 400
    assert {d["fieldName"] for d in refused.json()["details"]} == {"admin_token", "max_unacked"}
    assert sandbox.admin("PUT", "/_sandbox/rate-limit", {"per_minute": 0}).status_code == 400


def test_http_faults_fire_n_times(sandbox: Sandbox, api: httpx.Client) -> None:
    """A status fault answers N matching requests with the status and Retry-After, then stops."""
    sandbox.fault_http(method="GET", path="/api/v2/queues*", status=503, times=2, retry_after=3)
    first, second, third = (api.get("/api/v2/queues") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
    assert first.headers["retry-after"] == "3"
    assert first.json()["code"] == "internal.server.error"
    assert "inin-ratelimit-count" in first.headers
    assert api.post("/api/v2/callbacks", json={}).status_code == 400, "other methods unaffected"
    assert sandbox.admin("GET", "/_sandbox/faults").json()["http"][0]["hits"] == 2


def test_latency_fault_and_clearing(sandbox: Sandbox, api: httpx.Client) -> None:
    """A latency fault delays matching requests; clearing faults removes every rule."""
    sandbox.fault_http(path="/api/v2/callbacks", latency_seconds=0.3, times=0)
    started = time.monotonic()
    assert api.get("/api/v2/callbacks").status_code == 200
    assert time.monotonic() - started >= 0.3
    sandbox.clear_faults()
    started = time.monotonic()
    api.get("/api/v2/callbacks")
    assert time.monotonic() - started < 0.3
    assert sandbox.admin("POST", "/_sandbox/faults/http", {"path": "/x"}).status_code == 400
    assert sandbox.admin("POST", "/_sandbox/faults/ws", {"kind": "melt"}).status_code == 400


def test_ui_changes_on_callbacks(sandbox: Sandbox, api: httpx.Client, body: BodyFactory) -> None:
    """The UI can edit, move, force a status on and cancel callbacks; versions move."""
    made = api.post("/api/v2/callbacks", json=body()).json()
    moved = sandbox.ui_patch_callback(
        made["id"], callback_time="2026-12-16T15:00:00Z", reason="moved by agent"
    )
    assert (moved["callback_time"], moved["reason"]) == (
        "2026-12-16T15:00:00.000Z",
        "moved by agent",
    )
    failed = sandbox.ui_patch_callback(made["id"], status="failed")
    assert failed["status"] == "failed"
    other = api.post("/api/v2/callbacks", json=body(callback_id="cb_2")).json()
    assert sandbox.ui_cancel_callback(other["id"])["status"] == "canceled"
    created = sandbox.ui_create_callback(body(callback_id="cb_ui"))
    assert created["status"] == "scheduled"
    assert (
        sandbox.admin(
            "PATCH", f"/_sandbox/ui/callbacks/{made['id']}", {"status": "lost"}
        ).status_code
        == 400
    )


def test_ui_changes_on_queues_and_webhooks(sandbox: Sandbox, api: httpx.Client) -> None:
    """The UI can add a queue, change one, and edit a webhook (including its secret)."""
    queue = {
        "id": "queue_new",
        "name": "New Queue",
        "timezone": "UTC",
        "operating_hours": [{"days": ["mon"], "open": "09:00", "close": "10:00"}],
        "holidays": [],
        "slot_minutes": 60,
        "concurrency_limit": 1,
    }
    assert sandbox.admin("POST", "/_sandbox/ui/queues", queue).status_code == 201
    assert sandbox.admin("POST", "/_sandbox/ui/queues", queue).status_code == 409
    assert api.get("/api/v2/queues/queue_new").json()["name"] == "New Queue"
    assert sandbox.ui_patch_queue("queue_new", concurrency_limit=4)["concurrency_limit"] == 4
    hook = api.post("/api/v2/webhooks", json={"name": "w", "url": "https://w.example.com/"}).json()
    changed = sandbox.ui_patch_webhook(hook["id"], enabled=False, secret="new")
    assert changed["enabled"] is False
    assert changed["secret_sha256"] is not None
