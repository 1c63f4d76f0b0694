"""The `gcbctl` entry point: global options and the single top-level error handler."""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from dataclasses import dataclass
from typing import NoReturn

import click

from reconciler import __version__
from reconciler.core.redact import redact_text
from reconciler.errors import GcbctlError

EXIT_INTERRUPTED = 130


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    """Options every command sees through `click.Context.obj`."""

    verbosity: int = 0
    color: bool = False


def _want_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


COMMANDS: dict[str, str] = {
    "validate": "reconciler.cli.cmd_validate",
    "plan": "reconciler.cli.cmd_plan",
    "apply": "reconciler.cli.cmd_apply",
    "ledger": "reconciler.cli.cmd_ledger",
    "sandbox": "reconciler.cli.cmd_sandbox",
    "schema": "reconciler.cli.cmd_schema",
}
"""Command name -> module exposing `command`, imported only when that command runs.

`gcbctl validate` runs in pre-commit hooks on every commit: it must not pay for importing the
HTTP client, the sandbox server and the OpenTelemetry SDK that other commands need.
"""


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        command = importlib.import_module(module_name).command
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="gcbctl")
@click.option("-v", "--verbose", count=True, help="More detail; -vv shows tracebacks and debug.")
@click.option("-q", "--quiet", count=True, help="Less output.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour output; NO_COLOR in the environment also turns it off.",
)
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: int, color: str) -> None:
    """Keep Genesys Cloud web-callback reservations in the state your manifests declare."""
    ctx.obj = GlobalOptions(verbosity=verbose - quiet, color=_want_color(color))


def report_error(error: GcbctlError, *, verbosity: int) -> None:
    """Print `Error:` and `Hint:` lines (redacted); a traceback only when asked for with -v."""
    click.echo(f"Error: {redact_text(error.message)}", err=True)
    if error.hint:
        click.echo(f"Hint: {redact_text(error.hint)}", err=True)
    if verbosity >= 1:
        traceback.print_exception(error, file=sys.stderr)


def main(argv: list[str] | None = None) -> NoReturn:
    """Run the CLI and exit with the code of DESIGN.md §9."""
    verbosity = sum(1 for a in (argv or sys.argv[1:]) if a in ("-v", "--verbose"))
    try:
        code = cli.main(args=argv, prog_name="gcbctl", standalone_mode=False)
    except GcbctlError as error:
        report_error(error, verbosity=verbosity)
        sys.exit(error.exit_code)
    except click.exceptions.Abort:
        click.echo("Interrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except click.ClickException as error:
        error.show()
        sys.exit(64 if isinstance(error, click.UsageError) else error.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
