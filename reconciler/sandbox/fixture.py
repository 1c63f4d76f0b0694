"""Reading the sandbox's fixture: OAuth clients, queues, and optionally callbacks and webhooks.

The default fixture ships as package data (`fixture.yaml`). A fixture is checked with the same
rules as the admin queue API, so a typo fails at startup with a clear message instead of
producing a queue that behaves strangely.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from reconciler.errors import UsageError
from reconciler.sandbox.resource_inputs import QUEUE_FIELDS, read_queue

QUEUE_KEYS = ("id", "name", *QUEUE_FIELDS)


def default_fixture_text() -> str:
    return resources.files("reconciler.sandbox").joinpath("fixture.yaml").read_text("utf-8")


def load_fixture(path: Path | None = None) -> dict[str, Any]:
    """The fixture at `path` (or the default one), checked; `UsageError` when unusable."""
    where = str(path) if path else "the default fixture"
    try:
        text = path.read_text("utf-8") if path else default_fixture_text()
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(
            f"cannot read sandbox fixture {where}: {exc}", hint="pass --fixture FILE"
        ) from exc
    return check_fixture(data, where)


def check_fixture(data: object, where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UsageError(f"sandbox fixture {where} is not a mapping")
    queues = [_queue(q, where) for q in data.get("queues") or []]
    clients = [_client(c, where) for c in data.get("clients") or []]
    if not clients:
        raise UsageError(f"sandbox fixture {where} defines no OAuth clients")
    return {
        "clients": clients,
        "queues": queues,
        "callbacks": list(data.get("callbacks") or []),
        "webhooks": list(data.get("webhooks") or []),
    }


def _queue(raw: object, where: str) -> dict[str, Any]:
    body = raw if isinstance(raw, dict) else {}
    found, problems = read_queue(body, keys=QUEUE_KEYS)
    missing = [key for key in QUEUE_KEYS if key not in found]
    if problems or missing:
        said = "; ".join([d.message for d in problems] + [f"{key}: is required" for key in missing])
        raise UsageError(f"queue {body.get('id', '?')} in {where}: {said}")
    return found | {"version": int(body.get("version", 1))}


def _client(raw: object, where: str) -> dict[str, Any]:
    body = raw if isinstance(raw, dict) else {}
    client_id, secret = body.get("client_id"), body.get("client_secret")
    scopes = body.get("scopes", [])
    if (
        not isinstance(client_id, str)
        or not isinstance(secret, str)
        or not isinstance(scopes, list)
    ):
        raise UsageError(f"an OAuth client in {where} needs client_id, client_secret and scopes")
    return {"client_id": client_id, "client_secret": secret, "scopes": [str(s) for s in scopes]}
