"""Which platform correlation ids answered the requests of one piece of work.

Genesys Cloud puts an `ININ-Correlation-Id` header on every answer (and the same id as
`contextId` in error bodies); its support asks for it. The engine wraps each action in
`collect_correlation_ids()`, and the client notes the header of every answer it receives inside
that block, so the audit ledger can say which requests carried an action out without drivers
passing ids around. The collector lives in a context variable, so concurrent actions (one asyncio
task each) never see each other's ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

HEADER: Final = "inin-correlation-id"

_COLLECTED: ContextVar[list[str] | None] = ContextVar("gcbctl_correlation_ids", default=None)


@contextmanager
def collect_correlation_ids() -> Iterator[list[str]]:
    """A list that fills with the correlation ids of answers received inside the block."""
    found: list[str] = []
    token = _COLLECTED.set(found)
    try:
        yield found
    finally:
        _COLLECTED.reset(token)


def note_correlation_id(value: str | None) -> None:
    """Remember one answer's correlation id, if a collector is open and the answer had one."""
    found = _COLLECTED.get()
    if found is not None and value:
        found.append(value)
