"""The audit ledger as commands and the engine use it: `Ledger.record(...)` and nothing more.

`Ledger` stamps the time, the actor and the current trace id, redacts every value it is given
(secrets it was told about, phone numbers, credentials), and hands the entry to
`reconciler.ledger.file` to be chained and written, at once or, for the CLI, in groups through
`reconciler.ledger.commit`. `NullLedger` is the same seam doing nothing, for
`--no-ledger` and for library use without an audit trail.

It must not decide when something is worth recording: callers do (one record per plan, applied
action, refusal, error, drift event and heal).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol

from opentelemetry import trace

from reconciler.core.ledger_records import Entry
from reconciler.core.redact import redact_mapping, redact_text
from reconciler.ledger import file
from reconciler.ledger.actor import collect_actor
from reconciler.ledger.commit import Committer

DEFAULT_DIR: Final = ".gcbctl"
DEFAULT_NAME: Final = "ledger.jsonl"

Clock = Callable[[], datetime]


class LedgerSink(Protocol):
    """Where audit records go; tests and `--no-ledger` pass something else than a file."""

    def record(
        self,
        *,
        action: str,
        resource: str,
        outcome: str,
        target: str | None = None,
        before_hash: str | None = None,
        after_hash: str | None = None,
        latency_ms: float | None = None,
        correlation_id: str | None = None,
        trace_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> Mapping[str, Any] | None: ...

    def flush(self) -> None:
        """Make every record recorded so far durable."""

    def close(self) -> None:
        """Make every record durable and release what the sink holds."""


class Ledger:
    """An append-only, hash-chained JSON Lines ledger at `path`.

    `secrets` are values to blank wherever they appear; `target` is the default target name
    (e.g. the platform host) for records that do not name one.

    By default every record is sealed, written under the file lock and fsynced before `record`
    returns it. With `commit_interval` (what the CLI uses) `record` only redacts and queues the
    entry and returns None; a thread commits queued records in groups at most that many seconds
    apart (`reconciler.ledger.commit`), `flush()` commits at once, and `close()` commits the rest.
    """

    def __init__(
        self,
        path: Path,
        *,
        target: str = "",
        secrets: Iterable[str] = (),
        manifest_dir: Path | None = None,
        environ: Mapping[str, str] | None = None,
        clock: Clock | None = None,
        commit_interval: float | None = None,
    ) -> None:
        self.path = path
        self.target = target
        self._secrets = frozenset(s for s in secrets if s)
        self._clock = clock or _utc_now
        self._lock = threading.Lock()
        env = os.environ if environ is None else environ
        self._actor = redact_mapping(collect_actor(manifest_dir, env), self._secrets)
        self._appender = file.Appender(path)
        self._committer = (
            None
            if commit_interval is None
            else Committer(self._appender, self._actor, interval=commit_interval)
        )

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Blank these values too from now on (secrets resolved after the ledger was opened)."""
        self._secrets = self._secrets | {s for s in secrets if s}

    def record(
        self,
        *,
        action: str,
        resource: str,
        outcome: str,
        target: str | None = None,
        before_hash: str | None = None,
        after_hash: str | None = None,
        latency_ms: float | None = None,
        correlation_id: str | None = None,
        trace_id: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> Mapping[str, Any] | None:
        """Append one record and return it as written (redacted, sealed); with a
        `commit_interval`, queue it for the next group and return None."""
        clean = self._clean
        entry = Entry(
            action=clean(action),
            resource=clean(resource),
            outcome=clean(outcome),
            target=clean(self.target if target is None else target),
            before_hash=before_hash,
            after_hash=after_hash,
            latency_ms=latency_ms,
            correlation_id=None if correlation_id is None else clean(correlation_id),
            trace_id=trace_id or current_trace_id(),
            details=redact_mapping(dict(details or {}), self._secrets),
        )
        stamp = _stamp(self._clock())
        if self._committer is not None:
            self._committer.submit(entry, stamp)
            return None
        with self._lock:
            (sealed,) = self._appender.append_many([(entry, stamp)], actor=self._actor)
            return sealed

    def check(self) -> None:
        """Raise LedgerError now if the ledger could not be appended to (e.g. a torn last line)."""
        file.check_appendable(self.path)

    def flush(self) -> None:
        """Make every record recorded so far durable (a no-op without a commit interval)."""
        if self._committer is not None:
            self._committer.flush()

    def close(self) -> None:
        """Commit what is queued and release the file (it is opened again if used after)."""
        try:
            if self._committer is not None:
                self._committer.stop()
        finally:
            with self._lock:
                self._appender.close()

    def _clean(self, text: str) -> str:
        return redact_text(str(text), self._secrets)


class NullLedger:
    """Records nothing: `--no-ledger`."""

    path: Path | None = None

    def add_secrets(self, secrets: Iterable[str]) -> None:
        return None

    def record(self, **_fields: Any) -> Mapping[str, Any] | None:
        return None

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None


def default_ledger_path(manifest_paths: Sequence[str], *, cwd: Path) -> Path:
    """`.gcbctl/ledger.jsonl` in the folder that holds the manifests (their common folder)."""
    folders = [_folder_of(Path(p), cwd) for p in manifest_paths if p and p != "-"]
    if not folders:
        return cwd / DEFAULT_DIR / DEFAULT_NAME
    common = Path(os.path.commonpath([str(f) for f in folders]))
    return common / DEFAULT_DIR / DEFAULT_NAME


def current_trace_id() -> str | None:
    """The active OpenTelemetry trace id as 32 hex digits, if a span is recording one."""
    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid else None


def _folder_of(path: Path, cwd: Path) -> Path:
    full = path if path.is_absolute() else cwd / path
    return full if full.is_dir() else full.parent


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds: `2026-12-01T09:30:00.123Z`."""
    utc = moment.astimezone(UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="milliseconds") + "Z"
