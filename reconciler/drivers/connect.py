"""Open a driver for a resolved target: an `ApiClient` on a URL, or an embedded sandbox.

The embedded sandbox (`--sandbox`) runs the real server on 127.0.0.1 for as long as the command
runs, optionally loading and saving its world in a state file so that consecutive commands see
the same platform. Telemetry reaches the client through `observer` and `traceparent`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from reconciler.client import (
    ApiClient,
    Credentials,
    Observer,
    TraceparentSource,
    current_traceparent,
)
from reconciler.drivers.callback import CallbackDriver
from reconciler.drivers.config import Target
from reconciler.drivers.embedded import embedded_sandbox


@asynccontextmanager
async def open_driver(
    target: Target,
    *,
    observer: Observer | None = None,
    traceparent: TraceparentSource | None = None,
    sandbox_clock: datetime | None = None,
) -> AsyncIterator[CallbackDriver]:
    """A connected `callback` driver; the sandbox, if any, stops when the block ends."""
    source = traceparent or current_traceparent
    if not target.sandbox:
        assert target.credentials is not None
        client = ApiClient(target.url, target.credentials, observer=observer, traceparent=source)
        async with CallbackDriver(client) as driver:
            yield driver
        return
    async with embedded_sandbox(state_file=target.sandbox_state, clock=sandbox_clock) as sandbox:
        credentials = Credentials(sandbox.client_id, sandbox.client_secret)
        client = ApiClient(sandbox.url, credentials, observer=observer, traceparent=source)
        async with CallbackDriver(client) as driver:
            yield driver
