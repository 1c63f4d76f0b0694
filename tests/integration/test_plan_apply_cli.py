"""`gcbctl plan` and `gcbctl apply` against a real sandbox: convergence, exact diffs, drift."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from tests.integration.conftest import Workspace


def kinds(plan: dict[str, Any]) -> Counter[tuple[str, str]]:
    return Counter((a["type"], a["resource"]) for a in plan["actions"])


def scheduled(workspace: Workspace) -> Counter[str]:
    callbacks = workspace.world.state()["callbacks"]
    return Counter(c["callback_id"] for c in callbacks if c["status"] == "scheduled")


def applied(workspace: Workspace) -> None:
    result = workspace.apply()
    assert result.code == 0, result.err + result.out
    assert workspace.plan_json()["actions"] == []


def test_examples_apply_converge_and_a_second_apply_plans_nothing(workspace: Workspace) -> None:
    """The examples apply cleanly; then plan --detailed-exitcode says 0 and apply does nothing."""
    first = workspace.plan_json()
    assert first["actions"]
    result = workspace.apply()
    assert result.code == 0, result.err + result.out
    assert "Apply complete" in result.out
    again = workspace.gcbctl(
        "plan", str(workspace.manifests), "--detailed-exitcode", "--now", "2026-12-01T00:00:00Z"
    )
    assert again.code == 0, again.out + again.err
    second = workspace.apply()
    assert second.code == 0
    assert "No changes" in second.out
    booked = scheduled(workspace)
    creates = sum(1 for a in first["actions"] if a["resource"] == "callback")
    assert len(booked) == creates
    assert max(booked.values()) == 1


def test_apply_json_reports_the_plan_and_every_outcome(workspace: Workspace) -> None:
    """apply --output json prints one document: the plan, per-action outcomes, counts."""
    result = workspace.apply("--output", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document["ok"] is True
    assert len(document["results"]) == len(document["plan"]["actions"])
    assert document["outcomes"]["applied"] == len(document["results"])
    assert not re.search(r"\+\d{8,}", result.out)  # callback numbers stay masked


def test_each_manifest_change_plans_exactly_that_change(workspace: Workspace) -> None:
    """A reason edit, a capacity edit and a webhook edit each plan one matching action."""
    applied(workspace)
    workspace.edit("batch-claims-au.yaml", "Claim 4401 needs documents", "Claim 4401 is complete")
    assert kinds(workspace.plan_json()) == {("update", "callback"): 1}
    applied(workspace)
    workspace.edit("queues.yaml", "concurrencyLimit: 10", "concurrencyLimit: 12")
    assert kinds(workspace.plan_json()) == {("update", "queue"): 1}
    applied(workspace)
    workspace.edit("webhooks.yaml", "enabled: true", "enabled: false")
    assert kinds(workspace.plan_json()) == {("update", "webhook"): 1}
    applied(workspace)


def test_moved_window_reschedules_and_added_reservation_creates(workspace: Workspace) -> None:
    """Moving a reservation's only window reschedules it; a new reservation is one create."""
    applied(workspace)
    workspace.edit(
        "batch-claims-au.yaml",
        '{start: "2026-12-14T10:10:00+10:30", end: "2026-12-14T10:40:00+10:30"}',
        '{start: "2026-12-14T15:10:00+10:30", end: "2026-12-14T15:40:00+10:30"}',
    )
    assert kinds(workspace.plan_json()) == {("reschedule", "callback"): 1}
    applied(workspace)
    path = workspace.manifests / "batch-claims-au.yaml"
    path.write_text(
        path.read_text()
        + "    - callbackId: cb_claims_9999\n"
        + '      callbackNumber: "+61870101299"\n'
        + "      reason: New claim\n"
        + "      timeSlots:\n"
        + '        - {start: "2026-12-16T09:00:00+10:30", end: "2026-12-16T10:00:00+10:30"}\n'
    )
    assert kinds(workspace.plan_json()) == {("create", "callback"): 1}
    applied(workspace)


def test_removed_reservation_in_a_pruned_batch_is_canceled(workspace: Workspace) -> None:
    """Dropping a row from a `prune: true` batch plans exactly one cancel."""
    applied(workspace)
    csv = workspace.manifests / "care-in-followups.csv"
    lines = csv.read_text().splitlines(keepends=True)
    csv.write_text("".join(lines[:-1]))
    assert kinds(workspace.plan_json()) == {("cancel", "callback"): 1}
    applied(workspace)


def test_a_ui_change_shows_as_drift(workspace: Workspace) -> None:
    """A callback changed through the sandbox's UI surface is planned back and flagged as drift."""
    applied(workspace)
    target = next(
        c for c in workspace.world.state()["callbacks"] if c["callback_id"] == "cb_claims_0001"
    )
    workspace.world.ui_patch_callback(target["id"], reason="changed by an agent")
    plan = workspace.plan_json()
    assert len(plan["actions"]) == 1
    assert plan["actions"][0]["drift"] is True
    assert plan["drift"] == [plan["actions"][0]["address"]]
    applied(workspace)


def test_saved_plan_applies_and_refuses_when_stale(workspace: Workspace, tmp_path: Path) -> None:
    """apply PLANFILE carries out the saved plan; after a change on the platform it exits 4."""
    saved = tmp_path / "plan.json"
    made = workspace.gcbctl(
        "plan", str(workspace.manifests), "--out", str(saved), "--now", "2026-12-01T00:00:00Z"
    )
    assert made.code == 0, made.err
    assert json.loads(saved.read_text())["kind"] == "gcbctl-saved-plan"
    result = workspace.gcbctl("apply", str(saved), "--auto-approve")
    assert result.code == 0, result.err + result.out
    workspace.edit("batch-claims-au.yaml", "Claim 4402 needs documents", "Claim 4402 closed")
    workspace.gcbctl(
        "plan", str(workspace.manifests), "--out", str(saved), "--now", "2026-12-01T00:00:00Z"
    )
    target = next(
        c for c in workspace.world.state()["callbacks"] if c["callback_id"] == "cb_claims_0002"
    )
    workspace.world.ui_patch_callback(target["id"], reason="someone else")
    stale = workspace.gcbctl("apply", str(saved), "--auto-approve")
    assert stale.code == 4, stale.err + stale.out
    assert "stale" in stale.err


def test_apply_without_a_terminal_needs_auto_approve(workspace: Workspace) -> None:
    """Without a TTY to prompt on, apply refuses with exit 4 and changes nothing."""
    result = workspace.gcbctl("apply", str(workspace.manifests), "--now", "2026-12-01T00:00:00Z")
    assert result.code == 4
    assert "--auto-approve" in result.err
    assert not scheduled(workspace)


def test_mass_cancel_needs_allow_mass_cancel(workspace: Workspace) -> None:
    """Emptying a pruned batch is refused with exit 4 unless --allow-mass-cancel is given."""
    applied(workspace)
    csv = workspace.manifests / "care-in-followups.csv"
    csv.write_text(csv.read_text().splitlines(keepends=True)[0])
    refused = workspace.gcbctl("plan", str(workspace.manifests), "--now", "2026-12-01T00:00:00Z")
    assert refused.code == 4, refused.out + refused.err
    assert "--allow-mass-cancel" in refused.err
    plan = workspace.plan_json("--allow-mass-cancel")
    assert {a["type"] for a in plan["actions"]} == {"cancel"}
