"""One span per API call from the client's observer hooks, with retries and waits as events."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from opentelemetry.trace import SpanKind, StatusCode

from reconciler.client import ApiClient, Credentials, FakeTime
from reconciler.core.retry import RetryPolicy
from reconciler.errors import ApiError
from reconciler.telemetry import ApiTelemetry, call_scope, route_template, step
from tests.telemetry.conftest import Captured

Answer = Callable[[httpx.Request], httpx.Response]


def error(status: int, **headers: str) -> httpx.Response:
    body = {"message": "no", "code": "x", "status": status, "contextId": "c", "details": []}
    return httpx.Response(status, json=body, headers=headers)


class Platform:
    """Answers tokens itself and API requests from a script (then 200)."""

    def __init__(self, *script: httpx.Response) -> None:
        self.script = list(script)
        self.sent: list[httpx.Request] = []
        self.tokens = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        if request.url.path == "/oauth/token":
            self.tokens += 1
            return httpx.Response(200, json={"access_token": f"t{self.tokens}", "expires_in": 7200})
        return self.script.pop(0) if self.script else httpx.Response(200, json={"ok": True})

    def client(self, api: ApiTelemetry) -> ApiClient:
        time = FakeTime()
        return ApiClient(
            "http://platform.test",
            Credentials("cid", "csecret"),
            transport=httpx.MockTransport(self.handle),
            clock=time,
            sleeper=time,
            rand=lambda: 0.5,
            policy=RetryPolicy(max_tries=3, base=1.0, cap=8.0),
            observer=api,
            traceparent=api.traceparent,
            pacing=False,
        )

    def traceparents(self, path: str) -> list[str]:
        return [r.headers["traceparent"] for r in self.sent if r.url.path == path]


def spans_named(captured: Captured, name: str) -> list:  # type: ignore[type-arg]
    return [span for span in captured.finished() if span.name == name]


def test_route_template_drops_ids_and_query() -> None:
    """Ids and query strings never reach span names or metric labels."""
    assert route_template("/api/v2/callbacks/cb_9f8e7d6c-5a4b?x=1") == "/api/v2/callbacks/{id}"
    assert route_template("/api/v2/callbacks?queue_id=q1") == "/api/v2/callbacks"
    assert route_template("/api/v2/callbacks/websocket") == "/api/v2/callbacks/websocket"
    assert route_template("/oauth/token") == "/oauth/token"


async def test_each_call_is_one_client_span_whose_traceparent_is_sent(captured: Captured) -> None:
    """The span has method, route and status, is a child of the current span, and its ids go out."""
    platform, api = Platform(), ApiTelemetry()
    with step("gcbctl plan") as parent:
        async with platform.client(api) as client:
            await client.request("GET", "/api/v2/callbacks/cb_1-abc")
    api.close()
    (span,) = spans_named(captured, "GET /api/v2/callbacks/{id}")
    assert span.kind is SpanKind.CLIENT
    assert span.attributes is not None
    assert span.attributes["http.request.method"] == "GET"
    assert span.attributes["url.template"] == "/api/v2/callbacks/{id}"
    assert span.attributes["http.response.status_code"] == 200
    assert span.parent is not None
    assert span.parent.span_id == parent.get_span_context().span_id
    context = span.get_span_context()
    flags = int(context.trace_flags)
    expected = f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags:02x}"
    assert platform.traceparents("/api/v2/callbacks/cb_1-abc") == [expected]


async def test_retries_stay_in_one_span_with_events(captured: Captured) -> None:
    """A 503 then a 200 is one span: resend count 1, a retry event with its backoff, one trace."""
    platform, api = Platform(error(503)), ApiTelemetry()
    async with platform.client(api) as client:
        await client.request("GET", "/api/v2/queues/queue_12345")
    api.close()
    (span,) = spans_named(captured, "GET /api/v2/queues/{id}")
    assert span.attributes is not None
    assert span.attributes["http.request.resend_count"] == 1
    assert span.attributes["http.response.status_code"] == 200
    assert span.status.status_code is not StatusCode.ERROR
    (retry,) = [event for event in span.events if event.name == "retry"]
    assert retry.attributes is not None
    assert retry.attributes["gcbctl.reason"] == "status 503"
    assert float(str(retry.attributes["gcbctl.backoff_s"])) > 0
    sent = platform.traceparents("/api/v2/queues/queue_12345")
    assert len(sent) == 2
    assert len(set(sent)) == 1


async def test_rate_limit_waits_are_events_and_429s_are_counted(captured: Captured) -> None:
    """A 429 with Retry-After shows as a rate-limit wait event and in the 429 counter."""
    platform, api = Platform(error(429, **{"Retry-After": "2"})), ApiTelemetry()
    async with platform.client(api) as client:
        await client.request("GET", "/api/v2/callbacks")
    api.close()
    (span,) = spans_named(captured, "GET /api/v2/callbacks")
    waits = [event for event in span.events if event.name == "rate_limit.wait"]
    assert waits
    assert waits[0].attributes is not None
    assert waits[0].attributes["gcbctl.source"] == "retry-after"
    assert sum(v for _, v in captured.metric_points("gcbctl.api.rate_limited")) == 1
    outcomes = {
        str(a["gcbctl.outcome"]): v for a, v in captured.metric_points("gcbctl.api.requests")
    }
    assert outcomes["rate_limited"] == 1
    assert outcomes["success"] == 1


async def test_a_call_that_gives_up_ends_in_error(captured: Captured) -> None:
    """When every try fails the span still ends, marked as an error, with each retry recorded."""
    platform, api = Platform(error(503), error(503), error(503)), ApiTelemetry()
    async with platform.client(api) as client:
        with pytest.raises(ApiError):
            await client.request("GET", "/api/v2/webhooks")
    assert not spans_named(captured, "GET /api/v2/webhooks")
    api.close()
    (span,) = spans_named(captured, "GET /api/v2/webhooks")
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes is not None
    assert span.attributes["http.request.resend_count"] == 2


async def test_token_refresh_after_401_stays_inside_the_call(captured: Captured) -> None:
    """A 401 refreshes the token and retries: one span for the call, the token request as events."""
    platform, api = Platform(error(401)), ApiTelemetry()
    async with platform.client(api) as client:
        await client.request("DELETE", "/api/v2/callbacks/cb_1-x")
        await client.request("GET", "/api/v2/callbacks")
    api.close()
    (span,) = spans_named(captured, "DELETE /api/v2/callbacks/{id}")
    assert span.attributes is not None
    assert span.attributes["http.response.status_code"] == 200
    assert [e.name for e in span.events] == ["side_request", "side_response"]
    assert len(spans_named(captured, "GET /api/v2/callbacks")) == 1
    assert platform.tokens == 2


async def test_concurrent_calls_get_their_own_spans(captured: Captured) -> None:
    """Calls running at once in separate tasks never share a span or a traceparent."""
    platform, api = Platform(error(503)), ApiTelemetry()
    async with platform.client(api) as client:
        await client.request("GET", "/api/v2/queues")  # fetch the token first
        await asyncio.gather(
            *(client.request("GET", f"/api/v2/callbacks/cb_{n}") for n in range(5))
        )
    api.close()
    spans = spans_named(captured, "GET /api/v2/callbacks/{id}")
    assert len(spans) == 5
    assert len({span.get_span_context().span_id for span in spans}) == 5
    sent = {r.headers["traceparent"] for r in platform.sent if "cb_" in r.url.path}
    assert len(sent) == 5


async def test_call_spans_carry_the_action_they_serve(captured: Captured) -> None:
    """Calls made inside a call scope name the action's resource and queue, task by task."""
    platform, api = Platform(), ApiTelemetry()

    async def act(n: int) -> None:
        with call_scope({"gcbctl.resource": f"ReservationBatch/b/cb_{n}", "gcbctl.queue": "q1"}):
            await client.request("PATCH", f"/api/v2/callbacks/cb_{n}-x")

    async with platform.client(api) as client:
        await asyncio.gather(*(act(n) for n in range(3)))
        await client.request("GET", "/api/v2/queues")
    api.close()
    spans = spans_named(captured, "PATCH /api/v2/callbacks/{id}")
    resources = sorted(str((span.attributes or {})["gcbctl.resource"]) for span in spans)
    assert resources == [f"ReservationBatch/b/cb_{n}" for n in range(3)]
    (outside,) = spans_named(captured, "GET /api/v2/queues")
    assert "gcbctl.resource" not in (outside.attributes or {})
