"""`gcbctl sandbox`: serve the callback platform API on loopback for demos, CI and tests.

A thin command: it parses options into `SandboxOptions`, builds the sandbox's world, serves it
until SIGINT/SIGTERM, and returns 0. The sandbox itself lives in `reconciler.sandbox`.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from reconciler.errors import UsageError
from reconciler.sandbox.clock import SandboxClock, parse_instant
from reconciler.sandbox.fixture import load_fixture
from reconciler.sandbox.server import bind, serve
from reconciler.sandbox.settings import DEFAULT_ADMIN_TOKEN, SandboxSettings
from reconciler.sandbox.world import World


@dataclass(frozen=True, slots=True)
class SandboxOptions:
    host: str
    port: int
    fixture: Path | None
    state: Path | None
    rate_limit: int
    token_ttl: int
    clock: str
    admin_token: str
    ready_file: Path | None
    tls_cert: Path | None = None
    tls_key: Path | None = None


def _clock(text: str) -> SandboxClock:
    if text == "real":
        return SandboxClock()
    try:
        return SandboxClock(parse_instant(text))
    except ValueError as exc:
        raise UsageError(
            f"--clock {text!r} is not an RFC 3339 instant",
            hint="e.g. --clock 2026-12-01T00:00:00Z or --clock real",
        ) from exc


def _announce(options: SandboxOptions, world: World, url: str) -> None:
    clients = [
        {"client_id": c.client_id, "client_secret": c.client_secret, "scopes": list(c.scopes)}
        for c in world.authority.clients.values()
    ]
    kind = "real" if world.clock.is_real else "set"
    click.echo(f"gcbctl sandbox serving {url}")
    click.echo(f"  clock: {world.clock.now().isoformat()} ({kind})")
    for client in clients:
        scopes = " ".join(client["scopes"])
        click.echo(f"  client: {client['client_id']} / {client['client_secret']}  ({scopes})")
    click.echo(f"  admin token: {options.admin_token}")
    if options.ready_file is not None:
        ready = {"base_url": url, "clients": clients, "admin_token": options.admin_token}
        temporary = options.ready_file.with_name(options.ready_file.name + ".tmp")
        temporary.write_text(json.dumps(ready, indent=2), encoding="utf-8")
        os.replace(temporary, options.ready_file)


def run(options: SandboxOptions) -> int:
    settings = SandboxSettings(
        rate_limit_per_minute=options.rate_limit,
        token_ttl_seconds=options.token_ttl,
        admin_token=options.admin_token,
    )
    world = World(
        load_fixture(options.fixture),
        settings=settings,
        clock=_clock(options.clock),
        state_path=options.state,
    )
    try:
        sock = bind(options.host, options.port)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {options.host}:{options.port}: {exc.strerror}",
            hint="choose another --port, or --port 0",
        ) from exc
    if (options.tls_cert is None) != (options.tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together", hint="pass both, or neither")
    tls = (
        (str(options.tls_cert), str(options.tls_key))
        if options.tls_cert and options.tls_key
        else None
    )

    def announce(url: str) -> None:
        _announce(options, world, url)

    try:
        asyncio.run(serve(world, sock, on_ready=announce, tls=tls))
    finally:
        sock.close()
    click.echo("gcbctl sandbox stopped.")
    return 0


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8089,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port; 0 picks a free one.",
)
@click.option(
    "--fixture",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Queues and OAuth clients (YAML); default: the built-in fixture.",
)
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep state in this JSON file across restarts.",
)
@click.option(
    "--rate-limit",
    default=300,
    show_default=True,
    type=click.IntRange(1),
    help="Requests per minute per OAuth client.",
)
@click.option(
    "--token-ttl",
    default=7200,
    show_default=True,
    type=click.IntRange(1),
    help="Access token lifetime in seconds.",
)
@click.option(
    "--clock",
    default="real",
    show_default=True,
    help="'real', or an RFC 3339 instant the clock starts at (then runs at real speed).",
)
@click.option(
    "--admin-token",
    default=DEFAULT_ADMIN_TOKEN,
    show_default=True,
    help="Bearer token for the /_sandbox/ admin surface.",
)
@click.option(
    "--ready-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write base URL and credentials here (JSON) once serving.",
)
@click.option(
    "--tls-cert",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Serve HTTPS/WSS with this PEM certificate (with --tls-key), for https:// clients.",
)
@click.option(
    "--tls-key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The PEM private key for --tls-cert.",
)
def command(**raw: Any) -> int:
    """Serve the callback platform API (OAuth, queues, callbacks, webhooks, WebSocket) locally.

    Startup prints the base URL and credentials; SIGINT or SIGTERM stop it cleanly (exit 0),
    saving state first when --state is given.
    """
    return run(SandboxOptions(**raw))
