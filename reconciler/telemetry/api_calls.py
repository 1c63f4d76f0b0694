"""One span per API call, built from the HTTP client's observer hooks.

`ApiTelemetry` is both the client's `traceparent` source and its `Observer`
(`reconciler.client.observer`). The client asks for a `traceparent` before every attempt: the first
attempt of a call starts a CLIENT span (a child of whatever span is current, e.g. the command's) and
later attempts of the same call reuse it, so the platform sees one trace context per logical call.
Retries, backoff delays and rate-limit waits become span events; the status, the route template
and the retry count become attributes; durations and outcomes feed the metrics.

The client has no "call finished" hook, so a call whose last answer might still be retried (429,
5xx, 401, network failure) is ended, with the time of that answer, when the same task starts its
next call or when `close()` runs. Nothing here sees bodies; paths are reduced to templates.
"""

from __future__ import annotations

import re
import secrets
import time
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from reconciler.telemetry.metrics import instruments, request_outcome
from reconciler.telemetry.providers import tracer
from reconciler.telemetry.scope import call_attributes

if TYPE_CHECKING:  # `validate` imports telemetry too: it must not pay for loading httpx
    from reconciler.client.observer import RequestInfo

_MAYBE_RETRIED: Final = frozenset({None, 401, 408, 429, 500, 502, 503, 504})
_LITERAL_SEGMENTS: Final = frozenset({"websocket", "token"})
_ID_LIKE: Final = re.compile(r".*\d.*|[0-9a-f-]{16,}")


@lru_cache(maxsize=1024)
def route_template(path: str) -> str:
    """`/api/v2/callbacks/cb_1-2?x=1` -> `/api/v2/callbacks/{id}`: no ids, no query."""
    parts = path.split("?", 1)[0].split("/")
    for index, part in enumerate(parts):
        if index >= 4 and part and part not in _LITERAL_SEGMENTS and _ID_LIKE.fullmatch(part):
            parts[index] = "{id}"
    return "/".join(parts) or "/"


@dataclass(slots=True)
class _Call:
    span: Span
    traceparent: str
    route: str = ""
    method: str = ""
    retries: int = 0
    status: int | None = None
    answered_ns: int | None = None
    retrying: bool = False
    refreshed: bool = False
    open: bool = True


class ApiTelemetry:
    """Pass as `ApiClient(observer=api, traceparent=api.traceparent)`; `close()` when done."""

    def __init__(self) -> None:
        self._current: ContextVar[_Call | None] = ContextVar("gcbctl_api_call", default=None)
        self._calls: dict[str, _Call] = {}

    def traceparent(self, method: str = "", path: str = "") -> str:
        """The `traceparent` for the attempt about to be sent, from the span of its call.

        A new call's span is started with its final name and attributes at once: every later
        change to a span takes its lock and re-checks attributes, at thousands of calls a run.
        """
        call = self._current.get()
        if call is not None and call.open:
            if call.status == 401 and not call.refreshed:
                call.refreshed = call.retrying = True  # the client refreshes its token once
            if call.retrying:
                return call.traceparent
            self._end(call)
        verb, route = method.upper(), route_template(path) if path else ""
        attributes = {**call_attributes(), "http.request.method": verb, "url.template": route}
        name = f"{verb} {route}" if verb else "HTTP"
        span = tracer().start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        context = span.get_span_context()
        if not context.is_valid:
            return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"
        header = f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"
        call = _Call(span=span, traceparent=header, method=verb, route=route)
        self._calls[header] = call
        self._current.set(call)
        return header

    def on_request_start(self, info: RequestInfo) -> None:
        call = self._call_for(info)
        if call is None:
            return
        if self._is_side_request(call, info):
            call.span.add_event("side_request", _request_attributes(info))
            return
        call.retrying = False

    def on_response(self, info: RequestInfo, status: int | None, elapsed: float) -> None:
        labels = (
            ("http.request.method", info.method.upper()),
            ("url.template", route_template(info.path)),
        )
        outcome = ("gcbctl.outcome", request_outcome(status))
        tools = instruments()
        tools.api_duration.record(elapsed, dict((*labels, outcome)))
        tools.api_requests.add((*labels, outcome))
        if status == 429:
            tools.api_rate_limited.add(labels)
        call = self._call_for(info)
        if call is None:
            return
        if self._is_side_request(call, info):
            call.span.add_event(
                "side_response",
                {**_request_attributes(info), "http.response.status_code": status or 0},
            )
            return
        call.status, call.answered_ns = status, time.time_ns()
        if status is not None:
            call.span.set_attribute("http.response.status_code", status)
        if status not in _MAYBE_RETRIED:
            self._end(call)

    def on_retry(self, info: RequestInfo, delay: float, reason: str) -> None:
        instruments().api_retries.add((("url.template", route_template(info.path)),))
        call = self._call_for(info)
        if call is None:
            return
        call.retries += 1
        call.retrying = True
        call.span.set_attribute("http.request.resend_count", call.retries)
        call.span.add_event(
            "retry",
            {"gcbctl.attempt": info.attempt, "gcbctl.backoff_s": delay, "gcbctl.reason": reason},
        )

    def on_rate_limit_wait(self, info: RequestInfo, delay: float, source: str) -> None:
        call = self._call_for(info)
        if call is not None:
            call.span.add_event(
                "rate_limit.wait", {"gcbctl.wait_s": delay, "gcbctl.source": source}
            )

    def close(self) -> None:
        """End every span still open (calls whose last answer could have been retried)."""
        for call in list(self._calls.values()):
            self._end(call)

    def _call_for(self, info: RequestInfo) -> _Call | None:
        return self._calls.get(info.traceparent)

    @staticmethod
    def _is_side_request(call: _Call, info: RequestInfo) -> bool:
        """A request sent while a call waits to retry (a token refresh) under the call's context."""
        if not call.method:
            return False
        return (info.method.upper(), route_template(info.path)) != (call.method, call.route)

    def _end(self, call: _Call) -> None:
        if not call.open:
            return
        call.open = False
        self._calls.pop(call.traceparent, None)
        if call.status is None or call.status >= 400:
            reason = "no answer" if call.status is None else f"status {call.status}"
            call.span.set_status(Status(StatusCode.ERROR, reason))
        call.span.end(end_time=call.answered_ns)


def _request_attributes(info: RequestInfo) -> dict[str, str]:
    return {"http.request.method": info.method.upper(), "url.template": route_template(info.path)}


def current_trace_id() -> str | None:
    """The trace id of the current span as 32 hex digits, if there is one."""
    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None
