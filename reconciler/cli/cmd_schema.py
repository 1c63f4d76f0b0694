"""`gcbctl schema [KIND]`: print the JSON Schema of one manifest kind, or the combined one."""

from __future__ import annotations

import click

from reconciler.core.model import Kind
from reconciler.errors import UsageError
from reconciler.manifests.schema_check import schema_text
from reconciler.manifests.schema_source import COMBINED, FILE_NAMES


def _file_for(kind: str | None) -> str:
    if kind is None:
        return COMBINED
    wanted = kind.lower().removesuffix(".schema.json")
    for known, file_name in FILE_NAMES.items():
        if wanted in (known.lower(), file_name.removesuffix(".schema.json")):
            return file_name
    raise UsageError(
        f"unknown kind {kind!r}", hint=f"use one of {', '.join(str(item) for item in Kind)}"
    )


@click.command("schema")
@click.argument("kind", required=False)
def command(kind: str | None) -> int:
    """Print the JSON Schema (2020-12) of KIND, or the one that accepts every kind."""
    click.echo(schema_text(_file_for(kind)), nl=False)
    return 0
