"""Spans for gcbctl's own steps (a command, a plan, an action) that never leak personal data.

OpenTelemetry's defaults copy an exception's text into the span (status description and an
`exception` event); gcbctl's error messages can quote API bodies, so `step` turns that off and
records a redacted message instead. Attribute values given as text are redacted too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry.trace import Span, Status, StatusCode
from opentelemetry.util.types import AttributeValue

from reconciler.core.redact import redact_text
from reconciler.errors import GcbctlError
from reconciler.telemetry.providers import tracer


@contextmanager
def step(name: str, attributes: Mapping[str, AttributeValue] | None = None) -> Iterator[Span]:
    """A current span around a block; an error ends it with a redacted ERROR status."""
    with tracer().start_as_current_span(
        name,
        attributes=clean_attributes(attributes or {}),
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield span
        except BaseException as exc:
            mark_failed(span, exc)
            raise


def mark_failed(span: Span, exc: BaseException) -> None:
    """Set ERROR with the error's class and redacted message, and an `exception` event."""
    message = redact_text(exc.message if isinstance(exc, GcbctlError) else str(exc))
    kind = type(exc).__name__
    span.set_status(Status(StatusCode.ERROR, f"{kind}: {message}"))
    span.add_event("exception", {"exception.type": kind, "exception.message": message})
    if isinstance(exc, GcbctlError):
        span.set_attribute("gcbctl.exit_code", exc.exit_code)


def clean_attributes(attributes: Mapping[str, AttributeValue]) -> dict[str, AttributeValue]:
    """Attributes with every text value redacted (numbers masked, credentials removed)."""
    return {
        key: redact_text(value) if isinstance(value, str) else value
        for key, value in attributes.items()
    }
