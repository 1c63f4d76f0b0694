"""The callback diff: create, update with field changes, reschedule, adopt, drift, ownership."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

from reconciler.core.actions import ActionType, FieldChange
from reconciler.core.live import CallbackStatus, LiveState
from reconciler.core.model import (
    LABEL_MANAGED_BY,
    LABEL_OWNER,
    UNSET,
    Channel,
    ChannelPreferences,
)
from reconciler.core.planner import Phase, make_plan
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

RES = reservation("a", window(ny(15, 14), 60), reason="Escalation")


def booked(*batches: object) -> LiveState:
    """Live state right after applying the given batches to an empty platform."""
    desired = manifests(batches)  # type: ignore[arg-type]
    return apply_plan(make_plan(desired, state(), now=NOW), state())


def edit(live: LiveState, **fields: object) -> LiveState:
    """The platform after someone changed callback `a` by hand."""
    callbacks = tuple(replace(c, **fields) if c.callback_id == "a" else c for c in live.callbacks)  # type: ignore[arg-type]
    return replace(live, callbacks=callbacks)


def test_missing_callback_is_created_with_ownership_labels() -> None:
    """A create carries managed-by, owner and spec-hash labels and lists what it sets."""
    plan = make_plan(manifests([batch("b", [RES])]), state(), now=NOW)
    (create,) = plan.actions
    assert create.type is ActionType.CREATE
    assert create.phase == Phase.CREATES
    labels = dict(create.desired.labels)  # type: ignore[union-attr]
    assert labels[LABEL_MANAGED_BY] == "gcbctl"
    assert labels[LABEL_OWNER] == "ReservationBatch/b"
    assert len(labels["gcbctl.io/spec-hash"]) == 16
    assert FieldChange("callback_number", None, "•••••••0199") in create.changes


def test_manifest_change_is_an_update_with_field_diffs_not_drift() -> None:
    """Changing the reason in the manifest updates just that field, flagged as not drift."""
    live = booked(batch("b", [RES]))
    plan = make_plan(manifests([batch("b", [replace(RES, reason="Billing")])]), live, now=NOW)
    (update,) = plan.actions
    assert update.type is ActionType.UPDATE
    assert not update.drift
    assert update.changes == (FieldChange("reason", "Escalation", "Billing"),)
    assert update.reason == "the manifest changed"


def test_change_outside_gcbctl_is_drift() -> None:
    """A reason changed by hand is put back and flagged as drift."""
    live = edit(booked(batch("b", [RES])), reason="typed in the UI")
    plan = make_plan(manifests([batch("b", [RES])]), live, now=NOW)
    (update,) = plan.actions
    assert update.drift
    assert update.reason == "changed outside gcbctl"
    assert plan.drift == (update,)
    assert plan.changes == ()


def test_number_changes_are_masked() -> None:
    """A new callback number shows only its last four digits, before and after."""
    live = booked(batch("b", [RES]))
    plan = make_plan(
        manifests([batch("b", [replace(RES, callback_number="+14155550123")])]), live, now=NOW
    )
    assert plan.actions[0].changes == (
        FieldChange("callback_number", "•••••••0199", "•••••••0123"),
    )


def test_slot_outside_new_windows_is_rescheduled() -> None:
    """Moving the window in the manifest reschedules into the new window, with the reason."""
    live = booked(batch("b", [RES]))
    moved = replace(RES, time_slots=(window(ny(16, 9)),))
    plan = make_plan(manifests([batch("b", [moved])]), live, now=NOW)
    (action,) = plan.actions
    assert action.type is ActionType.RESCHEDULE
    assert not action.drift
    assert action.changes == (
        FieldChange("slot", "2026-12-15T14:00:00-05:00", "2026-12-16T09:00:00-05:00"),
    )
    assert "outside the reservation's windows" in action.reason


def test_slot_moved_by_hand_out_of_its_windows_is_drift() -> None:
    """A callback moved by hand to an unacceptable slot is moved back, as drift."""
    live = edit(booked(batch("b", [RES])), callback_time=ny(16, 9).astimezone(UTC))
    (action,) = make_plan(manifests([batch("b", [RES])]), live, now=NOW).actions
    assert action.type is ActionType.RESCHEDULE
    assert action.drift


def test_unmanaged_fields_are_not_compared() -> None:
    """Without reason or channel preferences in the manifest, live values are left alone."""
    bare = replace(RES, reason=UNSET)
    live = booked(batch("b", [bare]))
    prefs = ChannelPreferences(Channel.SMS, Channel.VOICE, allow_sms=True)
    changed = edit(live, reason="set in the UI", channel_preferences=prefs)
    plan = make_plan(manifests([batch("b", [bare])]), changed, now=NOW)
    assert plan.actions == ()


def test_stated_channel_preferences_are_compared_field_by_field() -> None:
    """Channel preferences in the manifest are enforced one sub-field at a time."""
    prefs = ChannelPreferences(Channel.VOICE, Channel.SMS, allow_sms=True)
    res = replace(RES, channel_preferences=prefs)
    live = booked(batch("b", [RES]))
    (update,) = make_plan(manifests([batch("b", [res])]), live, now=NOW).actions
    assert [c.path for c in update.changes] == [
        "channel_preferences.fallback",
        "channel_preferences.allow_sms",
    ]


def test_callback_without_labels_is_adopted() -> None:
    """A live callback with the declared callbackId but not gcbctl's labels is adopted."""
    live = state(foreign("a", ny(15, 14, 30), reason="Escalation"))
    (adopt,) = make_plan(manifests([batch("b", [RES])]), live, now=NOW).actions
    assert adopt.type is ActionType.ADOPT
    assert adopt.phase == Phase.CREATES
    paths = [c.path for c in adopt.changes]
    assert "labels.gcbctl.io/managed-by" in paths
    assert "slot" not in paths


