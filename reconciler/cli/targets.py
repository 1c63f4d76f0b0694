"""Target options shared by every command that talks to a platform (plan, apply, watch, export).

`@target_options` adds `--target`, `--config`, `--sandbox` and `--sandbox-state`; the command
passes its keyword arguments to `target_options_from` to get the frozen `TargetOptions` that
`reconciler.drivers.config.resolve_target` understands. Parsing only: nothing connects here.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from reconciler.drivers.config import TargetOptions

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = (
    click.option(
        "--sandbox-state",
        type=click.Path(dir_okay=False),
        default=None,
        help="With --sandbox: load and save the sandbox's world in FILE, so that consecutive "
        "commands see the same state.",
    ),
    click.option(
        "--sandbox",
        is_flag=True,
        default=False,
        help="Run against an embedded sandbox on loopback (default fixture queues and clients).",
    ),
    click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False),
        default=None,
        help="Targets file [default: $GCBCTL_CONFIG, else ./gcbctl.yaml].",
    ),
    click.option(
        "--target",
        default=None,
        help="Platform URL (client from GENESYS_CLIENT_ID/SECRET) or a target named in "
        "gcbctl.yaml [default: GENESYS_HOSTNAME, else the config's default].",
    ),
)


def target_options(func: F) -> F:
    for option in _OPTIONS:
        func = option(func)
    return func


def target_options_from(kwargs: MutableMapping[str, Any]) -> TargetOptions:
    """Pop the target options out of a command's keyword arguments."""
    return TargetOptions(
        target=kwargs.pop("target", None),
        config=kwargs.pop("config_file", None),
        sandbox=bool(kwargs.pop("sandbox", False)),
        sandbox_state=kwargs.pop("sandbox_state", None),
    )


def parse_now(value: str | None) -> datetime | None:
    """`--now` as an aware datetime (UTC when no offset is given)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 time", param_hint="--now") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
