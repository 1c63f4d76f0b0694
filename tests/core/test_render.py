"""Renderers: Terraform-like text, versioned JSON, Markdown parts; numbers always masked."""

from __future__ import annotations

import json
from dataclasses import replace

from reconciler.core.planner import Plan, make_plan
from reconciler.core.render import MARKDOWN_LIMIT, render_json, render_markdown, render_text
from tests.core.planner.factories import (
    NOW,
    batch,
    foreign,
    live_queue,
    manifests,
    ny,
    reservation,
    state,
    window,
)
from tests.core.planner.simulate import apply_plan

NUMBER = "+14155550199"


def mixed_plan() -> Plan:
    """A plan with a create, a manifest update, a drift fix and a problem."""
    keep = reservation("keep", window(ny(15, 9)), reason="Escalation")
    edit = reservation("edit", window(ny(15, 10)), reason="Old")
    live = apply_plan(make_plan(manifests([batch("b", [keep, edit])]), state(), now=NOW), state())
    drifted = tuple(
        replace(c, reason="typed by hand") if c.callback_id == "keep" else c for c in live.callbacks
    )
    desired = manifests(
        [
            batch("b", [keep, replace(edit, reason="New"), reservation("new", window(ny(15, 11)))]),
            batch("c", [reservation("stuck", window(ny(25, 9)))]),
        ]
    )
    return make_plan(desired, replace(live, callbacks=drifted), now=NOW)


def test_text_has_marks_field_diffs_drift_section_and_summary() -> None:
    """Text shows + and ~ lines, field changes, drift apart, problems and the summary last."""
    text = render_text(mixed_plan(), color=False)
    assert "  + callback ReservationBatch/b/new" in text
    assert '      ~ reason: "Old" -> "New"' in text
    drift_part = text.split("Drift:")[1]
    assert "ReservationBatch/b/keep" in drift_part
    assert "ReservationBatch/b/edit" not in drift_part
    assert "timeslot.unplaceable" in text
    assert (
        text.rstrip().splitlines()[-1].startswith("Plan: 1 to create, 2 to update, 0 to reschedule")
    )
    assert "\033[" not in text


def test_text_colour_only_when_asked() -> None:
    """ANSI colour codes appear with color=True only."""
    assert "\033[32m+\033[0m" in render_text(mixed_plan(), color=True)


def test_empty_plan_says_no_changes() -> None:
    """A converged plan says so, and still ends with the summary line."""
    text = render_text(Plan(), color=False)
    assert "No changes." in text
    assert text.endswith(
        "Plan: 0 to create, 0 to update, 0 to reschedule, 0 to cancel, 0 to adopt, 0 to delete.\n"
    )


def test_no_full_number_in_any_rendering() -> None:
    """The callback number appears only masked in text, JSON and Markdown."""
    plan = mixed_plan()
    outputs = [
        render_text(plan, color=False),
        json.dumps(render_json(plan)),
        *render_markdown(plan),
    ]
    for out in outputs:
        assert NUMBER not in out
        assert "4155550199" not in out
    assert "•••••••0199" in json.dumps(render_json(plan), ensure_ascii=False)


def test_json_is_versioned_and_stable() -> None:
    """JSON has format_version "1", actions in plan order, drift addresses and no-ops."""
    plan = mixed_plan()
    data = render_json(plan)
    assert data["format_version"] == "1"
    assert list(data) == [
        "format_version",
        "planned_at",
        "summary",
        "actions",
        "drift",
        "noops",
        "problems",
        "usage",
    ]
    assert [a["address"] for a in data["actions"]] == [a.address for a in plan.actions]
    assert data["drift"] == ["ReservationBatch/b/keep"]
    assert data["summary"]["drift"] == 1
    assert json.dumps(data) == json.dumps(render_json(mixed_plan()))


def test_markdown_summary_first_then_usage_table_and_details() -> None:
    """Markdown starts with the summary line, has a usage table and collapsible sections."""
    (part,) = render_markdown(mixed_plan())
    lines = part.splitlines()
    assert lines[0] == "## gcbctl plan"
    assert lines[2].startswith("**Plan: 1 to create")
    assert "| Tech Support (tech-support) | 10 | 15 min |" in part
    assert "<details><summary>Creates (1)</summary>" in part
    assert "<details><summary>Drift (1)</summary>" in part


def test_markdown_splits_large_plans_under_the_limit() -> None:
    """A plan with thousands of creates is split into parts, each under 65,000 characters."""
    many = [reservation(f"cb{i:05d}", window(ny(14 + i % 3, 8 + i % 10), 15)) for i in range(3000)]
    queue = live_queue(limit=50)
    plan = make_plan(manifests([batch("big", many)]), state(queues=[queue]), now=NOW)
    parts = render_markdown(plan)
    assert len(parts) > 1
    assert all(len(p) < MARKDOWN_LIMIT for p in parts)
    assert parts[0].startswith("## gcbctl plan\n\n_Part 1 of")
    joined = "".join(parts)
    assert all(f"cb{i:05d}" in joined for i in range(0, 3000, 97))
    assert joined.count("```diff") == joined.count("</details>")


def test_markdown_escapes_code_fences_in_text() -> None:
    """A reason containing backticks cannot close the diff fence early."""
    res = reservation("a", window(ny(15, 9)), reason="```html")
    (part,) = render_markdown(
        make_plan(manifests([batch("b", [res])]), state(foreign("x", ny(15, 9))), now=NOW)
    )
    assert part.count("```") == 2
