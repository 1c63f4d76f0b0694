"""The callback part of the diff: one declared reservation with its chosen slot -> actions.

A live callback with the reservation's `callbackId` is the same reservation. When gcbctl's
labels say it belongs to this batch it is updated or rescheduled; when they name another batch the
reservation has moved between batches and only the owner label changes hands; without gcbctl's
labels it is adopted (the manifest asked for that id). A change is drift when the live object no
longer hashes to its spec-hash label, that is when something other than gcbctl changed it.
Callback numbers never appear in field changes except masked.
"""

from __future__ import annotations

from datetime import datetime

from reconciler.core.actions import (
    Action,
    ActionType,
    DesiredCallback,
    FieldChange,
    ResourceType,
    live_identity,
)
from reconciler.core.live import CallbackStatus, LiveCallback
from reconciler.core.model import LABEL_OWNER, LABEL_SPEC_HASH, UNSET, ChannelPreferences
from reconciler.core.planner import spechash as sh
from reconciler.core.planner.entries import Disposition, Entry
from reconciler.core.planner.labels import with_label_changes
from reconciler.core.planner.phases import Phase
from reconciler.core.redact import mask_number


def managed_fields(entry: Entry) -> tuple[str | None, ChannelPreferences | None]:
    """The reason and channel preferences the manifests state (None: not managed)."""
    batch, res = entry.batch, entry.reservation
    reason = res.reason if res.reason is not UNSET else batch.defaults_reason
    prefs = res.channel_preferences
    if prefs is UNSET:
        prefs = batch.defaults_channel_preferences
    return (None if reason is UNSET else reason), (None if prefs is UNSET else prefs)


def desired_callback(entry: Entry, slot: datetime) -> tuple[DesiredCallback, frozenset[str]]:
    """The callback to write in `slot`, and the names of the fields it does not manage."""
    reason, prefs = managed_fields(entry)
    live = entry.live
    unmanaged = _unmanaged(reason, prefs)
    bare = DesiredCallback(
        callback_id=entry.callback_id,
        callback_number=entry.reservation.callback_number,
        queue_id=entry.target.queue_id,
        slot_start=slot,
        slot_end=slot + entry.slots.slot_length,
        reason=reason if reason is not None else (live.reason if live else ""),
        channel_preferences=(
            prefs
            if prefs is not None
            else (live.channel_preferences if live else ChannelPreferences())
        ),
        concurrency_limit=entry.target.limit,
    )
    spec = sh.callback_spec(bare, unmanaged=unmanaged)
    labels = sh.ownership_labels(entry.batch.address, spec)
    return _with_labels(bare, labels), unmanaged


def _with_labels(bare: DesiredCallback, labels: tuple[tuple[str, str], ...]) -> DesiredCallback:
    return DesiredCallback(
        bare.callback_id,
        bare.callback_number,
        bare.queue_id,
        bare.slot_start,
        bare.slot_end,
        bare.reason,
        bare.channel_preferences,
        bare.concurrency_limit,
        labels,
    )


def field_changes(
    want: DesiredCallback, live: LiveCallback, entry: Entry, unmanaged: frozenset[str]
) -> list[FieldChange]:
    out = []
    if live.callback_number != want.callback_number:
        before, after = mask_number(live.callback_number), mask_number(want.callback_number)
        out.append(FieldChange("callback_number", before, after))
    if sh.FIELD_REASON not in unmanaged and live.reason != want.reason:
        out.append(FieldChange("reason", live.reason, want.reason))
    if sh.FIELD_CHANNELS not in unmanaged:
        before_prefs = sh.channels_spec(live.channel_preferences)
        after_prefs = sh.channels_spec(want.channel_preferences)
        out += [
            FieldChange(f"channel_preferences.{key}", before_prefs[key], value)
            for key, value in after_prefs.items()
            if before_prefs[key] != value
        ]
    if live.callback_time != want.slot_start:
        before_slot = entry.slots.local_text(live.callback_time)
        out.append(FieldChange("slot", before_slot, entry.slots.local_text(want.slot_start)))
    return out


def created_fields(want: DesiredCallback, entry: Entry) -> tuple[FieldChange, ...]:
    """What a create sets, as changes from nothing, for reviewers."""
    prefs = sh.channels_spec(want.channel_preferences)
    return (
        FieldChange("callback_number", None, mask_number(want.callback_number)),
        FieldChange("slot", None, entry.slots.local_text(want.slot_start)),
        FieldChange("reason", None, want.reason),
        *(FieldChange(f"channel_preferences.{k}", None, v) for k, v in prefs.items()),
    )


