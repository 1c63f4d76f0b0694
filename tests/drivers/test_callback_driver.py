"""The callback driver's translation of actions into requests, and its repeat-safety rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from reconciler.client import ApiClient, Credentials, FakeTime
from reconciler.core.actions import Action, ActionType, DesiredCallback, ResourceType
from reconciler.core.model import Channel, ChannelPreferences, QueueRef
from reconciler.drivers.base import Outcome
from reconciler.drivers.callback import CallbackDriver
from reconciler.errors import ConflictError

SLOT = datetime(2026, 12, 15, 19, 0, tzinfo=UTC)
LABELS = (("gcbctl.io/managed-by", "gcbctl"), ("gcbctl.io/spec-hash", "abc"))
WANT = DesiredCallback(
    callback_id="cb_1",
    callback_number="+14155550199",
    queue_id="queue_12345",
    slot_start=SLOT,
    slot_end=datetime(2026, 12, 15, 19, 15, tzinfo=UTC),
    reason="Escalation",
    channel_preferences=ChannelPreferences(Channel.VOICE, Channel.SMS, True),
    concurrency_limit=10,
    labels=LABELS,
)


def live_callback(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "cb_1-aa",
        "callback_id": "cb_1",
        "callback_number": "+14155550199",
        "callback_time": "2026-12-15T19:00:00.000Z",
        "queue_id": "queue_12345",
        "reason": "Escalation",
        "status": "scheduled",
        "time_slot_matrix": [{"start": "2026-12-15T19:00:00Z", "end": "2026-12-15T19:15:00Z"}],
        "channel_preferences": {"primary": "voice", "fallback": "sms", "allow_sms": True},
        "concurrency_limit": 10,
        "labels": dict(LABELS),
        "version": 3,
    }
    return base | changes


def conflict(code: str, entity: str = "") -> httpx.Response:
    details = [{"errorCode": code, "entityId": entity}] if entity else []
    body = {"message": code, "code": code, "status": 409, "contextId": "c", "details": details}
    return httpx.Response(409, json=body)


Routes = dict[tuple[str, str], list[httpx.Response]]


def driver_for(routes: Routes, seen: list[httpx.Request]) -> CallbackDriver:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 7200})
        seen.append(request)
        answers = routes.get((request.method, request.url.path))
        assert answers, f"unexpected {request.method} {request.url}"
        return answers.pop(0) if len(answers) > 1 else answers[0]

    time = FakeTime()
    client = ApiClient(
        "http://platform.test",
        Credentials("c", "s"),
        transport=httpx.MockTransport(handle),
        clock=time,
        sleeper=time,
        rand=lambda: 0.0,
    )
    return CallbackDriver(client)


def action(kind: ActionType, **extra: object) -> Action:
    return Action(kind, ResourceType.CALLBACK, "ReservationBatch/b/cb_1", "why", WANT, **extra)  # type: ignore[arg-type]


Make = Callable[[Routes], tuple[CallbackDriver, list[httpx.Request]]]


@pytest.fixture
def make() -> Make:
    def build(routes: Routes) -> tuple[CallbackDriver, list[httpx.Request]]:
        seen: list[httpx.Request] = []
        return driver_for(routes, seen), seen

    return build


async def test_create_sends_the_chosen_slot_as_the_only_window(make: Make) -> None:
    """A create posts callback_id, queue, labels and the grid slot as the first window."""
    driver, seen = make(
        {("POST", "/api/v2/callbacks"): [httpx.Response(201, json=live_callback())]}
    )
    result = await driver.execute(action(ActionType.CREATE))
    assert result.outcome is Outcome.APPLIED
    assert result.live_id == "cb_1-aa"
    body = json.loads(seen[0].content)
    assert body["time_slot_matrix"] == [
        {"start": "2026-12-15T19:00:00Z", "end": "2026-12-15T19:15:00Z"}
    ]
    assert body["callback_id"] == "cb_1"
    assert body["labels"]["gcbctl.io/managed-by"] == "gcbctl"


async def test_duplicate_create_adopts_the_existing_callback(make: Make) -> None:
    """callback.duplicate adopts details[0].entityId without a second booking."""
    driver, seen = make(
        {
            ("POST", "/api/v2/callbacks"): [conflict("callback.duplicate", "cb_1-aa")],
            ("GET", "/api/v2/callbacks/cb_1-aa"): [httpx.Response(200, json=live_callback())],
        }
    )
    result = await driver.execute(action(ActionType.CREATE))
    assert result.outcome is Outcome.ADOPTED
    assert [r.method for r in seen] == ["POST", "GET"]


async def test_duplicate_in_another_slot_is_patched_to_the_planned_one(make: Make) -> None:
    """An adopted callback booked elsewhere is moved to the planned slot with If-Match."""
    elsewhere = live_callback(callback_time="2026-12-15T20:00:00Z", version=4)
    driver, seen = make(
        {
            ("POST", "/api/v2/callbacks"): [conflict("callback.duplicate", "cb_1-aa")],
            ("GET", "/api/v2/callbacks/cb_1-aa"): [httpx.Response(200, json=elsewhere)],
            ("PATCH", "/api/v2/callbacks/cb_1-aa"): [httpx.Response(200, json=live_callback())],
        }
    )
    result = await driver.execute(action(ActionType.CREATE))
    assert result.outcome is Outcome.ADOPTED
    patch = seen[-1]
    assert patch.headers["if-match"] == "4"
    assert json.loads(patch.content)["time_slot_matrix"][0]["start"] == "2026-12-15T19:00:00Z"


async def test_reschedule_patches_with_if_match(make: Make) -> None:
    """A reschedule is a PATCH of the matrix carrying the version the plan read."""
    driver, seen = make(
        {("PATCH", "/api/v2/callbacks/cb_1-aa"): [httpx.Response(200, json=live_callback())]}
    )
    result = await driver.execute(action(ActionType.RESCHEDULE, live_id="cb_1-aa", live_version=2))
    assert result.outcome is Outcome.APPLIED
    assert seen[0].headers["if-match"] == "2"
    assert "time_slot_matrix" in json.loads(seen[0].content)


async def test_update_leaves_the_booking_alone(make: Make) -> None:
    """An update PATCH carries no time_slot_matrix, so the booking is not redone."""
    driver, seen = make(
        {("PATCH", "/api/v2/callbacks/cb_1-aa"): [httpx.Response(200, json=live_callback())]}
    )
    await driver.execute(action(ActionType.UPDATE, live_id="cb_1-aa", live_version=2))
    assert "time_slot_matrix" not in json.loads(seen[0].content)


async def test_version_conflict_already_as_desired_counts_as_done(make: Make) -> None:
    """A PATCH whose earlier try landed (409 version.conflict, live as desired) is not an error."""
    driver, _ = make(
        {
            ("PATCH", "/api/v2/callbacks/cb_1-aa"): [conflict("version.conflict")],
            ("GET", "/api/v2/callbacks/cb_1-aa"): [httpx.Response(200, json=live_callback())],
        }
    )
    result = await driver.execute(action(ActionType.RESCHEDULE, live_id="cb_1-aa", live_version=2))
    assert result.outcome is Outcome.UNCHANGED


async def test_version_conflict_with_other_changes_is_reported(make: Make) -> None:
    """A PATCH that meets someone else's change raises ConflictError instead of overwriting."""
    driver, _ = make(
        {
            ("PATCH", "/api/v2/callbacks/cb_1-aa"): [conflict("version.conflict")],
            ("GET", "/api/v2/callbacks/cb_1-aa"): [
                httpx.Response(200, json=live_callback(reason="changed in the UI"))
            ],
        }
    )
    with pytest.raises(ConflictError):
        await driver.execute(action(ActionType.UPDATE, live_id="cb_1-aa", live_version=2))


