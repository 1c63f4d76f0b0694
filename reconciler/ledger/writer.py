"""A background writer so that ledger fsyncs never stall an apply's event loop.

`Ledger.record` runs inside the apply's event loop; an fsync takes from microseconds to several
milliseconds on a busy disk, and ten concurrent actions would wait on each one. With this writer,
`record` queues the (already redacted and time-stamped) entry and returns; a thread appends queued
entries under the file lock and fsyncs. Entries that queue up while an fsync runs are written
together and share the next fsync (group commit), so the writer keeps up however fast actions
finish. `flush()` returns once everything queued is on disk; an error in the thread is raised by
the next `record`, `flush` or `close`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from pathlib import Path

from reconciler.core.ledger_records import Entry
from reconciler.errors import GcbctlError, LedgerError
from reconciler.ledger import file


class BackgroundWriter:
    """Appends entries to the ledger at `path` from a daemon thread, in submission order."""

    def __init__(self, path: Path, actor: Mapping[str, str]) -> None:
        self._path = path
        self._actor = actor
        self._pending: list[tuple[Entry, str]] = []
        self._busy = False
        self._closed = False
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
            self._changed.notify_all()

    def flush(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: not (self._pending or self._busy))
            self._raise_error()

    def close(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: not (self._pending or self._busy))
            self._closed = True
            self._changed.notify_all()
        self._thread.join()
        with self._changed:
            self._raise_error()

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._pending or self._closed)
                if not self._pending:
                    return
                batch, self._pending, self._busy = self._pending, [], True
            error: GcbctlError | None = None
            try:
                file.append_many(self._path, batch, actor=self._actor)
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
