"""The plan for people, in Terraform's manner: `+` create, `~` update/reschedule, `-` cancel or
delete, `<=` adopt, each with its reason and field changes, drift listed apart, problems, and the
summary line last. Colour only when asked for (the CLI decides from --color and NO_COLOR).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from reconciler.core.actions import Action, ActionType
from reconciler.core.planner.plan import Plan
from reconciler.core.problems import Problem
from reconciler.core.render.display import VERBS, change_view, redacted, show

_RESET: Final = "\033[0m"
_COLOURS: Final = {
    ActionType.CREATE: "\033[32m",
    ActionType.UPDATE: "\033[33m",
    ActionType.RESCHEDULE: "\033[33m",
    ActionType.CANCEL: "\033[31m",
    ActionType.DELETE: "\033[31m",
    ActionType.ADOPT: "\033[36m",
    ActionType.NOOP: "",
}
_BOLD: Final = "\033[1m"


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.color and code else text


def action_lines(action: Action, painter: _Painter) -> list[str]:
    """One action: a comment with what and why, the mark and address, then the fields."""
    mark = painter.paint(action.type.symbol, _COLOURS[action.type])
    lines = [
        f"  # {action.address} will be {VERBS[action.type]}: {redacted(action.reason)}",
        f"  {mark} {action.resource} {action.address}",
    ]
    for change in action.changes:
        view = change_view(change)
        if view["before"] is None and action.type is ActionType.CREATE:
            lines.append(f"      + {view['path']} = {show(view['after'])}")
        else:
            arrow = f"{show(view['before'])} -> {show(view['after'])}"
            lines.append(
                f"      {painter.paint('~', _COLOURS[ActionType.UPDATE])} {view['path']}: {arrow}"
            )
    return lines


def problem_lines(problems: Iterable[Problem]) -> list[str]:
    lines = []
    for problem in problems:
        where = problem.origin.file or "-"
        if problem.line:
            where += f":{problem.line}:{problem.column}"
        lines.append(
            f"  {problem.severity}: {redacted(problem.message)} [{problem.code}] ({where})"
        )
        if problem.hint:
            lines.append(f"      hint: {problem.hint}")
    return lines


def render_text(plan: Plan, *, color: bool) -> str:
    """The whole plan as text ending in a newline; numbers masked, secrets never present."""
    painter = _Painter(color)
    out: list[str] = []
    if plan.changes:
        out.append("gcbctl will perform the following actions, in this order:")
        for action in plan.changes:
            out += ["", *action_lines(action, painter)]
        out.append("")
    if plan.drift:
        out.append(
            painter.paint("Drift: changed outside gcbctl, and will be set back or recorded:", _BOLD)
        )
        for action in plan.drift:
            out += ["", *action_lines(action, painter)]
        out.append("")
    if plan.problems:
        out += ["Problems:", *problem_lines(plan.problems), ""]
    if not plan.actions:
        out.append("No changes. The platform matches the manifests.")
    counts = plan.summary()
    line = plan.summary_line()
    if counts["drift"]:
        line += f" ({counts['drift']} of them drift)"
    out.append(painter.paint(line, _BOLD))
    return "\n".join(out) + "\n"
