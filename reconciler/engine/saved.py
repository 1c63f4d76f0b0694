"""Saved plans: write `plan --out FILE`, and re-check one before `apply FILE` carries it out.

A saved plan is applied by doing the whole plan again: the manifests are reloaded from the
recorded paths (their digest must match), live state is read again, and the new plan must have
read the same version of every object it touches and contain the same actions
(`reconciler.core.savedplan.ensure_current`). Anything else is refused with exit 4, because the
reviewed plan is no longer what would happen. The re-plan judges time at the saved plan's "now"
unless the caller gives one, so that the passage of time alone does not make it differ.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from reconciler import __version__
from reconciler.core import savedplan
from reconciler.drivers.base import Driver
from reconciler.engine.planning import PlanRun, plan_run
from reconciler.errors import UsageError


@dataclass(frozen=True, slots=True)
class SavedPlanFile:
    """A saved plan and the file it came from."""

    path: str
    plan: savedplan.SavedPlan

    @property
    def paths(self) -> tuple[str, ...]:
        return self.plan.paths

    @property
    def planned_at(self) -> datetime | None:
        text = self.plan.planned_at
        return datetime.fromisoformat(text) if text else None


def save_plan(run: PlanRun, path: str) -> None:
    data = savedplan.dump(
        run.plan, manifest_digest=run.loaded.digest, paths=run.paths, tool_version=__version__
    )
    Path(path).write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")


def read_saved_plan(paths: Sequence[str]) -> SavedPlanFile | None:
    """The saved plan when `paths` is one JSON file written by `plan --out`, else None."""
    if len(paths) != 1 or not paths[0].endswith(".json") or not Path(paths[0]).is_file():
        return None
    try:
        raw = json.loads(Path(paths[0]).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the saved plan {paths[0]}: {exc}") from exc
    return SavedPlanFile(paths[0], savedplan.load(raw))


async def replan_saved(
    saved: SavedPlanFile,
    driver: Driver,
    *,
    now: datetime | None,
    allow_mass_cancel: bool = False,
) -> PlanRun:
    """Plan again from the saved plan's manifests; `RefusedError` when anything differs."""
    run = await plan_run(
        saved.paths, driver, now=now or saved.planned_at, allow_mass_cancel=allow_mass_cancel
    )
    savedplan.ensure_current(saved.plan, run.plan, manifest_digest=run.loaded.digest)
    return run
