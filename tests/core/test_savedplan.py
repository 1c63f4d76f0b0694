"""Saved plans: what they hold (no secrets, no numbers) and when applying them is refused."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from reconciler.core.model import Origin, QueueCapacity, QueueRef, SecretRef, Webhook
from reconciler.core.planner import make_plan
from reconciler.core.savedplan import dump, ensure_current, load, stale_reasons
from reconciler.errors import RefusedError, UsageError
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

DIGEST = "sha256:" + "d" * 64
HOOK = Webhook(
    "h", "https://example.com/x", Origin("h.yaml"), secret=SecretRef(from_env="SECRET_H")
)
DESIRED = manifests([batch("b", [reservation("a", window(ny(15, 9)))])], webhooks=[HOOK])
SECRET_DIGESTS = {"env:SECRET_H": "f" * 64}


def saved() -> dict[str, object]:
    plan = make_plan(DESIRED, state(), now=NOW, secret_digests=SECRET_DIGESTS)
    return dump(plan, manifest_digest=DIGEST, paths=["examples/manifests"], tool_version="0.1.0")


def test_dump_records_versions_digest_and_actions_without_personal_data() -> None:
    """The record has format, tool version, manifest digest, reads and actions, but no number."""
    data = saved()
    text = json.dumps(data, ensure_ascii=False)
    assert data["format_version"] == "1"
    assert data["tool_version"] == "0.1.0"
    assert data["manifests"] == {"digest": DIGEST, "paths": ["examples/manifests"]}
    assert data["reads"] == {"queue/queue_12345": "3"}
    assert [a["address"] for a in data["actions"]] == ["Webhook/h", "ReservationBatch/b/a"]  # type: ignore[index]
    assert "4155550199" not in text
    assert "f" * 64 not in text


def test_round_trip_and_fresh_identical_plan_is_accepted() -> None:
    """Loading a dump and re-planning the same inputs finds nothing stale."""
    loaded = load(json.loads(json.dumps(saved())))
    fresh = make_plan(DESIRED, state(), now=NOW, secret_digests=SECRET_DIGESTS)
    assert stale_reasons(loaded, fresh, manifest_digest=DIGEST) == ()
    ensure_current(loaded, fresh, manifest_digest=DIGEST)


def test_changed_manifests_are_refused() -> None:
    """A different manifest digest refuses the saved plan with exit code 4."""
    fresh = make_plan(DESIRED, state(), now=NOW, secret_digests=SECRET_DIGESTS)
    with pytest.raises(RefusedError) as refused:
        ensure_current(load(saved()), fresh, manifest_digest="sha256:other")
    assert refused.value.exit_code == 4
    assert "manifests changed" in refused.value.message


def test_changed_platform_is_refused() -> None:
    """When the platform changed so that the plan differs, the saved plan is stale."""
    crowded = state(*(foreign(f"x{i}", ny(15, 9)) for i in range(10)), queues=[live_queue()])
    fresh = make_plan(DESIRED, crowded, now=NOW, secret_digests=SECRET_DIGESTS)
    reasons = stale_reasons(load(saved()), fresh, manifest_digest=DIGEST)
    assert any("no longer planned: create ReservationBatch/b/a" in r for r in reasons)


def test_touched_object_version_change_is_refused() -> None:
    """An object the plan updates that changed version since is reported."""
    desired = replace(
        DESIRED,
        queues=(
            QueueCapacity(
                "tech-support", QueueRef(id="queue_12345"), Origin("q"), concurrency_limit=20
            ),
        ),
    )
    plan = make_plan(desired, state(), now=NOW, secret_digests=SECRET_DIGESTS)
    record = load(dump(plan, manifest_digest=DIGEST, paths=[], tool_version="0.1.0"))
    fresh = make_plan(
        desired, state(queues=[live_queue(version=4)]), now=NOW, secret_digests=SECRET_DIGESTS
    )
    reasons = stale_reasons(record, fresh, manifest_digest=DIGEST)
    assert "queue/queue_12345 changed since the plan (3 -> 4)" in reasons[0]


def test_wrong_files_are_rejected() -> None:
    """Another kind of file is a usage error; another format version is refused."""
    with pytest.raises(UsageError):
        load({"kind": "something"})
    with pytest.raises(RefusedError):
        load({**saved(), "format_version": "9"})
    with pytest.raises(UsageError):
        load({"kind": "gcbctl-saved-plan", "format_version": "1"})
