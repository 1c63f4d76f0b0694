"""Which platform a command talks to, and with which OAuth client.

Resolution, first match wins: `--sandbox` (an embedded sandbox); `--target URL` with the client
from `GENESYS_CLIENT_ID` / `GENESYS_CLIENT_SECRET`; `--target NAME` from `gcbctl.yaml`; the product
document's `GENESYS_HOSTNAME` / `GENESYS_CLIENT_ID` / `GENESYS_CLIENT_SECRET`; the `default`
target of `gcbctl.yaml`. The config file is `--config`, else `$GCBCTL_CONFIG`, else `./gcbctl.yaml`:

    default: prod
    targets:
      prod:
        url: https://api.example.com
        clientId: gcbctl-prod
        clientSecret: {fromEnv: GCBCTL_PROD_SECRET}    # or {fromFile: ~/.secrets/gcbctl}
      local:
        sandbox: true
        sandboxState: .gcbctl/sandbox.json

Client secrets are only ever references in the file, never literals. This module reads the
config file and the environment; it never opens a connection.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from reconciler.client import Credentials
from reconciler.core.model import SecretRef
from reconciler.drivers.secrets import read_secret
from reconciler.errors import UsageError

ENV_HOST = "GENESYS_HOSTNAME"
ENV_CLIENT_ID = "GENESYS_CLIENT_ID"
ENV_CLIENT_SECRET = "GENESYS_CLIENT_SECRET"  # noqa: S105 (the variable's name)
ENV_CONFIG = "GCBCTL_CONFIG"
CONFIG_FILE = "gcbctl.yaml"
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


@dataclass(frozen=True, slots=True)
class TargetOptions:
    """The target options of the command line, as given."""

    target: str | None = None
    config: str | None = None
    sandbox: bool = False
    sandbox_state: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """A resolved platform: a URL and an OAuth client, or an embedded sandbox."""

    name: str
    url: str = ""
    credentials: Credentials | None = field(default=None, repr=False)
    sandbox: bool = False
    sandbox_state: str | None = None


def normalize_url(value: str) -> str:
    """A base URL from a URL or a bare host name (https, or http for loopback)."""
    value = value.strip().rstrip("/")
    if "://" in value:
        return value
    host = value.split("/", 1)[0]
    name = host.split("]", 1)[0] + "]" if host.startswith("[") else host.rsplit(":", 1)[0]
    return f"{'http' if name in LOOPBACK else 'https'}://{value}"


def _env_credentials(env: Mapping[str, str], what: str) -> Credentials:
    client_id, secret = env.get(ENV_CLIENT_ID), env.get(ENV_CLIENT_SECRET)
    if not client_id or not secret:
        raise UsageError(
            f"{what} needs an OAuth client",
            hint=f"Set {ENV_CLIENT_ID} and {ENV_CLIENT_SECRET}.",
        )
    return Credentials(client_id, secret)


def _config_path(options: TargetOptions, env: Mapping[str, str]) -> Path | None:
    named = options.config or env.get(ENV_CONFIG)
    if named:
        return Path(named)
    local = Path(CONFIG_FILE)
    return local if local.is_file() else None


def load_config(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise UsageError(f"{path} is not valid YAML", hint=str(exc)) from exc
    if not isinstance(data, dict) or not isinstance(data.get("targets", {}), dict):
        raise UsageError(f"{path} must be a mapping with a `targets` mapping")
    return data


def _secret_ref(value: Any, where: str) -> SecretRef:
    if isinstance(value, dict) and set(value) <= {"fromEnv", "fromFile"} and len(value) == 1:
        return SecretRef(from_env=value.get("fromEnv"), from_file=value.get("fromFile"))
    raise UsageError(
        f"{where}: clientSecret must be {{fromEnv: VAR}} or {{fromFile: PATH}}",
        hint="Secrets are never written into gcbctl.yaml itself.",
    )


def _named_target(name: str, path: Path, data: Mapping[str, Any], env: Mapping[str, str]) -> Target:
    entry = data.get("targets", {}).get(name)
    if not isinstance(entry, dict):
        known = ", ".join(sorted(data.get("targets", {}))) or "none"
        raise UsageError(f"no target {name!r} in {path}", hint=f"Known targets: {known}.")
    if entry.get("sandbox"):
        state = entry.get("sandboxState")
        return Target(name, sandbox=True, sandbox_state=str(state) if state else None)
    url, client_id = entry.get("url"), entry.get("clientId")
    if not isinstance(url, str) or not isinstance(client_id, str):
        raise UsageError(f"target {name!r} in {path} needs `url` and `clientId`")
    ref = _secret_ref(entry.get("clientSecret"), f"target {name!r} in {path}")
    secret = read_secret(ref, env)
    if secret is None:
        raise UsageError(f"the client secret of target {name!r} ({ref}) is not available")
    return Target(name, normalize_url(url), Credentials(client_id, secret))


def resolve_target(options: TargetOptions, env: Mapping[str, str] | None = None) -> Target:
    """The one target a command uses, or a UsageError saying how to name one."""
    environ = os.environ if env is None else env
    if options.sandbox:
        return Target("sandbox", sandbox=True, sandbox_state=options.sandbox_state)
    path = _config_path(options, environ)
    if options.target and "://" not in options.target and path is not None:
        return _named_target(options.target, path, load_config(path), environ)
    if options.target:
        url = normalize_url(options.target)
        return Target(url, url, _env_credentials(environ, f"--target {url}"))
    if environ.get(ENV_HOST):
        url = normalize_url(environ[ENV_HOST])
        return Target(url, url, _env_credentials(environ, ENV_HOST))
    if path is not None:
        data = load_config(path)
        if isinstance(data.get("default"), str):
            return _named_target(data["default"], path, data, environ)
    raise UsageError(
        "no target platform given",
        hint=f"Pass --target URL, --sandbox, or set {ENV_HOST}, {ENV_CLIENT_ID}, "
        f"{ENV_CLIENT_SECRET}, or write a {CONFIG_FILE}.",
    )
