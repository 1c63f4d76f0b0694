"""Group commit: seal, write and fsync queued ledger records in groups, from a thread of its own.

An apply carries out thousands of actions on one event loop and, against a fast platform, is
CPU-bound. Sealing each record inline (lock, read the chain head, hash, write, unlock, fsync) costs
seven system calls and a disk flush per record on that loop. The `Committer` lets `Ledger.record`
return once the redacted entry is queued; its thread waits up to `interval` seconds for more, then
commits the group as one unit: one lock, the chain head read under it, every entry sealed in call
order, one `write`, one `fsync`. Databases call this group commit.

What stays true:

- Order and chain: entries are sealed in the order they were queued, after the head read under
  the lock, so another process's appends land between groups, never inside the chain.
- Durability: every record is fsynced at most `interval` (plus one disk flush) after it was
  queued; `flush()` commits at once and returns when everything queued is durable, and commands
  close the ledger before they report. A crash loses at most the last `interval` of records.
- Errors: a group that cannot be written fails the next `submit`, `flush` or `stop` with the
  `LedgerError` (or lock `RefusedError`) the file layer raised.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Final

from reconciler.core.ledger_records import Entry
from reconciler.errors import GcbctlError, LedgerError
from reconciler.ledger.file import Appender

MAX_GROUP: Final = 512
"""Commit at once when this many records wait, whatever the interval."""


class Committer:
    """Commits submitted `(entry, time)` pairs through `appender` in groups, in order."""

    def __init__(
        self,
        appender: Appender,
        actor: Mapping[str, str],
        *,
        interval: float,
        name: str = "gcbctl-ledger-commit",
    ) -> None:
        self._appender = appender
        self._actor = actor
        self._interval = max(0.0, interval)
        self._name = name
        self._changed = threading.Condition()
        self._pending: list[tuple[Entry, str]] = []
        self._queued = 0
        self._committed = 0
        self._urgent = False
        self._stopping = False
        self._error: GcbctlError | None = None
        self._thread: threading.Thread | None = None

    def submit(self, entry: Entry, time_text: str) -> None:
        """Queue one entry (already redacted); raises the error of a failed earlier group."""
        with self._changed:
            self._raise_pending()
            self._pending.append((entry, time_text))
            self._queued += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            if len(self._pending) in (1, MAX_GROUP):
                self._changed.notify_all()

    def flush(self) -> None:
        """Commit what is queued now and return once it is durable."""
        with self._changed:
            target = self._queued
            if self._committed < target:
                self._urgent = True
                self._changed.notify_all()
                self._changed.wait_for(lambda: self._committed >= target)
            self._raise_pending()

    def stop(self) -> None:
        """Commit what is queued and end the thread (a later `submit` starts another)."""
        try:
            self.flush()
        finally:
            with self._changed:
                self._stopping = True
                self._changed.notify_all()
                thread, self._thread = self._thread, None
            if thread is not None:
                thread.join()
            with self._changed:
                self._stopping = False

    def _run(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._pending) or self._stopping)
                if not self._pending:
                    return
                self._changed.wait_for(self._group_ready, timeout=self._interval)
                group, self._pending, self._urgent = self._pending, [], False
            error = self._commit(group)
            with self._changed:
                self._error = self._error or error
                self._committed += len(group)
                self._changed.notify_all()

    def _group_ready(self) -> bool:
        return self._urgent or self._stopping or len(self._pending) >= MAX_GROUP

    def _commit(self, group: list[tuple[Entry, str]]) -> GcbctlError | None:
        try:
            self._appender.append_many(group, actor=self._actor)
        except GcbctlError as error:
            return error
        except Exception as error:  # a bug must not leave flush() waiting forever
            return LedgerError(f"the ledger could not be written: {type(error).__name__}")
        return None

    def _raise_pending(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
