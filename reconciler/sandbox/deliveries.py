"""Webhook deliveries: real HTTP POSTs with HMAC-SHA256 signatures and retries (§5).

For each event a webhook subscribes to, one delivery is made with a fresh delivery id, retried
with exponential backoff (1 s, 2 s, 4 s, ... by default) until a 2xx answer or the last try. Every
attempt is recorded (bounded) so tests and demos can see what happened through the admin surface.
Secrets are used to sign and never logged.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import hmac
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import orjson

from reconciler.sandbox.records import Webhook
from reconciler.sandbox.settings import SandboxSettings

MAX_RECORDS = 1000
MAX_IN_FLIGHT = 200


def signature(secret: str, body: bytes) -> str:
    """The `X-Webhook-Signature` value for `body`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Dispatcher:
    """Sends deliveries in background tasks on the server's event loop."""

    def __init__(self, settings: SandboxSettings, webhooks: Callable[[], list[Webhook]]) -> None:
        self._settings = settings
        self._webhooks = webhooks
        self._client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.records: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_RECORDS)

    def enqueue(self, event: str, resource: dict[str, Any], occurred_at: str) -> None:
        """Start a delivery for every enabled webhook subscribed to `event`."""
        for webhook in self._webhooks():
            if not webhook.enabled or event not in webhook.events:
                continue
            if len(self._tasks) >= MAX_IN_FLIGHT:
                self._record(webhook.id, "", event, 0, "dropped: too many deliveries in flight")
                continue
            body = {
                "id": str(uuid.uuid4()),
                "event": event,
                "occurred_at": occurred_at,
                "data": resource,
            }
            task = asyncio.get_running_loop().create_task(self._deliver(webhook, body))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _deliver(self, webhook: Webhook, body: dict[str, Any]) -> None:
        raw = orjson.dumps(body)
        headers = {
            "Content-Type": webhook.content_type,
            "X-Webhook-Id": webhook.id,
            "X-Webhook-Delivery": body["id"],
        }
        if webhook.secret is not None:
            headers["X-Webhook-Signature"] = signature(webhook.secret, raw)
        delay = self._settings.webhook_backoff_seconds
        for attempt in range(1, self._settings.webhook_max_tries + 1):
            outcome = await self._post(webhook.url, raw, headers)
            self._record(webhook.id, body["id"], body["event"], attempt, outcome)
            if outcome.startswith("2"):
                return
            if attempt < self._settings.webhook_max_tries:
                await asyncio.sleep(delay)
                delay *= 2

    async def _post(self, url: str, raw: bytes, headers: dict[str, str]) -> str:
        if self._client is None:
            self._client = httpx.AsyncClient(trust_env=False, follow_redirects=False)
        try:
            response = await self._client.post(
                url, content=raw, headers=headers, timeout=self._settings.webhook_timeout_seconds
            )
        except httpx.HTTPError as exc:
            return f"error: {type(exc).__name__}"
        return str(response.status_code)

    def _record(
        self, webhook_id: str, delivery: str, event: str, attempt: int, outcome: str
    ) -> None:
        self.records.append(
            {
                "webhook_id": webhook_id,
                "delivery_id": delivery,
                "event": event,
                "attempt": attempt,
                "outcome": outcome,
            }
        )

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None
