"""OpenTelemetry for gcbctl, through the API only (DESIGN.md §8).

`ApiTelemetry` turns the HTTP client's observer hooks into one span per API call; `step` wraps
gcbctl's own steps in spans that never carry personal data; `metrics` holds the instruments. The
SDK is set up by `reconciler.telemetry.sdk`, which only the CLI imports: library code never
decides where telemetry goes.
"""

from reconciler.telemetry.api_calls import ApiTelemetry, current_trace_id, route_template
from reconciler.telemetry.metrics import record_action, record_apply_duration
from reconciler.telemetry.providers import meter, tracer, use_providers
from reconciler.telemetry.scope import call_attributes, call_scope
from reconciler.telemetry.spans import clean_attributes, mark_failed, step

__all__ = [
    "ApiTelemetry",
    "call_attributes",
    "call_scope",
    "clean_attributes",
    "current_trace_id",
    "mark_failed",
    "meter",
    "record_action",
    "record_apply_duration",
    "route_template",
    "step",
    "tracer",
    "use_providers",
]
