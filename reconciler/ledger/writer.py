"""A background writer so that ledger fsyncs never stall an apply's event loop.

`Ledger.record` runs inside the apply's event loop; an fsync takes from microseconds to several
milliseconds on a busy disk, and ten concurrent actions would wait on each one. With this writer,
`record` queues the (already redacted and time-stamped) entry and returns; a thread appends queued
entries under the file lock and fsyncs. Entries that arrive within `LINGER_S` of each other, or
while an fsync runs, are written together and share one fsync (group commit): every record is on
disk within a few tens of milliseconds, and an apply pays one fsync per batch rather than per
action. `flush()` and `close()` cut the wait short and return once everything queued is on disk;
an error in the thread is raised by the next `record`, `flush` or `close`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from reconciler.core.ledger_records import Entry
from reconciler.errors import GcbctlError, LedgerError
from reconciler.ledger import file

LINGER_S: Final = 0.02
"""How long the first queued entry waits for company before the batch is written."""
MAX_BATCH: Final = 256


class BackgroundWriter:
    """Appends entries to the ledger at `path` from a daemon thread, in submission order."""

    def __init__(self, path: Path, actor: Mapping[str, str]) -> None:
        self._path = path
        self._actor = actor
        self._appender = file.Appender(path)
        self._pending: list[tuple[Entry, str]] = []
        self._busy = False
        self._closed = False
        self._hurry = 0
        self._error: GcbctlError | None = None
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="gcbctl-ledger", daemon=True)
        self._thread.start()

    def submit(self, entry: Entry, time_text: str) -> None:
        with self._changed:
            self._raise_error()
            if self._closed:
                raise LedgerError(f"the ledger {self._path} is already closed")
            self._pending.append((entry, time_text))
            if len(self._pending) in (1, MAX_BATCH):  # wake the writer only when it matters
                self._changed.notify_all()

    def flush(self) -> None:
        with self._changed:
            self._drain()
            self._raise_error()

    def close(self) -> None:
        with self._changed:
            self._drain()
            self._closed = True
            self._changed.notify_all()
        self._thread.join()
        with self._changed:
            self._raise_error()

    def _drain(self) -> None:
        """Wait, holding the condition, until everything queued is written."""
        self._hurry += 1
        self._changed.notify_all()
        try:
            self._changed.wait_for(lambda: not (self._pending or self._busy))
        finally:
            self._hurry -= 1

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._closed)
                if not self._pending:
                    self._appender.close()
                    return
                self._changed.wait_for(
                    lambda: self._hurry or self._closed or len(self._pending) >= MAX_BATCH,
                    timeout=LINGER_S,
                )
                batch, self._pending, self._busy = self._pending, [], True
            error: GcbctlError | None = None
            try:
                self._appender.append_many(batch, actor=self._actor)
            except GcbctlError as exc:
                error = exc
            except Exception as exc:  # the thread must survive to release waiters
                error = LedgerError(f"writing the ledger {self._path} failed: {exc}")
            with self._changed:
                self._busy = False
                self._error = self._error or error
                self._changed.notify_all()

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
