"""Where the W3C `traceparent` header of each API request comes from.

Telemetry plugs in through `TraceparentSource`: a callable given the method and path of the
request about to be sent and returning its header value (telemetry names its span from them).
The default asks the OpenTelemetry API (not the SDK) for the current span context, so when the
CLI has set up tracing every request joins the active trace; without an active span it makes up
a fresh, valid trace so the platform can still correlate the request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from opentelemetry import trace

TraceparentSource = Callable[[str, str], str]


def random_traceparent() -> str:
    """A new sampled trace with a random trace id and span id."""
    return f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"


def current_traceparent(method: str = "", path: str = "") -> str:
    """The active OpenTelemetry span as a `traceparent`, or a fresh random one without a span."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return random_traceparent()
    flags = int(context.trace_flags) & 0xFF
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{flags:02x}"