def callback_actions(entry: Entry, slot: datetime | None) -> list[Action]:
    """The actions for one declared reservation; none when it could not be placed."""
    if entry.disposition is Disposition.LEAVE:
        return [_noop(entry, entry.note)]
    if slot is None:
        return []
    if entry.live is not None and _unchanged(entry, entry.live, slot):
        return [_noop(entry, "up to date")]
    want, unmanaged = desired_callback(entry, slot)
    live = entry.live
    if live is None or live.status is CallbackStatus.CANCELED:
        drift = live is not None and sh.owner_of(live.labels) == entry.batch.address
        return [_create(entry, want, drift=drift)]
    if live.queue_id != want.queue_id:
        cancel = _action(ActionType.CANCEL, entry, None, live, reason=entry.note)
        return [cancel, _create(entry, want)]
    return [_existing(entry, want, live, unmanaged)]


def _unchanged(entry: Entry, live: LiveCallback, slot: datetime) -> bool:
    """The no-change fast path: same slot, fields and labels, without building the desired."""
    if (
        live.callback_time != slot
        or live.status is not CallbackStatus.SCHEDULED
        or live.queue_id != entry.target.queue_id
        or live.callback_number != entry.reservation.callback_number
        or live.labels.get(LABEL_OWNER) != entry.batch.address
        or not sh.is_managed(live.labels)
    ):
        return False
    reason, prefs = managed_fields(entry)
    if (reason is not None and reason != live.reason) or (
        prefs is not None and prefs != live.channel_preferences
    ):
        return False
    unmanaged = _unmanaged(reason, prefs)
    spec = sh.live_callback_spec(live, unmanaged=unmanaged)
    return sh.spec_hash(spec) == live.labels.get(LABEL_SPEC_HASH)


def _unmanaged(reason: str | None, prefs: ChannelPreferences | None) -> frozenset[str]:
    """The optional fields the manifests leave out (one of four shared sets)."""
    if reason is None:
        return _NEITHER_STATED if prefs is None else _REASON_UNSTATED
    return _CHANNELS_UNSTATED if prefs is None else _BOTH_STATED


_MAKE_ROOM = "moved to make room: its slot is the only one left for another reservation"
_BOTH_STATED: frozenset[str] = frozenset()
_NEITHER_STATED = frozenset({sh.FIELD_REASON, sh.FIELD_CHANNELS})
_REASON_UNSTATED = frozenset({sh.FIELD_REASON})
_CHANNELS_UNSTATED = frozenset({sh.FIELD_CHANNELS})


def _existing(
    entry: Entry, want: DesiredCallback, live: LiveCallback, unmanaged: frozenset[str]
) -> Action:
    fields = field_changes(want, live, entry, unmanaged)
    changes = with_label_changes(fields, live.labels, want.labels)
    moved = any(c.path == "slot" for c in changes)
    if not changes:
        return _noop(entry, "up to date", live)
    if not sh.is_managed(live.labels):
        reason = "a callback with this callbackId exists without gcbctl's labels; adopting it"
        return _action(ActionType.ADOPT, entry, want, live, changes=changes, reason=reason)
    spec = sh.live_callback_spec(live, unmanaged=unmanaged)
    drift = sh.spec_hash(spec) != live.labels.get(LABEL_SPEC_HASH)
    owner = sh.owner_of(live.labels)
    if owner != entry.batch.address:
        reason = f"moved here from {owner}"
    elif drift:
        reason = "changed outside gcbctl"
    else:
        reason = "the manifest changed"
    if moved:
        why = entry.note if entry.disposition is Disposition.PLACE else _MAKE_ROOM
        reason = why if reason == "the manifest changed" else f"{reason}; {why}"
        return _action(
            ActionType.RESCHEDULE, entry, want, live, changes=changes, reason=reason, drift=drift
        )
    return _action(
        ActionType.UPDATE, entry, want, live, changes=changes, reason=reason, drift=drift
    )


def _create(entry: Entry, want: DesiredCallback, *, drift: bool = False) -> Action:
    changes = created_fields(want, entry)
    return _action(
        ActionType.CREATE, entry, want, None, changes=changes, reason=entry.note, drift=drift
    )


def _phase(kind: ActionType, changes: tuple[FieldChange, ...]) -> int:
    if kind is ActionType.CANCEL:
        return Phase.CANCELS
    if kind is not ActionType.CREATE and any(c.path == "slot" for c in changes):
        return Phase.RESCHEDULE
    return Phase.CREATES


def _action(
    kind: ActionType,
    entry: Entry,
    want: DesiredCallback | None,
    live: LiveCallback | None,
    *,
    changes: tuple[FieldChange, ...] = (),
    reason: str,
    drift: bool = False,
) -> Action:
    return Action(
        type=kind,
        resource=ResourceType.CALLBACK,
        address=entry.address,
        reason=reason,
        desired=want,
        **live_identity(live),
        changes=changes,
        drift=drift,
        phase=_phase(kind, changes),
    )


def _noop(entry: Entry, reason: str, live: LiveCallback | None = None) -> Action:
    live = live or entry.live
    return Action(
        type=ActionType.NOOP,
        resource=ResourceType.CALLBACK,
        address=entry.address,
        reason=reason,
        **live_identity(live),
        phase=Phase.NOOP,
    )
