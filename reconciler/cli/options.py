"""Options and run plumbing shared by the commands that plan, apply or watch.

`@ledger_option` adds `--ledger PATH` / `--no-ledger`, `@trace_option` adds `--trace`.
`open_ledger` turns those into a ledger sink, and `command_run` wraps a command: it sets up
OpenTelemetry for the run (the only place besides `reconciler.telemetry.sdk` that touches the SDK),
opens the command's root span, records refusals and errors in the ledger, and flushes exporters at
the end whatever happens. Commands keep their own logic; this module only plumbs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from opentelemetry.trace import Span
from opentelemetry.util.types import AttributeValue

from reconciler.errors import GcbctlError, LedgerError, RefusedError
from reconciler.ledger import (
    Ledger,
    LedgerSink,
    NullLedger,
    default_ledger_path,
)
from reconciler.telemetry import ApiTelemetry, current_trace_id, step, use_providers
from reconciler.telemetry.sdk import TraceMode, configure, resolve_mode

F = TypeVar("F", bound=Callable[..., Any])

COMMIT_INTERVAL_S = 0.02
"""How long a ledger record may wait to be fsynced with the next ones (`reconciler.ledger.commit`):
short enough that a crash loses little, long enough that an apply's records share fsyncs."""


def ledger_option(func: F) -> F:
    """`--ledger PATH` (default `.gcbctl/ledger.jsonl` beside the manifests) and `--no-ledger`."""
    func = click.option(
        "--no-ledger",
        is_flag=True,
        default=False,
        envvar="GCBCTL_NO_LEDGER",
        help="Do not write the audit ledger [env: GCBCTL_NO_LEDGER=1].",
    )(func)
    return click.option(
        "--ledger",
        "ledger_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        envvar="GCBCTL_LEDGER",
        help="Audit ledger file [env: GCBCTL_LEDGER; default: .gcbctl/ledger.jsonl beside the "
        "manifests].",
    )(func)


def planning_options(func: F) -> F:
    """`--now` and `--allow-mass-cancel`: what plan and apply both judge a plan by."""
    func = click.option(
        "--allow-mass-cancel", is_flag=True, help="Allow cancelling most of a batch."
    )(func)
    return click.option(
        "--now", help="Judge time against this ISO 8601 instant [default: platform clock]."
    )(func)


def trace_option(func: F) -> F:
    """`--trace console|otlp|none`; without it the OTEL_* variables decide (default: none)."""
    return click.option(
        "--trace",
        type=click.Choice([mode.value for mode in TraceMode]),
        default=None,
        help="Export traces: console prints spans on stderr, otlp sends them where the "
        "OTEL_EXPORTER_OTLP_* variables say [default: none, or OTEL_TRACES_EXPORTER].",
    )(func)


def open_ledger(
    ledger_path: Path | None,
    no_ledger: bool,
    *,
    manifest_paths: Sequence[str],
    target: str = "",
    secrets: Iterable[str] = (),
) -> Ledger | NullLedger:
    """The ledger the options ask for; the manifests' folder also gives the Git commit."""
    if no_ledger:
        return NullLedger()
    default = default_ledger_path(manifest_paths, cwd=Path.cwd())
    path = ledger_path or default
    ledger = Ledger(
        path,
        target=target,
        secrets=secrets,
        manifest_dir=default.parent.parent,
        commit_interval=COMMIT_INTERVAL_S,
    )
    try:
        ledger.check()
    except LedgerError:
        ledger.close()
        raise
    return ledger


def known_secrets(*credentials: object) -> list[str]:
    """Secret values held by these credential objects (their `client_secret`), for redaction."""
    found = (getattr(item, "client_secret", None) for item in credentials)
    return [value for value in found if isinstance(value, str) and value]


@dataclass(frozen=True, slots=True)
class CommandRun:
    """What a command gets from `command_run`.

    Give `api` to the HTTP client as `observer=run.api, traceparent=run.api.traceparent`.
    """

    api: ApiTelemetry
    span: Span
    ledger: LedgerSink

    @property
    def trace_id(self) -> str | None:
        return current_trace_id()


@contextmanager
def command_run(
    command: str,
    *,
    trace: str | None,
    ledger: LedgerSink | None = None,
    attributes: Mapping[str, AttributeValue] | None = None,
) -> Iterator[CommandRun]:
    """Telemetry and error auditing around one command; exporters are flushed on the way out."""
    setup = configure(resolve_mode(trace, os.environ), environ=os.environ, stream=sys.stderr)
    sink: LedgerSink = ledger if ledger is not None else NullLedger()
    api = ApiTelemetry()
    failed = False
    try:
        with (
            use_providers(setup.tracer_provider, setup.meter_provider),
            step(f"gcbctl {command}", {"gcbctl.command": command, **(attributes or {})}) as span,
        ):
            try:
                yield CommandRun(api, span, sink)
            except (GcbctlError, KeyboardInterrupt) as exc:
                failed = True
                with suppress(LedgerError):  # the command's own error is the one to report
                    _audit_failure(sink, command, exc)
                raise
            finally:
                api.close()
    finally:
        try:
            with suppress(*((LedgerError,) if failed else ())):
                _close_ledger(sink)
        finally:
            setup.shutdown()


def _close_ledger(sink: LedgerSink) -> None:
    """Commit the ledger's last records and release it; errors surface here, before gcbctl exits."""
    sink.close()


def _audit_failure(ledger: LedgerSink, command: str, exc: BaseException) -> None:
    """One ledger record for a refusal, an error or an interruption (not for ledger failures)."""
    if isinstance(exc, LedgerError):
        return
    if isinstance(exc, KeyboardInterrupt):
        ledger.record(action="error", resource=command, outcome="interrupted")
        return
    assert isinstance(exc, GcbctlError)
    refused = isinstance(exc, RefusedError)
    details: dict[str, Any] = {"error": type(exc).__name__, "message": exc.message}
    if exc.hint:
        details["hint"] = exc.hint
    ledger.record(
        action="refuse" if refused else "error",
        resource=command,
        outcome="refused" if refused else "error",
        details={**details, "exit_code": exc.exit_code},
    )
