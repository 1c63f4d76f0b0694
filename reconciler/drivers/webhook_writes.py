"""Carrying out planned webhook and queue-settings actions on the callback platform.

The same rules as `callback_writes`: `If-Match` on every write, retries made harmless by re-reading
on `version.conflict`, a repeated create adopting the webhook its first try made (only when that
webhook carries gcbctl's managed-by label). The webhook secret is read from its reference at
request time, sent, and dropped; it is compared with live state only through its SHA-256. A
secret that cannot be read is not sent (the plan already warned about it): the platform keeps
the secret it has, the result says so, and the next plan shows the difference once it can.
"""

from __future__ import annotations

from dataclasses import replace

from reconciler.client import ApiClient
from reconciler.core.actions import Action, ActionType, DesiredQueueSettings, DesiredWebhook
from reconciler.core.live import LiveWebhook
from reconciler.core.model import LABEL_MANAGED_BY, MANAGER
from reconciler.drivers import callback_wire as wire
from reconciler.drivers.base import ActionResult, Outcome
from reconciler.drivers.callback_writes import desired_of, is_conflict, labels_hold, result_of
from reconciler.drivers.secrets import read_secret, secret_digest
from reconciler.errors import ApiError, UsageError

WEBHOOKS = "/api/v2/webhooks"


def _secret(want: DesiredWebhook) -> str | None:
    return read_secret(want.secret) if want.secret else None


def _warned(result: ActionResult, want: DesiredWebhook, secret: str | None) -> ActionResult:
    if want.secret is None or secret is not None:
        return result
    return replace(result, warning=f"secret {want.secret} was not available and was not sent")


def webhook_matches(live: LiveWebhook, want: DesiredWebhook, secret: str | None) -> bool:
    """Whether a live webhook already is what the action wants (secret compared by digest)."""
    return (
        (live.url, live.content_type, live.enabled, tuple(live.events))
        == (want.url, want.content_type, want.enabled, tuple(want.events))
        and labels_hold(dict(live.labels), want.labels)
        and (secret is None or live.secret_sha256 == secret_digest(secret))
    )


class WebhookWrites:
    """Create, replace, adopt and delete webhooks."""

    def __init__(self, client: ApiClient) -> None:
        self._client = client

    async def execute(self, action: Action) -> ActionResult:
        if action.type is ActionType.CREATE:
            return await self._create(action)
        if action.type in (ActionType.UPDATE, ActionType.ADOPT):
            return await self._put(action, action.live_id or "", action.live_version)
        if action.type in (ActionType.DELETE, ActionType.CANCEL):
            return await self._delete(action)
        raise UsageError(f"{action.address}: the callback driver cannot {action.type} a webhook")

    async def _find(self, name: str) -> LiveWebhook | None:
        async for raw in self._client.paginate(WEBHOOKS):
            if raw.get("name") == name:
                return wire.webhook_from_wire(raw)
        return None

    async def _create(self, action: Action) -> ActionResult:
        want = desired_of(action, DesiredWebhook)
        secret = _secret(want)
        try:
            answer = await self._client.request(
                "POST", WEBHOOKS, json=wire.webhook_body(want, secret), retry_safe=True
            )
        except ApiError as error:
            existing = await self._find(want.name) if error.status in (400, 409) else None
            if existing is None or existing.labels.get(LABEL_MANAGED_BY) != MANAGER:
                raise
            result = await self._put(action, existing.id, existing.version)
            return ActionResult(action, Outcome.ADOPTED, result.live_id, result.version)
        return _warned(result_of(action, Outcome.APPLIED, answer.body, "created"), want, secret)

    async def _put(self, action: Action, live_id: str, version: int | None) -> ActionResult:
        want = desired_of(action, DesiredWebhook)
        secret = _secret(want)
        try:
            answer = await self._client.request(
                "PUT",
                f"{WEBHOOKS}/{live_id}",
                json=wire.webhook_body(want, secret),
                if_match=version,
            )
        except ApiError as error:
            if not is_conflict(error, "version.conflict"):
                raise
            raw = (await self._client.request("GET", f"{WEBHOOKS}/{live_id}")).body
            if not webhook_matches(wire.webhook_from_wire(raw), want, secret):
                raise
            return result_of(action, Outcome.UNCHANGED, raw, "already done")
        return _warned(result_of(action, Outcome.APPLIED, answer.body), want, secret)

    async def _delete(self, action: Action) -> ActionResult:
        live_id = action.live_id or ""
        try:
            await self._client.request(
                "DELETE", f"{WEBHOOKS}/{live_id}", if_match=action.live_version
            )
        except ApiError as error:
            if error.status != 404:
                raise
            return ActionResult(action, Outcome.UNCHANGED, live_id, None, "already gone")
        return ActionResult(action, Outcome.APPLIED, live_id, None, "deleted")


async def update_queue(client: ApiClient, action: Action) -> ActionResult:
    """PATCH the settings a `QueueCapacity` states; reports slots now over capacity."""
    want = desired_of(action, DesiredQueueSettings)
    body = wire.queue_body(want)
    try:
        answer = await client.request(
            "PATCH",
            f"/api/v2/queues/{want.queue_id}",
            json=body,
            if_match=action.live_version,
            retry_safe=True,
        )
    except ApiError as error:
        if not is_conflict(error, "version.conflict"):
            raise
        raw = (await client.request("GET", f"/api/v2/queues/{want.queue_id}")).body
        if any(raw.get(key) != value for key, value in body.items()):
            raise
        return result_of(action, Outcome.UNCHANGED, raw, "already done")
    over = (answer.body or {}).get("over_capacity_slots") or []
    result = result_of(action, Outcome.APPLIED, answer.body)
    if not over:
        return result
    return replace(result, warning=f"{len(over)} slot(s) now hold more than the new limit")
