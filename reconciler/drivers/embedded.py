"""The embedded sandbox behind `--sandbox`: the real sandbox server on 127.0.0.1 for one command.

It runs in this process, in a background thread on a free loopback port, with the default
fixture (queues and OAuth clients), and optionally keeps its world in a state file between
commands. Its clock starts at `--now` when given, else at `DEMO_CLOCK`, the week the examples
book, so that the README's first command works whatever the date (the state file keeps the
world, not the clock, so every command starts from the same instant). Only this module reaches into
`reconciler.sandbox`; the driver talks to the sandbox over HTTP like to any platform.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from reconciler.drivers.callback_wire import format_time

DEMO_CLOCK = datetime(2026, 12, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class EmbeddedSandbox:
    url: str
    client_id: str
    client_secret: str = field(repr=False)


@asynccontextmanager
async def embedded_sandbox(
    *, state_file: str | None = None, clock: datetime | None = None
) -> AsyncIterator[EmbeddedSandbox]:
    """A running sandbox for the duration of the block."""
    # Loaded here, not at import: the server stack costs every other command a second of startup.
    from reconciler.sandbox.testing import running_sandbox  # noqa: PLC0415

    state = Path(state_file) if state_file else None
    start = format_time(clock or DEMO_CLOCK)
    with running_sandbox(clock=start, state=state) as sandbox:
        yield EmbeddedSandbox(sandbox.base_url, sandbox.client_id, sandbox.client_secret)
