"""Saved plans: write `plan --out FILE`, and re-check one before `apply FILE` carries it out.

A saved plan is applied by doing the whole plan again: the manifests are reloaded from the
recorded paths (their digest must match), live state is read again, and the new plan must have
read the same version of every object and contain the same actions. Anything else is refused
with exit 4, because the reviewed plan is no longer what would happen.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from reconciler import __version__
from reconciler.core import savedplan
from reconciler.drivers.base import Driver
from reconciler.engine.planning import PlanRun, plan_run
from reconciler.errors import RefusedError, UsageError

_VOLATILE = frozenset({"tool_version", "created_at", "saved_at", "now", "reads", "summary"})


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """A saved plan as read from its file."""

    path: str
    raw: dict[str, Any]
    paths: tuple[str, ...]
    manifest_digest: str
    reads: dict[str, str]
    now: datetime | None
    allow_mass_cancel: bool


def save_plan(run: PlanRun, path: str) -> None:
    data = savedplan.dump(
        run.plan, manifest_digest=run.loaded.digest, paths=run.paths, tool_version=__version__
    )
    Path(path).write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def read_saved_plan(paths: Sequence[str]) -> SavedPlan | None:
    """The saved plan when `paths` is one JSON file written by `plan --out`, else None."""
    if len(paths) != 1 or not paths[0].endswith(".json") or not Path(paths[0]).is_file():
        return None
    try:
        raw = json.loads(Path(paths[0]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the saved plan {paths[0]}: {exc}") from exc
    loaded = savedplan.load(raw)
    return SavedPlan(
        path=paths[0],
        raw=raw,
        paths=tuple(loaded.paths),
        manifest_digest=loaded.manifest_digest,
        reads=dict(loaded.reads),
        now=loaded.now,
        allow_mass_cancel=bool(getattr(loaded, "allow_mass_cancel", False)),
    )


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in _VOLATILE}


def _changed_reads(saved: SavedPlan, run: PlanRun) -> list[str]:
    fresh = run.plan.reads
    return sorted(a for a, version in saved.reads.items() if fresh.get(a) != version)


async def replan_saved(saved: SavedPlan, driver: Driver, *, now: datetime | None) -> PlanRun:
    """Plan again from the saved plan's manifests; refuse when anything differs."""
    moment = now or saved.now
    run = await plan_run(
        saved.paths, driver, now=moment, allow_mass_cancel=saved.allow_mass_cancel
    )
    if run.loaded.digest != saved.manifest_digest:
        raise RefusedError(
            f"the manifests changed since {saved.path} was saved",
            hint="Run gcbctl plan --out again and review the new plan.",
        )
    changed = _changed_reads(saved, run)
    if changed:
        shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
        raise RefusedError(
            f"{len(changed)} object(s) changed on the platform since {saved.path} was saved: {shown}",
            hint="Run gcbctl plan --out again and review the new plan.",
        )
    fresh = savedplan.dump(
        run.plan, manifest_digest=run.loaded.digest, paths=run.paths, tool_version=__version__
    )
    if _comparable(json.loads(orjson.dumps(fresh))) != _comparable(saved.raw):
        raise RefusedError(
            f"the plan in {saved.path} is no longer what applying would do",
            hint="Run gcbctl plan --out again and review the new plan.",
        )
    return run
