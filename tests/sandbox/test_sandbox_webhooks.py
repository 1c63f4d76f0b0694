"""Webhooks: CRUD, unique names, the write-only secret, and real signed deliveries with retries."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sandbox_helpers import BodyFactory

from reconciler.sandbox.testing import Sandbox

SECRET = "calendar-secret-1"


@dataclass
class Receiver:
    """A local HTTP endpoint that records deliveries and can fail the first N of them."""

    url: str = ""
    fail_first: int = 0
    seen: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.seen) >= count:
                    return list(self.seen)
            time.sleep(0.01)
        raise AssertionError(f"expected {count} deliveries, got {len(self.seen)}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """An HTTP server on 127.0.0.1 that records every POST it gets."""
    state = Receiver()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            with state.lock:
                state.seen.append({"headers": dict(self.headers), "raw": raw})
                failing = len(state.seen) <= state.fail_first
            self.send_response(500 if failing else 204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _webhook(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": "calendar-sync",
        "url": url,
        "content_type": "application/json",
        "enabled": True,
    } | extra


def test_crud_and_write_only_secret(api: httpx.Client) -> None:
    """Create/get/list/put/delete; the secret never comes back, its sha256 does."""
    created = api.post(
        "/api/v2/webhooks", json=_webhook("https://calendar.example.com/h", secret=SECRET)
    )
    assert created.status_code == 201
    hook = created.json()
    assert "secret" not in hook
    assert hook["secret_sha256"] == hashlib.sha256(SECRET.encode()).hexdigest()
    assert hook["events"] == [
        "reservation.created",
        "reservation.updated",
        "reservation.canceled",
        "reservation.completed",
        "queue.updated",
    ]
    assert api.get(f"/api/v2/webhooks/{hook['id']}").json() == hook
    assert api.get("/api/v2/webhooks").json()["total"] == 1
    put = api.put(
        f"/api/v2/webhooks/{hook['id']}",
        json=_webhook("https://x.example.com/", enabled=False),
        headers={"If-Match": "1"},
    )
    assert put.status_code == 200
    assert (put.json()["secret_sha256"], put.json()["enabled"], put.json()["version"]) == (
        hook["secret_sha256"],
        False,
        2,
    )
    assert (
        api.put(
            f"/api/v2/webhooks/{hook['id']}",
            json=_webhook("https://x.example.com/"),
            headers={"If-Match": "1"},
        ).status_code
        == 409
    )
    assert SECRET not in api.get("/api/v2/webhooks").text
    assert api.delete(f"/api/v2/webhooks/{hook['id']}").status_code == 204
    assert api.get(f"/api/v2/webhooks/{hook['id']}").status_code == 404


def test_names_are_unique_and_fields_checked(api: httpx.Client) -> None:
    """A second webhook with the same name is 409; bad URL/events/enabled are 400."""
    assert api.post("/api/v2/webhooks", json=_webhook("https://a.example.com/")).status_code == 201
    duplicate = api.post("/api/v2/webhooks", json=_webhook("https://b.example.com/"))
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "webhook.duplicate")
    bad = api.post(
        "/api/v2/webhooks",
        json={"name": "x", "url": "http://evil.example.com/", "events": ["nope"], "enabled": "yes"},
    )
    assert bad.status_code == 400
    assert {d["fieldName"] for d in bad.json()["details"]} == {"url", "events", "enabled"}


def _verify(delivery: dict[str, Any]) -> dict[str, Any]:
    expected = "sha256=" + hmac.new(SECRET.encode(), delivery["raw"], hashlib.sha256).hexdigest()
    assert delivery["headers"]["X-Webhook-Signature"] == expected
    body: dict[str, Any] = json.loads(delivery["raw"])
    assert delivery["headers"]["X-Webhook-Delivery"] == body["id"]
    return body


def test_deliveries_are_signed(api: httpx.Client, body: BodyFactory, receiver: Receiver) -> None:
    """Each subscribed event is POSTed with id/event/occurred_at/data and a valid HMAC signature."""
    hook = api.post(
        "/api/v2/webhooks",
        json=_webhook(
            receiver.url, secret=SECRET, events=["reservation.created", "reservation.canceled"]
        ),
    ).json()
    made = api.post("/api/v2/callbacks", json=body()).json()
    api.patch(f"/api/v2/callbacks/{made['id']}", json={"reason": "not subscribed"})
    api.delete(f"/api/v2/callbacks/{made['id']}")
    seen = receiver.wait_for(2)
    bodies = [_verify(d) for d in seen]
    assert [b["event"] for b in bodies] == ["reservation.created", "reservation.canceled"]
    assert bodies[0]["data"]["id"] == made["id"]
    assert seen[0]["headers"]["X-Webhook-Id"] == hook["id"]
    assert bodies[0]["occurred_at"].endswith("Z")
    time.sleep(0.2)
    assert len(receiver.seen) == 2, "the update was not subscribed"


def test_failed_deliveries_are_retried(
    sandbox: Sandbox, api: httpx.Client, body: BodyFactory, receiver: Receiver
) -> None:
    """A receiver answering 500 twice gets the same delivery a third time, then it stops."""
    sandbox.settings(webhook_backoff_seconds=0.05)
    receiver.fail_first = 2
    api.post(
        "/api/v2/webhooks",
        json=_webhook(receiver.url, secret=SECRET, events=["reservation.created"]),
    )
    api.post("/api/v2/callbacks", json=body())
    seen = receiver.wait_for(3)
    assert len({d["headers"]["X-Webhook-Delivery"] for d in seen}) == 1
    deadline = time.monotonic() + 5
    while len(sandbox.deliveries()) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [r["outcome"] for r in sandbox.deliveries()] == ["500", "500", "204"]


def test_disabled_webhooks_get_nothing(
    api: httpx.Client, body: BodyFactory, receiver: Receiver
) -> None:
    """A disabled webhook receives no deliveries; a queue change reaches an enabled one."""
    api.post("/api/v2/webhooks", json=_webhook(receiver.url, enabled=False))
    api.post(
        "/api/v2/webhooks", json=_webhook(receiver.url, name="queues", events=["queue.updated"])
    )
    api.post("/api/v2/callbacks", json=body())
    api.patch("/api/v2/queues/queue_12345", json={"concurrency_limit": 9})
    seen = receiver.wait_for(1)
    time.sleep(0.2)
    assert len(receiver.seen) == 1
    assert json.loads(seen[0]["raw"])["event"] == "queue.updated"
    assert "X-Webhook-Signature" not in seen[0]["headers"]
