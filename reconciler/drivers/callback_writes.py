"""Carrying out one planned action on the callback platform, safely repeatable.

Every write is sent with `If-Match` (the version the plan read) and marked safe to retry, because a
repeat can never act twice: a repeated create meets `callback.duplicate` and adopts the callback
the first try made; a repeated PATCH/PUT/DELETE meets `version.conflict`, and the object is then
re-read and accepted when it is already as desired. Secrets are read at request time and never
kept. This module never decides what to change: the action says it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from reconciler.client import ApiClient
from reconciler.core.actions import Action, ActionType, DesiredCallback
from reconciler.core.live import CallbackStatus, LiveCallback
from reconciler.drivers import callback_wire as wire
from reconciler.drivers.base import ActionResult, Outcome
from reconciler.errors import ApiError, ConflictError, UsageError

CALLBACKS = "/api/v2/callbacks"
T = TypeVar("T")


def desired_of(action: Action, kind: type[T]) -> T:
    """The action's desired value of the expected type, or a clear error for a broken plan."""
    if not isinstance(action.desired, kind):
        raise UsageError(f"{action.address}: the plan carries no desired {kind.__name__}")
    return action.desired


def result_of(action: Action, outcome: Outcome, raw: Any, message: str = "") -> ActionResult:
    """A result naming the object and version the platform answered with."""
    live_id = raw.get("id") if isinstance(raw, dict) else action.live_id
    version = raw.get("version") if isinstance(raw, dict) else None
    return ActionResult(action, outcome, live_id, version, message)


def labels_hold(live: dict[str, str], wanted: tuple[tuple[str, str], ...]) -> bool:
    """Whether every wanted label is on the live object (others may be there too)."""
    return all(live.get(key) == value for key, value in wanted)


def callback_matches(live: LiveCallback, want: DesiredCallback, *, with_slot: bool) -> bool:
    """Whether a live callback already is what the action wants."""
    return (
        live.status is CallbackStatus.SCHEDULED
        and live.callback_number == want.callback_number
        and live.reason == want.reason
        and live.channel_preferences == want.channel_preferences
        and labels_hold(dict(live.labels), want.labels)
        and (not with_slot or live.callback_time == want.slot_start)
    )


def is_conflict(error: ApiError, code: str) -> bool:
    return isinstance(error, ConflictError) and error.code == code


class CallbackWrites:
    """Create, update, reschedule, adopt and cancel callbacks."""

    def __init__(self, client: ApiClient) -> None:
        self._client = client

    async def execute(self, action: Action) -> ActionResult:
        if action.type is ActionType.CREATE:
            return await self._create(action)
        if action.type in (ActionType.UPDATE, ActionType.RESCHEDULE, ActionType.ADOPT):
            return await self._patch(action, with_slot=action.type is not ActionType.UPDATE)
        if action.type in (ActionType.CANCEL, ActionType.DELETE):
            return await self._cancel(action)
        raise UsageError(f"{action.address}: the callback driver cannot {action.type}")

    async def _get(self, live_id: str) -> LiveCallback:
        answer = await self._client.request("GET", f"{CALLBACKS}/{live_id}")
        return wire.callback_from_wire(answer.body)

    async def _create(self, action: Action) -> ActionResult:
        want = desired_of(action, DesiredCallback)
        body = wire.create_callback_body(want)
        try:
            answer = await self._client.request("POST", CALLBACKS, json=body, retry_safe=True)
        except ApiError as error:
            if not is_conflict(error, "callback.duplicate"):
                raise
            return await self._adopt_duplicate(action, want, error)
        return result_of(action, Outcome.APPLIED, answer.body, "booked")

    async def _adopt_duplicate(
        self, action: Action, want: DesiredCallback, error: ApiError
    ) -> ActionResult:
        entity = next((d.get("entityId") for d in error.body.details if d.get("entityId")), None)
        if entity is None:
            raise error
        live = await self._get(str(entity))
        if callback_matches(live, want, with_slot=True):
            return ActionResult(action, Outcome.ADOPTED, live.id, live.version, "already booked")
        answer = await self._client.request(
            "PATCH",
            f"{CALLBACKS}/{live.id}",
            json=wire.callback_body(want),
            if_match=live.version,
            retry_safe=True,
        )
        return result_of(action, Outcome.ADOPTED, answer.body, "adopted and updated")

    async def _patch(self, action: Action, *, with_slot: bool) -> ActionResult:
        want = desired_of(action, DesiredCallback)
        live_id = action.live_id or ""
        try:
            answer = await self._client.request(
                "PATCH",
                f"{CALLBACKS}/{live_id}",
                json=wire.callback_body(want, with_slot=with_slot),
                if_match=action.live_version,
                retry_safe=True,
            )
        except ApiError as error:
            if not is_conflict(error, "version.conflict"):
                raise
            live = await self._get(live_id)
            if not callback_matches(live, want, with_slot=with_slot):
                raise
            return ActionResult(action, Outcome.UNCHANGED, live.id, live.version, "already done")
        return result_of(action, Outcome.APPLIED, answer.body)

    async def _cancel(self, action: Action) -> ActionResult:
        live_id = action.live_id or ""
        try:
            answer = await self._client.request(
                "DELETE", f"{CALLBACKS}/{live_id}", if_match=action.live_version
            )
        except ApiError as error:
            if error.status == 404:
                return ActionResult(action, Outcome.UNCHANGED, live_id, None, "already gone")
            if not is_conflict(error, "version.conflict"):
                raise
            live = await self._get(live_id)
            if live.status is not CallbackStatus.CANCELED:
                raise
            return ActionResult(action, Outcome.UNCHANGED, live.id, live.version, "already done")
        return result_of(action, Outcome.APPLIED, answer.body, "canceled")
