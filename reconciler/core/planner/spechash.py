"""Spec hashes and ownership labels: how gcbctl recognises what it made and what changed since.

Everything gcbctl writes carries `gcbctl.io/spec-hash`, a short SHA-256 of the canonical JSON of
the fields gcbctl manages on that object, as it wrote them. On the next plan the same hash is
computed from what the live object looks like now: a mismatch with the label means someone
changed the object outside gcbctl (drift), whatever the manifests say. Only managed fields enter
the hash, so a change to a field the manifests leave alone is not drift.

The functions here build the hashed "spec" mappings for desired and live objects from the same
keys, so that an object gcbctl just wrote hashes to its own label. They hold no secrets: a webhook
secret enters only as its SHA-256 digest, which the platform itself exposes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

import orjson

from reconciler.core.actions import Desired, DesiredCallback, DesiredWebhook
from reconciler.core.live import LiveCallback, LiveWebhook
from reconciler.core.model import (
    LABEL_MANAGED_BY,
    LABEL_OWNER,
    LABEL_SPEC_HASH,
    MANAGER,
    ChannelPreferences,
)

HASH_LENGTH: Final = 16

FIELD_REASON: Final = "reason"
FIELD_CHANNELS: Final = "channel_preferences"
FIELD_CONTENT_TYPE: Final = "content_type"
FIELD_ENABLED: Final = "enabled"
FIELD_EVENTS: Final = "events"
FIELD_SECRET: Final = "secret"  # noqa: S105 (a field name, not a credential)


def canonical_json(value: Any) -> bytes:
    """Sorted-key compact JSON: the same value always gives the same bytes."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)


def spec_hash(spec: Mapping[str, Any] | Desired) -> str:
    """A short SHA-256 of the canonical JSON of `spec` (a mapping, or a desired value's fields).

    A desired value is hashed without its labels, so that the hash is a fingerprint of what it
    asks for; the planner's labels hash only the managed fields (`callback_spec`, ...).
    """
    if not isinstance(spec, Mapping):
        spec = fields_of(spec, hidden=_LABELS)
    return hashlib.sha256(canonical_json(spec)).hexdigest()[:HASH_LENGTH]


_LABELS: Final = frozenset({"labels"})


def fields_of(value: Desired, *, hidden: frozenset[str]) -> dict[str, Any]:
    """A desired value's fields except `hidden`, shallow (orjson encodes nested dataclasses)."""
    return {name: getattr(value, name) for name in value.__dataclass_fields__ if name not in hidden}


def utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def channels_spec(prefs: ChannelPreferences) -> dict[str, Any]:
    return {
        "primary": str(prefs.primary),
        "fallback": str(prefs.fallback),
        "allow_sms": prefs.allow_sms,
    }


def callback_spec(desired: DesiredCallback, *, unmanaged: frozenset[str]) -> dict[str, Any]:
    """The hashed fields of a desired callback; `unmanaged` names fields the manifests omit."""
    return _callback_fields(
        (desired.callback_id, desired.callback_number, desired.queue_id, desired.slot_start),
        desired.reason,
        desired.channel_preferences,
        unmanaged,
    )


def live_callback_spec(live: LiveCallback, *, unmanaged: frozenset[str]) -> dict[str, Any]:
    """The same keys as `callback_spec`, read from the live callback."""
    return _callback_fields(
        (live.callback_id, live.callback_number, live.queue_id, live.callback_time),
        live.reason,
        live.channel_preferences,
        unmanaged,
    )


def _callback_fields(
    identity: tuple[str, str, str, datetime],
    reason: str,
    prefs: ChannelPreferences,
    unmanaged: frozenset[str],
) -> dict[str, Any]:
    """One shape for both sides, so desired and live hashes can only differ by their values."""
    callback_id, number, queue_id, slot = identity
    spec: dict[str, Any] = {
        "callback_id": callback_id,
        "callback_number": number,
        "queue_id": queue_id,
        "slot": int(slot.timestamp()),
    }
    if FIELD_REASON not in unmanaged:
        spec[FIELD_REASON] = reason
    if FIELD_CHANNELS not in unmanaged:
        spec[FIELD_CHANNELS] = channels_spec(prefs)
    return spec


def webhook_spec(
    desired: DesiredWebhook, *, unmanaged: frozenset[str], secret_sha256: str | None
) -> dict[str, Any]:
    """The hashed fields of a desired webhook; the secret only as its digest, when known."""
    spec: dict[str, Any] = {"name": desired.name, "url": desired.url}
    if FIELD_CONTENT_TYPE not in unmanaged:
        spec[FIELD_CONTENT_TYPE] = desired.content_type
    if FIELD_ENABLED not in unmanaged:
        spec[FIELD_ENABLED] = desired.enabled
    if FIELD_EVENTS not in unmanaged:
        spec[FIELD_EVENTS] = sorted(desired.events)
    if FIELD_SECRET not in unmanaged and secret_sha256 is not None:
        spec[FIELD_SECRET] = secret_sha256
    return spec


def live_webhook_spec(
    live: LiveWebhook, *, unmanaged: frozenset[str], secret_known: bool
) -> dict[str, Any]:
    """The same keys as `webhook_spec`, read from the live webhook."""
    spec: dict[str, Any] = {"name": live.name, "url": live.url}
    if FIELD_CONTENT_TYPE not in unmanaged:
        spec[FIELD_CONTENT_TYPE] = live.content_type
    if FIELD_ENABLED not in unmanaged:
        spec[FIELD_ENABLED] = live.enabled
    if FIELD_EVENTS not in unmanaged:
        spec[FIELD_EVENTS] = sorted(live.events)
    if FIELD_SECRET not in unmanaged and secret_known:
        spec[FIELD_SECRET] = live.secret_sha256
    return spec


def ownership_labels(owner: str, spec: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The three labels gcbctl puts on what it writes, sorted by key."""
    return (
        (LABEL_MANAGED_BY, MANAGER),
        (LABEL_OWNER, owner),
        (LABEL_SPEC_HASH, spec_hash(spec)),
    )


def is_managed(labels: Mapping[str, str]) -> bool:
    return labels.get(LABEL_MANAGED_BY) == MANAGER


def owner_of(labels: Mapping[str, str]) -> str | None:
    """The owner address of an object gcbctl manages, or None for anything else."""
    return labels.get(LABEL_OWNER) if is_managed(labels) else None