def test_callback_moving_between_batches_changes_owner() -> None:
    """A reservation moved to another batch keeps its booking; only the owner label changes."""
    live = booked(batch("old", [RES]))
    (update,) = make_plan(manifests([batch("new", [RES], prune=True)]), live, now=NOW).actions
    assert update.type is ActionType.UPDATE
    assert update.changes == (
        FieldChange("labels.gcbctl.io/owner", "ReservationBatch/old", "ReservationBatch/new"),
    )


def test_canceled_by_hand_is_booked_again_as_drift() -> None:
    """A callback canceled outside gcbctl is created again and flagged as drift."""
    live = edit(booked(batch("b", [RES])), status=CallbackStatus.CANCELED)
    (create,) = make_plan(manifests([batch("b", [RES])]), live, now=NOW).actions
    assert create.type is ActionType.CREATE
    assert create.drift


def test_callback_on_another_queue_is_canceled_and_created() -> None:
    """Callbacks cannot change queue: the old one is canceled first, then a new one created."""
    queues = [live_queue(), live_queue("queue_other", "Other")]
    live = replace(booked(batch("b", [RES])), queues=tuple(queues))
    live = edit(live, queue_id="queue_other")
    plan = make_plan(manifests([batch("b", [RES])]), live, now=NOW)
    assert [(a.type, a.phase) for a in plan.actions] == [
        (ActionType.CANCEL, Phase.CANCELS),
        (ActionType.CREATE, Phase.CREATES),
    ]


def test_up_to_date_callbacks_are_noops_with_a_reason() -> None:
    """An unchanged booking is a no-op, listed apart from the actions."""
    live = booked(batch("b", [RES]))
    plan = make_plan(manifests([batch("b", [RES])]), live, now=NOW)
    assert plan.actions == ()
    assert [(n.address, n.reason) for n in plan.noops][-1] == ("ReservationBatch/b/a", "up to date")
