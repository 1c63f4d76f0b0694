"""Run a sandbox on 127.0.0.1 for a test, in a background thread, and drive its admin surface.

    with running_sandbox(clock="2026-12-01T00:00:00Z") as sb:
        sb.base_url, sb.ws_url, sb.client_id, sb.client_secret, sb.admin_token
        sb.token()                       # an access token for the full-scope client
        sb.advance(3600)                 # move the sandbox clock (lifecycle runs at once)
        sb.fault_http(method="POST", path="/api/v2/callbacks", status=503, times=2)
        sb.admin("GET", "/_sandbox/state").json()

Startup takes a few tens of milliseconds (port 0, no subprocess). The server runs on its own
event loop in a daemon thread; talk to it only over HTTP/WebSocket, never through its objects.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
import threading
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from reconciler.sandbox.clock import SandboxClock, parse_instant
from reconciler.sandbox.fixture import load_fixture
from reconciler.sandbox.server import base_url, bind, make_server, serve
from reconciler.sandbox.settings import DEFAULT_ADMIN_TOKEN, SandboxSettings
from reconciler.sandbox.world import World

FULL_CLIENT = ("gcbctl-sandbox", "sandbox-secret-0000")
READONLY_CLIENT = ("gcbctl-readonly", "readonly-secret-0000")
STARTUP_TIMEOUT = 10.0


class _DaemonExecutor(ThreadPoolExecutor):
    """Runs each call on a daemon thread of its own, which nothing waits for at exit.

    A webhook delivery to a host that cannot be resolved sits in `getaddrinfo` on an executor
    thread for seconds; a pool thread would hold up the end of every `--sandbox` command.
    """

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # handed to the awaiting coroutine
                future.set_exception(exc)

        threading.Thread(target=run, name="gcbctl-sandbox-io", daemon=True).start()
        return future


def _run_without_executor_wait(main: Coroutine[Any, Any, None]) -> None:
    """`asyncio.run`, except that blocking calls (DNS lookups) never hold up closing."""
    loop = asyncio.new_event_loop()
    loop.set_default_executor(_DaemonExecutor())
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(main)
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        asyncio.set_event_loop(None)
        loop.close()


@functools.cache
def loopback_tls() -> ssl.SSLContext:
    """One shared TLS context: httpx builds (slowly) a verifying one per client otherwise.

    The sandbox speaks plain HTTP on loopback, so the context is never used for a handshake.
    """
    return ssl.create_default_context()


def loopback_client(**options: Any) -> httpx.Client:
    """An httpx client for loopback URLs that ignores proxy settings and starts fast."""
    return httpx.Client(trust_env=False, verify=loopback_tls(), timeout=10, **options)


@dataclass
class Sandbox:
    """A running sandbox: where it is, how to log in, and admin helpers (all synchronous)."""

    base_url: str
    admin_token: str
    client_id: str = FULL_CLIENT[0]
    client_secret: str = FULL_CLIENT[1]
    readonly_client_id: str = READONLY_CLIENT[0]
    readonly_client_secret: str = READONLY_CLIENT[1]
    _http: httpx.Client = field(default_factory=loopback_client)

    @property
    def ws_url(self) -> str:
        return "ws" + self.base_url.removeprefix("http") + "/api/v2/callbacks/websocket"

    def token(self, *, scope: str | None = None, readonly: bool = False) -> str:
        """A fresh access token (full client unless `readonly`)."""
        client = (
            (self.readonly_client_id, self.readonly_client_secret)
            if readonly
            else (self.client_id, self.client_secret)
        )
        form = {"grant_type": "client_credentials"} | ({"scope": scope} if scope else {})
        response = self._http.post(f"{self.base_url}/oauth/token", auth=client, data=form)
        response.raise_for_status()
        return str(response.json()["access_token"])

    def admin(self, method: str, path: str, json: Any = None) -> httpx.Response:
        """Call the admin surface (`path` starts with /_sandbox/)."""
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        return self._http.request(method, f"{self.base_url}{path}", json=json, headers=headers)

    def _ok(self, method: str, path: str, json: Any = None) -> Any:
        response = self.admin(method, path, json)
        response.raise_for_status()
        return response.json()

    def state(self) -> dict[str, Any]:
        return dict(self._ok("GET", "/_sandbox/state"))

    def reset(self) -> None:
        self._ok("POST", "/_sandbox/reset")

    def set_clock(self, instant: str) -> None:
        self._ok("POST", "/_sandbox/clock", {"now": instant})

    def advance(self, seconds: float) -> None:
        self._ok("POST", "/_sandbox/clock", {"advance_seconds": seconds})

    def real_clock(self) -> None:
        self._ok("POST", "/_sandbox/clock", {"real": True})

    def settings(self, **values: float) -> dict[str, Any]:
        return dict(self._ok("PUT", "/_sandbox/settings", values))

    def set_rate_limit(self, per_minute: int) -> None:
        self._ok("PUT", "/_sandbox/rate-limit", {"per_minute": per_minute})

    def expire_tokens(self) -> None:
        self._ok("POST", "/_sandbox/tokens/expire")

    def fault_http(self, **rule: Any) -> int:
        """Add an HTTP fault rule (see `routes_faults`); returns its id."""
        return int(self._ok("POST", "/_sandbox/faults/http", rule)["id"])

    def fault_ws(self, kind: str, times: int = 1) -> None:
        """Spoil the next `times` outgoing WebSocket messages: drop, corrupt or truncate."""
        self._ok("POST", "/_sandbox/faults/ws", {"kind": kind, "times": times})

    def clear_faults(self) -> None:
        self._ok("DELETE", "/_sandbox/faults")

    def close_websockets(self, code: int = 1011, reason: str = "test") -> int:
        return int(
            self._ok("POST", "/_sandbox/faults/ws-close", {"code": code, "reason": reason})[
                "closed"
            ]
        )

    def announce_closing(self, in_seconds: int = 60) -> int:
        return int(
            self._ok("POST", "/_sandbox/faults/ws-closing", {"in_seconds": in_seconds})["notified"]
        )

    def ui_patch_callback(self, ident: str, **fields: Any) -> dict[str, Any]:
        """Change a callback "in the UI" (changed_by "ui"); may force status or callback_time."""
        return dict(self._ok("PATCH", f"/_sandbox/ui/callbacks/{ident}", fields))

    def ui_cancel_callback(self, ident: str) -> dict[str, Any]:
        return dict(self._ok("DELETE", f"/_sandbox/ui/callbacks/{ident}"))

    def ui_create_callback(self, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self._ok("POST", "/_sandbox/ui/callbacks", body))

    def ui_patch_queue(self, ident: str, **fields: Any) -> dict[str, Any]:
        return dict(self._ok("PATCH", f"/_sandbox/ui/queues/{ident}", fields))

    def ui_patch_webhook(self, ident: str, **fields: Any) -> dict[str, Any]:
        return dict(self._ok("PATCH", f"/_sandbox/ui/webhooks/{ident}", fields))

    def deliveries(self) -> list[dict[str, Any]]:
        return list(self._ok("GET", "/_sandbox/deliveries")["entities"])

    def connections(self) -> list[dict[str, Any]]:
        return list(self._ok("GET", "/_sandbox/connections")["entities"])

    def close(self) -> None:
        self._http.close()


@contextlib.contextmanager
def running_sandbox(
    *,
    clock: str | None = None,
    rate_limit: int | None = None,
    token_ttl: int | None = None,
    fixture: Path | None = None,
    state: Path | None = None,
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    **settings: float,
) -> Iterator[Sandbox]:
    """A sandbox on 127.0.0.1:<free port> for the duration of the `with` block.

    `clock` is an RFC 3339 instant the sandbox clock starts at (it then runs at real speed), or
    None for real time. Extra keyword arguments are `SandboxSettings` fields, e.g.
    `ack_timeout_seconds=0.2`, `heartbeat_seconds=0.5`, `webhook_backoff_seconds=0.05`.
    """
    chosen = SandboxSettings(admin_token=admin_token)
    chosen.update(
        {"rate_limit_per_minute": rate_limit or 300, "token_ttl_seconds": token_ttl or 7200}
    )
    if rejected := chosen.update(dict(settings)):
        raise TypeError(f"unknown sandbox settings: {', '.join(rejected)}")
    start = parse_instant(clock) if clock and clock != "real" else None
    world = World(
        load_fixture(fixture), settings=chosen, clock=SandboxClock(start), state_path=state
    )
    sock = bind("127.0.0.1", 0)
    server = make_server(world)
    ready = threading.Event()
    thread = threading.Thread(
        target=lambda: _run_without_executor_wait(
            serve(world, sock, server=server, on_ready=lambda _: ready.set())
        ),
        name="gcbctl-sandbox",
        daemon=True,
    )
    thread.start()
    handle = Sandbox(base_url=base_url(sock), admin_token=admin_token)
    try:
        if not ready.wait(STARTUP_TIMEOUT):
            raise RuntimeError("the sandbox did not start within 10 s")
        yield handle
    finally:
        handle.close()  # an open keep-alive connection would hold up uvicorn's shutdown
        server.stop()
        thread.join(timeout=10)
        sock.close()
