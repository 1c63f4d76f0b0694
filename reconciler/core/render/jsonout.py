"""The plan as JSON for programs: a versioned contract with a stable key and item order.

`format_version` changes only when a consumer would have to change; new keys may be added
without a bump. Actions are in plan (apply) order; drift is both a flag on each action and a
list of addresses; no-ops are listed with their reasons so a reviewer can see why something was
left alone.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Final

from reconciler.core.planner.plan import Plan
from reconciler.core.planner.spechash import utc_text
from reconciler.core.render.display import action_view, problem_view, redacted

FORMAT_VERSION: Final = "1"


def render_json(plan: Plan) -> dict[str, Any]:
    """A JSON-ready dict; dump it with any serializer (keys are already in a stable order)."""
    return {
        "format_version": FORMAT_VERSION,
        "planned_at": utc_text(plan.now) if plan.now else None,
        "summary": plan.summary(),
        "actions": [action_view(a) for a in plan.actions],
        "drift": [a.address for a in plan.drift],
        "noops": [
            {"resource": str(a.resource), "address": a.address, "reason": redacted(a.reason)}
            for a in plan.noops
        ],
        "problems": [problem_view(p) for p in plan.problems],
        "usage": [asdict(u) for u in plan.usage],
    }
