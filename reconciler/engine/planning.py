"""`plan_run`: manifests + live state -> the pure planner's `Plan`, with problems located.

The order matters: the platform's clock (unless `--now` overrides it) is learned first because
validation needs "now"; then only the queues the manifests name are read. Secrets are looked up
here only as SHA-256 digests, so the planner compares them without ever holding a value.
Infeasible plans raise `InfeasibleError` (exit 3) and a tripped mass-cancel guard raises
`RefusedError` (exit 4), each carrying every located problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reconciler.core.live import LiveState
from reconciler.core.model import UNSET, ManifestSet, QueueRef, SecretRef
from reconciler.core.planner import Plan, make_plan
from reconciler.core.problems import Problem
from reconciler.drivers.base import Driver
from reconciler.drivers.secrets import secret_digests
from reconciler.errors import InfeasibleError, RefusedError
from reconciler.manifests import LoadResult, load_and_validate
from reconciler.telemetry import step

GUARD_CODE_PREFIX = "guard.mass-cancel"


@dataclass(frozen=True, slots=True)
class PlanRun:
    """A plan with what it was made from: the loaded manifests, the live state and "now"."""

    plan: Plan
    loaded: LoadResult
    live: LiveState
    now: datetime
    paths: tuple[str, ...]


def queue_refs(manifests: ManifestSet) -> tuple[QueueRef, ...]:
    """The platform queues the manifests talk about, each once, in a stable order."""
    refs = {(q.queue.id or "", q.queue.name or ""): q.queue for q in manifests.queues}
    return tuple(refs[key] for key in sorted(refs))


def secret_refs(manifests: ManifestSet) -> tuple[SecretRef, ...]:
    return tuple(
        hook.secret
        for hook in manifests.webhooks
        if hook.secret is not UNSET and isinstance(hook.secret, SecretRef)
    )


def _raise_for(problems: Sequence[Problem]) -> None:
    errors = tuple(p for p in problems if p.is_error)
    if not errors:
        return
    if all(p.code.startswith(GUARD_CODE_PREFIX) for p in errors):
        raise RefusedError(
            f"the plan would cancel too many reservations ({errors[0].message})",
            hint="Check the manifests; pass --allow-mass-cancel if this is intended.",
        )
    raise InfeasibleError(
        f"the plan cannot be made: {len(errors)} problem(s)",
        errors,
        hint="Fix the problems listed above; nothing was applied.",
    )


async def plan_run(
    paths: Sequence[str],
    driver: Driver,
    *,
    now: datetime | None = None,
    allow_mass_cancel: bool = False,
) -> PlanRun:
    """Load, validate, read live state and plan; raises on invalid manifests or infeasible plans."""
    moment = now if now is not None else await driver.now()
    with step("load manifests"):
        loaded = load_and_validate(list(paths), now=moment)
    with step("read live state"):
        live = await driver.read(queue_refs=queue_refs(loaded.manifests))
    with step("make plan"):
        plan = make_plan(
            loaded.manifests,
            live,
            now=moment,
            secret_digests=secret_digests(secret_refs(loaded.manifests)),
            allow_mass_cancel=allow_mass_cancel,
        )
    problems = tuple(loaded.source.locate(p) for p in plan.problems)
    _raise_for(problems)
    return PlanRun(plan, loaded, live, moment, tuple(paths))
