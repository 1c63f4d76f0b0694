"""Webhook changes: create, update, adopt by name, and delete the ones gcbctl owns but no
manifest declares any more.

A webhook without gcbctl's labels is never touched unless a manifest declares one with the same
name (that is adoption). The secret is compared through digests only: `secret_digests` maps a
secret reference to the SHA-256 of its value, which is matched against the platform's
`secret_sha256`. When a digest is unavailable the secret is treated as unknown, not as changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from reconciler.core.actions import (
    Action,
    ActionType,
    DesiredWebhook,
    FieldChange,
    ResourceType,
    live_identity,
)
from reconciler.core.live import LiveWebhook
from reconciler.core.model import LABEL_SPEC_HASH, UNSET, Kind, Webhook
from reconciler.core.planner import spechash as sh
from reconciler.core.planner.labels import with_label_changes
from reconciler.core.planner.phases import Phase
from reconciler.core.problems import Problem, Severity

DEFAULT_CONTENT_TYPE: Final = "application/json"
DEFAULT_EVENTS: Final = (
    "reservation.created",
    "reservation.updated",
    "reservation.canceled",
    "reservation.completed",
    "queue.updated",
)
SENSITIVE: Final = "(sensitive value)"


def webhook_actions(
    webhooks: Sequence[Webhook],
    live: Sequence[LiveWebhook],
    secret_digests: Mapping[str, str | None],
) -> tuple[tuple[Action, ...], tuple[Problem, ...]]:
    """One action per declared webhook, plus deletes for owned webhooks no longer declared."""
    by_name = {hook.name: hook for hook in live}
    actions: list[Action] = []
    problems: list[Problem] = []
    for hook in sorted(webhooks, key=lambda h: h.name):
        digest, problem = _digest(hook, secret_digests)
        if problem is not None:
            problems.append(problem)
        actions.append(_one(hook, by_name.get(hook.name), digest))
    declared = {hook.name for hook in webhooks}
    for found in sorted(live, key=lambda h: (h.name, h.id)):
        owner = sh.owner_of(found.labels)
        if found.name not in declared and owner and owner.startswith(f"{Kind.WEBHOOK}/"):
            actions.append(_delete(found))
    return tuple(actions), tuple(problems)


def _digest(hook: Webhook, digests: Mapping[str, str | None]) -> tuple[str | None, Problem | None]:
    if hook.secret is UNSET:
        return None, None
    digest = digests.get(str(hook.secret))
    if digest is not None:
        return digest, None
    return None, Problem(
        code="webhook.secret-unavailable",
        message=f"{hook.address}: secret {hook.secret} is not available to compare",
        origin=hook.origin.child("spec", "secret"),
        hint="set the variable or file when planning, or the secret cannot be checked or sent",
        severity=Severity.WARNING,
    )


def _unmanaged(hook: Webhook, digest: str | None) -> frozenset[str]:
    names = {
        sh.FIELD_CONTENT_TYPE: hook.content_type,
        sh.FIELD_ENABLED: hook.enabled,
        sh.FIELD_EVENTS: hook.events,
        sh.FIELD_SECRET: hook.secret,
    }
    out = {name for name, value in names.items() if value is UNSET}
    if digest is None:
        out.add(sh.FIELD_SECRET)
    return frozenset(out)


def desired_webhook(hook: Webhook, live: LiveWebhook | None, digest: str | None) -> DesiredWebhook:
    """The webhook to write: stated fields, else the live value, else the platform default."""
    unmanaged = _unmanaged(hook, digest)
    bare = DesiredWebhook(
        name=hook.name,
        url=hook.url,
        content_type=(
            hook.content_type
            if hook.content_type is not UNSET
            else (live.content_type if live else DEFAULT_CONTENT_TYPE)
        ),
        enabled=hook.enabled if hook.enabled is not UNSET else (live.enabled if live else True),
        events=tuple(
            hook.events if hook.events is not UNSET else (live.events if live else DEFAULT_EVENTS)
        ),
        secret=None if hook.secret is UNSET else hook.secret,
    )
    spec = sh.webhook_spec(bare, unmanaged=unmanaged, secret_sha256=digest)
    return DesiredWebhook(
        bare.name,
        bare.url,
        bare.content_type,
        bare.enabled,
        bare.events,
        bare.secret,
        labels=sh.ownership_labels(hook.address, spec),
    )


def _field_changes(
    want: DesiredWebhook, live: LiveWebhook, digest: str | None, unmanaged: frozenset[str]
) -> list[FieldChange]:
    pairs: list[tuple[str, Any, Any]] = [("url", live.url, want.url)]
    if sh.FIELD_CONTENT_TYPE not in unmanaged:
        pairs.append((sh.FIELD_CONTENT_TYPE, live.content_type, want.content_type))
    if sh.FIELD_ENABLED not in unmanaged:
        pairs.append((sh.FIELD_ENABLED, live.enabled, want.enabled))
    if sh.FIELD_EVENTS not in unmanaged:
        pairs.append((sh.FIELD_EVENTS, sorted(live.events), sorted(want.events)))
    changes = [FieldChange(path, before, after) for path, before, after in pairs if before != after]
    if digest is not None and live.secret_sha256 != digest:
        before = SENSITIVE if live.secret_sha256 else None
        changes.append(FieldChange(sh.FIELD_SECRET, before, SENSITIVE))
    return changes


def _one(hook: Webhook, live: LiveWebhook | None, digest: str | None) -> Action:
    """`digest` is compared; an unknown one is assumed to be the live secret for the hash."""
    hashed = digest
    if hashed is None and live is not None and hook.secret is not UNSET:
        hashed = live.secret_sha256
    want = desired_webhook(hook, live, hashed)
    if live is None:
        return _action(ActionType.CREATE, want, None, _created(want), "not on the platform")
    unmanaged = _unmanaged(hook, hashed)
    fields = _field_changes(want, live, digest, unmanaged)
    changes = with_label_changes(fields, live.labels, want.labels)
    if not changes:
        return _action(ActionType.NOOP, want, live, (), "up to date")
    if not sh.is_managed(live.labels):
        reason = "a webhook with this name exists without gcbctl's labels; adopting it"
        return _action(ActionType.ADOPT, want, live, changes, reason)
    live_spec = sh.live_webhook_spec(live, unmanaged=unmanaged, secret_known=hashed is not None)
    drift = sh.spec_hash(live_spec) != live.labels.get(LABEL_SPEC_HASH)
    reason = "changed outside gcbctl" if drift else "the manifest changed"
    return _action(ActionType.UPDATE, want, live, changes, reason, drift=drift)


def _created(want: DesiredWebhook) -> tuple[FieldChange, ...]:
    """What a create sets, as changes from nothing, for reviewers (the secret only as a mark)."""
    fields: list[tuple[str, Any]] = [
        ("url", want.url),
        (sh.FIELD_CONTENT_TYPE, want.content_type),
        (sh.FIELD_ENABLED, want.enabled),
        (sh.FIELD_EVENTS, list(want.events)),
    ]
    if want.secret is not None:
        fields.append((sh.FIELD_SECRET, SENSITIVE))
    return tuple(FieldChange(path, None, value) for path, value in fields)


def _action(
    kind: ActionType,
    want: DesiredWebhook,
    live: LiveWebhook | None,
    changes: tuple[FieldChange, ...],
    reason: str,
    *,
    drift: bool = False,
) -> Action:
    return Action(
        type=kind,
        resource=ResourceType.WEBHOOK,
        address=f"{Kind.WEBHOOK}/{want.name}",
        reason=reason,
        desired=want,
        **live_identity(live),
        changes=changes,
        drift=drift,
        phase=Phase.NOOP if kind is ActionType.NOOP else Phase.WEBHOOKS,
    )


def _delete(hook: LiveWebhook) -> Action:
    return Action(
        type=ActionType.DELETE,
        resource=ResourceType.WEBHOOK,
        address=f"{Kind.WEBHOOK}/{hook.name}",
        reason="owned by gcbctl and no longer in the manifests",
        **live_identity(hook),
        phase=Phase.WEBHOOK_DELETES,
    )
