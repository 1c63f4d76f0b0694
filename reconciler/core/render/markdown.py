"""The plan as Markdown for a pull-request comment, split into parts that fit one comment each.

Summary first (the line reviewers look for, drift and problem counts), then a per-queue slot
usage table, then one collapsible `<details>` section per kind of change, drift and problems.
GitHub rejects comments over 65,536 characters, so the output is a list of parts each under
`MARKDOWN_LIMIT`; a section too long for one part continues in the next under the same title.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Final

from reconciler.core.actions import Action, ActionType
from reconciler.core.planner.plan import Plan, QueueUsage
from reconciler.core.render.display import change_view, redacted, show
from reconciler.core.render.text import problem_lines

MARKDOWN_LIMIT: Final = 65_000
_MARGIN: Final = 200
_LINE_CAP: Final = 1_000
_TITLE: Final = "## gcbctl plan"
_SECTIONS: Final = (
    (ActionType.CANCEL, "Cancels"),
    (ActionType.DELETE, "Deletes"),
    (ActionType.UPDATE, "Updates"),
    (ActionType.RESCHEDULE, "Reschedules"),
    (ActionType.CREATE, "Creates"),
    (ActionType.ADOPT, "Adoptions"),
)
Section = tuple[str, list[str]]


def _fence_safe(line: str) -> str:
    line = line.replace("`", "'")
    return line if len(line) <= _LINE_CAP else line[: _LINE_CAP - 1] + "…"


def _action_lines(action: Action) -> list[str]:
    lines = [f"{action.type.symbol} {action.address}  # {redacted(action.reason)}"]
    for change in action.changes:
        view = change_view(change)
        if view["before"] is None and action.type is ActionType.CREATE:
            lines.append(f"    {view['path']} = {show(view['after'])}")
        else:
            lines.append(f"    {view['path']}: {show(view['before'])} -> {show(view['after'])}")
    return [_fence_safe(line) for line in lines]


def _usage_table(usage: Sequence[QueueUsage]) -> list[str]:
    rows = [
        "| Queue | Limit | Slot | Booked now | Booked after | Slots used | Full slots | Peak |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for u in usage:
        name = html.escape(f"{u.queue_name} ({u.capacity})").replace("|", "\\|")
        rows.append(
            f"| {name} | {u.concurrency_limit} | {u.slot_minutes} min | {u.booked_before} | "
            f"{u.booked_after} | {u.slots_used} | {u.full_slots} | {u.peak} |"
        )
    return rows


def _header(plan: Plan) -> str:
    lines = [_TITLE, "", f"**{plan.summary_line()}**", ""]
    if not plan.actions:
        lines += ["No changes. The platform matches the manifests.", ""]
    if plan.drift:
        lines += [f"**Drift:** {len(plan.drift)} object(s) changed outside gcbctl.", ""]
    errors = len(plan.errors)
    if plan.problems:
        warnings = len(plan.problems) - errors
        lines += [f"**Problems:** {errors} error(s), {warnings} warning(s).", ""]
    if plan.usage:
        lines += ["### Slot usage", "", *_usage_table(plan.usage), ""]
    return "\n".join(lines)


def _sections(plan: Plan) -> list[Section]:
    out: list[Section] = []
    if plan.problems:
        out.append(("Problems", [_fence_safe(line) for line in problem_lines(plan.problems)]))
    for kind, title in _SECTIONS:
        picked = [a for a in plan.changes if a.type is kind]
        if picked:
            out.append(
                (f"{title} ({len(picked)})", [ln for a in picked for ln in _action_lines(a)])
            )
    if plan.drift:
        lines = [ln for a in plan.drift for ln in _action_lines(a)]
        out.append((f"Drift ({len(plan.drift)})", lines))
    return out


def _details(title: str, lines: Sequence[str]) -> str:
    body = "\n".join(lines)
    return (
        f"<details><summary>{html.escape(title)}</summary>\n\n```diff\n{body}\n```\n\n</details>\n"
    )


def _chunks(title: str, lines: list[str], room: int) -> list[str]:
    """The section as one or more `<details>` blocks, each at most `room` characters."""
    frame = len(_details(f"{title}, continued", []))
    blocks: list[str] = []
    current: list[str] = []
    size = frame
    for line in lines:
        if current and size + len(line) + 1 > room:
            blocks.append(_details(title if not blocks else f"{title}, continued", current))
            current, size = [], frame
        current.append(line)
        size += len(line) + 1
    blocks.append(_details(title if not blocks else f"{title}, continued", current))
    return blocks


def render_markdown(plan: Plan) -> list[str]:
    """Markdown parts, each shorter than `MARKDOWN_LIMIT` characters, in reading order."""
    limit = MARKDOWN_LIMIT - _MARGIN
    header = _header(plan)
    parts: list[str] = []
    current = header
    for title, lines in _sections(plan):
        for block in _chunks(title, lines, limit - len(_TITLE) - 2):
            if len(current) + len(block) + 1 > limit:
                parts.append(current)
                current = f"{_TITLE} (continued)\n"
            current += "\n" + block
    parts.append(current)
    if len(parts) > 1:
        total = len(parts)
        parts = [
            p.replace("\n", f"\n\n_Part {i} of {total}._\n", 1) for i, p in enumerate(parts, 1)
        ]
    return parts
