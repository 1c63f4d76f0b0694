"""Webhook secrets, read from the environment or a file at the moment a request needs them.

Manifests only name a secret (`fromEnv` / `fromFile`); the value is read here, sent to the
platform, and dropped. For planning, only its SHA-256 leaves this module, which the planner
compares with a live webhook's `secret_sha256`. Nothing here logs or formats a secret value.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from reconciler.core.model import SecretRef
from reconciler.errors import UsageError


def read_secret(ref: SecretRef, env: Mapping[str, str] | None = None) -> str | None:
    """The secret's value, or None when the variable is unset or the file is missing."""
    environ = os.environ if env is None else env
    if ref.from_env:
        return environ.get(ref.from_env)
    if ref.from_file:
        try:
            return Path(ref.from_file).expanduser().read_text(encoding="utf-8").rstrip("\r\n")
        except OSError:
            return None
    return None


def require_secret(ref: SecretRef, env: Mapping[str, str] | None = None) -> str:
    """The secret's value, or a UsageError that names where it was looked for."""
    value = read_secret(ref, env)
    if value is None:
        where = f"environment variable {ref.from_env}" if ref.from_env else f"file {ref.from_file}"
        raise UsageError(
            f"webhook secret {ref} is not available",
            hint=f"Set the {where} before running gcbctl.",
        )
    return value


def secret_digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def secret_digests(
    refs: Iterable[SecretRef], env: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """`str(ref)` -> SHA-256 hex of its value (None when unavailable), for the planner."""
    out: dict[str, str | None] = {}
    for ref in refs:
        value = read_secret(ref, env)
        out[str(ref)] = secret_digest(value) if value is not None else None
    return out
