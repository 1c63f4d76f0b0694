"""Queue capacity, webhooks, pruning, the mass-cancel guard, ordering and reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from reconciler.core.actions import ActionType, FieldChange, ResourceType
from reconciler.core.live import LiveWebhook
from reconciler.core.model import UNSET, Origin, SecretRef, Webhook
from reconciler.core.planner import Phase, make_plan
from reconciler.core.planner.spechash import live_callback_spec, spec_hash
from tests.core.planner.factories import (
    NOW,
    batch,
    capacity,
    foreign,
    live_queue,
    manifests,
    ny,
    reservation,
    state,
    window,
)
from tests.core.planner.simulate import apply_plan

OURS = {"gcbctl.io/managed-by": "gcbctl"}


def hook(name: str = "calendar-sync", **fields: object) -> Webhook:
    base = {"url": "https://calendar.example.com/hook", "origin": Origin("hooks.yaml")}
    return Webhook(name=name, **{**base, **fields})  # type: ignore[arg-type]


def live_hook(
    name: str = "calendar-sync", labels: dict[str, str] | None = None, **fields: object
) -> LiveWebhook:
    base: dict[str, object] = {
        "id": f"wh-{name}",
        "name": name,
        "url": "https://calendar.example.com/hook",
        "content_type": "application/json",
        "enabled": True,
        "events": ("reservation.created",),
        "labels": labels or {},
        "version": 2,
    }
    return LiveWebhook(**{**base, **fields})  # type: ignore[arg-type]


def test_unstated_queue_settings_are_not_compared() -> None:
    """A QueueCapacity stating only the limit ignores every other live setting."""
    queue = live_queue(holidays=(date(2026, 12, 31),), slot_minutes=30)
    plan = make_plan(
        manifests(queues=[capacity(concurrency_limit=10)]), state(queues=[queue]), now=NOW
    )
    assert plan.actions == ()


def test_capacity_raise_runs_first_and_lower_runs_late() -> None:
    """A raise is phase CAPACITY_RAISE; a lower is CAPACITY_LOWER, after callbacks move."""
    up = make_plan(manifests(queues=[capacity(concurrency_limit=20)]), state(), now=NOW)
    assert [(a.phase, a.changes) for a in up.actions] == [
        (Phase.CAPACITY_RAISE, (FieldChange("concurrency_limit", 10, 20),))
    ]
    down = make_plan(manifests(queues=[capacity(concurrency_limit=4)]), state(), now=NOW)
    assert [a.phase for a in down.actions] == [Phase.CAPACITY_LOWER]
    assert down.actions[0].desired.concurrency_limit == 4  # type: ignore[union-attr]


def test_lower_limit_with_new_holidays_is_split_in_two() -> None:
    """Holidays (needed before bookings) and a lower limit (after moves) are two steps."""
    cap = capacity(concurrency_limit=4, holidays=(date(2026, 12, 24), date(2026, 12, 25)))
    plan = make_plan(manifests(queues=[cap]), state(), now=NOW)
    assert [(a.phase, [c.path for c in a.changes]) for a in plan.actions] == [
        (Phase.CAPACITY_RAISE, ["holidays"]),
        (Phase.CAPACITY_LOWER, ["concurrency_limit"]),
    ]
    settings = plan.actions[0].desired
    assert settings.holidays == ("2026-12-24", "2026-12-25")  # type: ignore[union-attr]
    assert settings.concurrency_limit is None  # type: ignore[union-attr]


def test_unknown_queue_is_a_problem_and_its_batches_are_skipped() -> None:
    """A QueueCapacity naming no live queue is reported; nothing is planned for its batches."""
    desired = manifests(
        [batch("b", [reservation("a", window(ny(15, 14)))])], queues=[capacity(queue_id="nope")]
    )
    plan = make_plan(desired, state(), now=NOW)
    assert [p.code for p in plan.problems] == ["queue.not-found"]
    assert plan.actions == ()


def test_webhook_create_update_adopt_delete() -> None:
    """Each webhook case gets its action; webhooks gcbctl does not own are never deleted."""
    desired = manifests(
        queues=[], webhooks=[hook("new"), hook("mine", enabled=False), hook("theirs")]
    )
    plan = make_plan(desired, state(), now=NOW)
    owned = apply_plan(plan, state())
    hooks = [
        *[h for h in owned.webhooks if h.name == "mine"],
        live_hook("theirs"),
        live_hook("stale", labels={**OURS, "gcbctl.io/owner": "Webhook/stale"}),
        live_hook("unrelated"),
    ]
    desired = manifests(
        queues=[], webhooks=[hook("new"), hook("mine", enabled=True), hook("theirs")]
    )
    plan = make_plan(desired, replace(owned, webhooks=tuple(hooks)), now=NOW)
    kinds = [(a.type, a.address, a.phase) for a in plan.actions]
    assert kinds == [
        (ActionType.UPDATE, "Webhook/mine", Phase.WEBHOOKS),
        (ActionType.CREATE, "Webhook/new", Phase.WEBHOOKS),
        (ActionType.ADOPT, "Webhook/theirs", Phase.WEBHOOKS),
        (ActionType.DELETE, "Webhook/stale", Phase.WEBHOOK_DELETES),
    ]
    assert plan.actions[0].changes == (FieldChange("enabled", False, True),)


def test_webhook_secret_compared_by_digest_only() -> None:
    """A different secret digest is a change shown as sensitive; an unknown one is a warning."""
    ref = SecretRef(from_env="HOOK_SECRET")
    desired = manifests(queues=[], webhooks=[hook(secret=ref)])
    digests = {"env:HOOK_SECRET": "a" * 64}
    live = apply_plan(
        make_plan(desired, state(), now=NOW, secret_digests=digests), state(), digests
    )
    assert make_plan(desired, live, now=NOW, secret_digests=digests).actions == ()
    rotated = make_plan(desired, live, now=NOW, secret_digests={"env:HOOK_SECRET": "b" * 64})
    assert rotated.actions[0].changes == (
        FieldChange("secret", "(sensitive value)", "(sensitive value)"),
    )
    unknown = make_plan(desired, live, now=NOW)
    assert unknown.actions == ()
    assert [p.code for p in unknown.problems] == ["webhook.secret-unavailable"]


def test_unstated_webhook_fields_are_not_compared() -> None:
    """Without events or enabled in the manifest, live values stay."""
    live = state(webhooks=[live_hook(labels={**OURS, "gcbctl.io/owner": "Webhook/calendar-sync"})])
    desired = manifests(queues=[], webhooks=[hook(events=UNSET)])
    plan = make_plan(desired, live, now=NOW)
    assert [c.path for a in plan.actions for c in a.changes] == ["labels.gcbctl.io/spec-hash"]


def _owned(cid: str, owner: str, hour: int) -> object:
    labels = {**OURS, "gcbctl.io/owner": f"ReservationBatch/{owner}"}
    return foreign(cid, ny(15, hour), callback_id=cid, labels=labels)


def test_prune_cancels_only_this_batchs_leftovers() -> None:
    """prune cancels callbacks owned by the batch and declared nowhere; nothing else."""
    live = state(
        _owned("keep", "b", 9),
        _owned("gone", "b", 10),
        _owned("gone2", "b", 11),
        _owned("elsewhere", "other", 10),
        foreign("hand", ny(15, 10)),
        _owned("moved", "b", 12),
    )  # type: ignore[arg-type]
    desired = manifests(
        [
            batch("b", [reservation("keep", window(ny(15, 9)))], prune=True),
            batch("c", [reservation("moved", window(ny(15, 12)))]),
        ]
    )
    plan = make_plan(desired, live, now=NOW, allow_mass_cancel=True)
    cancels = [a.address for a in plan.actions if a.type is ActionType.CANCEL]
    assert cancels == ["ReservationBatch/b/gone", "ReservationBatch/b/gone2"]
    assert all(a.phase == Phase.CANCELS for a in plan.actions if a.type is ActionType.CANCEL)


def test_without_prune_leftovers_stay() -> None:
    """A batch without prune never cancels anything."""
    live = state(_owned("gone", "b", 10))  # type: ignore[arg-type]
    plan = make_plan(manifests([batch("b", [])]), live, now=NOW)
    assert plan.actions == ()


def test_mass_cancel_guard() -> None:
    """Cancelling more than half a batch is a guard problem unless allowed; half is fine."""
    live = state(*(_owned(f"c{i}", "b", 9 + i) for i in range(4)))  # type: ignore[arg-type]
    keep_two = manifests(
        [batch("b", [reservation(f"c{i}", window(ny(15, 9 + i))) for i in range(2)], prune=True)]
    )
    assert make_plan(keep_two, live, now=NOW).problems == ()
    keep_one = manifests([batch("b", [reservation("c0", window(ny(15, 9)))], prune=True)])
    guarded = make_plan(keep_one, live, now=NOW)
    assert [p.code for p in guarded.problems] == ["guard.mass-cancel"]
    assert make_plan(keep_one, live, now=NOW, allow_mass_cancel=True).problems == ()


def test_cancelling_the_whole_org_is_guarded() -> None:
    """Pruning every callback on the platform trips the guard."""
    live = state(_owned("c0", "b", 9), _owned("c1", "b", 10))  # type: ignore[arg-type]
    plan = make_plan(manifests([batch("b", [], prune=True)]), live, now=NOW)
    assert [p.code for p in plan.problems] == ["guard.mass-cancel"]


def test_actions_follow_the_phase_order() -> None:
    """Raises, webhooks, cancels, reschedules, creates, lowers, deletes: ascending phases."""
    live = state(
        _owned("gone", "b", 10),
        _owned("move", "b", 11),
        queues=[live_queue(limit=10)],
    )  # type: ignore[arg-type]
    live = replace(
        live, webhooks=(live_hook("stale", labels={**OURS, "gcbctl.io/owner": "Webhook/stale"}),)
    )
    desired = manifests(
        [
            batch(
                "b",
                [reservation("move", window(ny(16, 11))), reservation("new", window(ny(15, 9)))],
                prune=True,
            )
        ],
        queues=[capacity(concurrency_limit=5, holidays=())],
        webhooks=[hook("new")],
    )
    plan = make_plan(desired, live, now=NOW, allow_mass_cancel=True)
    phases = [a.phase for a in plan.actions]
    assert phases == sorted(phases)
    assert [a.type for a in plan.actions] == [
        ActionType.UPDATE,
        ActionType.CREATE,
        ActionType.CANCEL,
        ActionType.RESCHEDULE,
        ActionType.CREATE,
        ActionType.UPDATE,
        ActionType.DELETE,
    ]


def test_reads_record_every_live_object_version() -> None:
    """Saved plans need the version of each object read: queues, callbacks and webhooks."""
    live = state(foreign("x", ny(15, 9)), webhooks=[live_hook("h")])
    plan = make_plan(manifests(), live, now=NOW)
    assert plan.reads == {"callback/x": "1", "queue/queue_12345": "3", "webhook/wh-h": "2"}


def test_resource_types_are_set() -> None:
    """Every action says which kind of platform object it touches."""
    plan = make_plan(
        manifests([batch("b", [reservation("a", window(ny(15, 9)))])], webhooks=[hook()]),
        state(),
        now=NOW,
    )
    assert {a.resource for a in plan.actions} == {ResourceType.CALLBACK, ResourceType.WEBHOOK}


def test_webhook_changed_outside_gcbctl_is_drift() -> None:
    """A webhook disabled by hand is re-enabled, flagged as drift."""
    desired = manifests(queues=[], webhooks=[hook(enabled=True)])
    live = apply_plan(make_plan(desired, state(), now=NOW), state())
    changed = replace(live, webhooks=tuple(replace(h, enabled=False) for h in live.webhooks))
    (update,) = make_plan(desired, changed, now=NOW).actions
    assert update.drift
    assert update.changes == (FieldChange("enabled", False, True),)


def test_spec_hash_label_matches_the_object_as_written() -> None:
    """The spec-hash label of a create equals the hash of the callback the platform then holds."""
    desired = manifests([batch("b", [reservation("a", window(ny(15, 9)))])])
    plan = make_plan(desired, state(), now=NOW)
    (callback,) = apply_plan(plan, state()).callbacks
    spec = live_callback_spec(callback, unmanaged=frozenset({"channel_preferences"}))
    assert callback.labels["gcbctl.io/spec-hash"] == spec_hash(spec)
    assert spec_hash({"b": 1, "a": 2}) == spec_hash({"a": 2, "b": 1})