async def test_cancel_deletes_with_if_match_and_tolerates_a_repeat(make: Make) -> None:
    """A cancel is DELETE with If-Match; a conflict on an already canceled callback is done."""
    driver, seen = make(
        {
            ("DELETE", "/api/v2/callbacks/cb_1-aa"): [conflict("version.conflict")],
            ("GET", "/api/v2/callbacks/cb_1-aa"): [
                httpx.Response(200, json=live_callback(status="canceled"))
            ],
        }
    )
    result = await driver.execute(action(ActionType.CANCEL, live_id="cb_1-aa", live_version=3))
    assert result.outcome is Outcome.UNCHANGED
    assert seen[0].headers["if-match"] == "3"


async def test_read_converts_wire_objects_once(make: Make) -> None:
    """read() lists the named queue, its callbacks (active and canceled) and all webhooks."""
    queue = {
        "id": "queue_12345",
        "name": "Tech Support",
        "timezone": "America/New_York",
        "operating_hours": [{"days": ["mon", "tue"], "open": "08:00", "close": "18:00"}],
        "holidays": ["2026-12-25"],
        "slot_minutes": 15,
        "concurrency_limit": 10,
        "version": 3,
    }

    def page(entities: list[object]) -> httpx.Response:
        return httpx.Response(200, json={"entities": entities, "nextUri": None})

    old = live_callback(id="cb_1-old", status="canceled", version=9)
    driver, seen = make(
        {
            ("GET", "/api/v2/queues"): [page([queue])],
            ("GET", "/api/v2/callbacks"): [page([live_callback()]), page([old])],
            ("GET", "/api/v2/webhooks"): [page([])],
        }
    )
    live = await driver.read(queue_refs=[QueueRef(name="Tech Support")])
    assert [q.id for q in live.queues] == ["queue_12345"]
    assert live.queues[0].operating_hours[0].open_minute == 8 * 60
    assert [c.id for c in live.callbacks] == ["cb_1-aa"]  # the canceled twin is hidden
    assert live.callbacks[0].callback_time == SLOT
    statuses = [r.url.params.get("status") for r in seen if r.url.path == "/api/v2/callbacks"]
    assert statuses == [None, "canceled"]
