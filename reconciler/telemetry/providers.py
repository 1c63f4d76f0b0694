"""Which tracer and meter gcbctl's own spans and metrics go to.

The CLI installs an SDK tracer and meter provider for one command run and removes them afterwards
(`use_providers`); library code asks `tracer()` and `meter()`. Without an installed pair they fall
back to OpenTelemetry's global providers, so an application embedding gcbctl with its own SDK still
sees the spans, and plain library use costs no more than the API's no-op objects. The global
providers are never set here: a process may run several commands (tests do) and OpenTelemetry
allows setting them only once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from opentelemetry import metrics, trace

from reconciler import __version__

SCOPE: Final = "gcbctl"


@dataclass(frozen=True, slots=True)
class _Installed:
    tracer: trace.Tracer
    meter: metrics.Meter


_installed: list[_Installed] = []


@contextmanager
def use_providers(
    tracer_provider: trace.TracerProvider, meter_provider: metrics.MeterProvider
) -> Iterator[None]:
    """Send gcbctl's telemetry to these providers inside the block."""
    pair = _Installed(
        tracer_provider.get_tracer(SCOPE, __version__),
        meter_provider.get_meter(SCOPE, __version__),
    )
    _installed.append(pair)
    try:
        yield
    finally:
        _installed.remove(pair)


def tracer() -> trace.Tracer:
    """The tracer for gcbctl's spans."""
    if _installed:
        return _installed[-1].tracer
    return trace.get_tracer(SCOPE, __version__)


def meter() -> metrics.Meter:
    """The meter for gcbctl's metrics."""
    if _installed:
        return _installed[-1].meter
    return metrics.get_meter(SCOPE, __version__)
