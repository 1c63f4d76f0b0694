"""Callbacks: the booking rule, duplicates, capacity, payload checks, list/get/PATCH/DELETE (§4)."""

from __future__ import annotations

import email.utils

import httpx
import pytest
from sandbox_helpers import BodyFactory, window

from reconciler.sandbox.testing import Sandbox

TWO_SLOTS = [window("2026-12-15T14:00:00-05:00", "2026-12-15T14:30:00-05:00")]


def test_create_returns_the_booked_callback(api: httpx.Client, body: BodyFactory) -> None:
    """201 with server id, the slot start in UTC, status scheduled and version 1."""
    response = api.post("/api/v2/callbacks", json=body())
    assert response.status_code == 201
    created = response.json()
    assert created["id"].startswith("cb_9f8e7d6c-")
    assert created["callback_time"] == "2026-12-15T19:00:00.000Z"
    assert (created["status"], created["version"]) == ("scheduled", 1)
    assert created["time_slot_matrix"] == [
        {"start": "2026-12-15T19:00:00.000Z", "end": "2026-12-15T19:15:00.000Z"}
    ]
    assert created["labels"] == {"gcbctl.io/managed-by": "gcbctl"}
    assert created["created_at"].startswith("2026-12-01T00:00")
    assert api.get(f"/api/v2/callbacks/{created['id']}").json() == created


def test_earliest_slot_with_room_then_next_window(api: httpx.Client, body: BodyFactory) -> None:
    """Slots fill in order up to min(queue, payload) limit, then the next window is used."""
    later = window("2026-12-15T16:00:00-05:00", "2026-12-15T16:15:00-05:00")
    times = []
    for n in range(5):
        matrix = [*TWO_SLOTS, later]
        response = api.post(
            "/api/v2/callbacks",
            json=body(callback_id=f"cb_{n}", concurrency_limit=2, time_slot_matrix=matrix),
        )
        times.append(response.json()["callback_time"])
    assert times == [
        "2026-12-15T19:00:00.000Z",
        "2026-12-15T19:00:00.000Z",
        "2026-12-15T19:15:00.000Z",
        "2026-12-15T19:15:00.000Z",
        "2026-12-15T21:00:00.000Z",
    ]


def test_capacity_exceeded_when_every_slot_is_full(api: httpx.Client, body: BodyFactory) -> None:
    """With no room in any window the create is 409 `capacity.exceeded`."""
    slot = [window("2026-12-15T09:00:00+10:30", "2026-12-15T09:10:00+10:30")]
    for n in range(3):
        ok = api.post(
            "/api/v2/callbacks",
            json=body(callback_id=f"au_{n}", queue_id="queue_claims_au", time_slot_matrix=slot),
        )
        assert ok.status_code == 201
    full = api.post(
        "/api/v2/callbacks",
        json=body(callback_id="au_x", queue_id="queue_claims_au", time_slot_matrix=slot),
    )
    assert (full.status_code, full.json()["code"]) == (409, "capacity.exceeded")


def test_duplicate_names_the_existing_id(api: httpx.Client, body: BodyFactory) -> None:
    """A second create with the same callback_id is 409 with details[0].entityId = existing id."""
    first = api.post("/api/v2/callbacks", json=body()).json()
    again = api.post("/api/v2/callbacks", json=body())
    assert again.status_code == 409
    assert again.json()["code"] == "callback.duplicate"
    assert again.json()["details"][0]["entityId"] == first["id"]
    api.delete(f"/api/v2/callbacks/{first['id']}")
    assert api.post("/api/v2/callbacks", json=body()).status_code == 201


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"callback_number": "4155550199"}, "bad.request", "callback_number"),
        ({"callback_number": "+15555555555"}, "bad.request", "callback_number"),
        ({"concurrency_limit": 0}, "bad.request", "concurrency_limit"),
        (
            {"channel_preferences": {"primary": "sms", "fallback": "none", "allow_sms": False}},
            "bad.request",
            "channel_preferences.allow_sms",
        ),
        ({"channel_preferences": {"primary": "fax"}}, "bad.request", "channel_preferences.primary"),
        ({"time_slot_matrix": []}, "bad.request", "time_slot_matrix"),
        (
            {"time_slot_matrix": [window("2026-12-15T14:00:00", "2026-12-15T14:15:00")]},
            "bad.request",
            "time_slot_matrix[0].start",
        ),
        (
            {
                "time_slot_matrix": [
                    window("2026-12-15T14:15:00-05:00", "2026-12-15T14:00:00-05:00")
                ]
            },
            "bad.request",
            "time_slot_matrix[0]",
        ),
        (
            {
                "time_slot_matrix": [
                    window("2026-12-15T14:05:00-05:00", "2026-12-15T14:20:00-05:00")
                ]
            },
            "bad.request",
            "time_slot_matrix[0]",
        ),
        (
            {
                "time_slot_matrix": [
                    window("2026-11-30T14:00:00-05:00", "2026-11-30T14:15:00-05:00")
                ]
            },
            "slot.in.past",
            "time_slot_matrix[0]",
        ),
        (
            {
                "time_slot_matrix": [
                    window("2026-12-15T07:45:00-05:00", "2026-12-15T08:15:00-05:00")
                ]
            },
            "slot.outside.operating.hours",
            "time_slot_matrix[0]",
        ),
        (
            {
                "time_slot_matrix": [
                    window("2026-12-25T10:00:00-05:00", "2026-12-25T10:15:00-05:00")
                ]
            },
            "slot.outside.operating.hours",
            "time_slot_matrix[0]",
        ),
        (
            {
                "time_slot_matrix": [
                    window("2026-12-19T10:00:00-05:00", "2026-12-19T10:15:00-05:00")
                ]
            },
            "slot.outside.operating.hours",
            "time_slot_matrix[0]",
        ),
        ({"labels": {"k": 1}}, "bad.request", "labels.k"),
        ({"queue_id": "queue_nope"}, "bad.request", "queue_id"),
    ],
)
def test_bad_payloads_are_400(
    api: httpx.Client, body: BodyFactory, overrides: dict[str, object], code: str, field: str
) -> None:
    """Each rule of the payload check answers 400 with its code and the field at fault."""
    response = api.post("/api/v2/callbacks", json=body(**overrides))
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["code"] == code
    assert error["status"] == 400
    assert field in [d.get("fieldName") for d in error["details"]]


def test_every_problem_is_reported_at_once(api: httpx.Client) -> None:
    """An empty body lists every required field in one 400."""
    response = api.post("/api/v2/callbacks", json={})
    fields = {d["fieldName"] for d in response.json()["details"]}
    assert {
        "callback_id",
        "callback_number",
        "time_slot_matrix",
        "channel_preferences",
        "queue_id",
    } <= fields


def test_list_filters_and_default_status(api: httpx.Client, body: BodyFactory) -> None:
    """Lists hide canceled by default and filter by queue, status, callback_id and label."""
    keep = api.post("/api/v2/callbacks", json=body(callback_id="a", labels={"team": "x"})).json()
    gone = api.post("/api/v2/callbacks", json=body(callback_id="b")).json()
    api.delete(f"/api/v2/callbacks/{gone['id']}")

    def ids(**params: str) -> list[str]:
        return [c["id"] for c in api.get("/api/v2/callbacks", params=params).json()["entities"]]

    assert ids() == [keep["id"]]
    assert ids(status="canceled") == [gone["id"]]
    assert sorted(ids(status="scheduled,canceled")) == sorted([keep["id"], gone["id"]])
    assert ids(callback_id="a") == [keep["id"]]
    assert ids(label="team=x") == [keep["id"]]
    assert ids(label="team=y") == []
    assert ids(queue_id="queue_billing_eu") == []
    assert api.get("/api/v2/callbacks", params={"status": "nope"}).status_code == 400
    assert api.get("/api/v2/callbacks", params={"label": "novalue"}).status_code == 400
    assert api.get("/api/v2/callbacks/none").status_code == 404


def test_patch_rebooks_without_counting_itself(api: httpx.Client, body: BodyFactory) -> None:
    """A new matrix re-books under the rules; the callback's own slot does not block it."""
    slot = [window("2026-12-15T09:00:00+10:30", "2026-12-15T09:10:00+10:30")]
    made = [
        api.post(
            "/api/v2/callbacks",
            json=body(callback_id=f"au_{n}", queue_id="queue_claims_au", time_slot_matrix=slot),
        ).json()
        for n in range(3)
    ]
    same = api.patch(
        f"/api/v2/callbacks/{made[0]['id']}", json={"time_slot_matrix": slot, "reason": "moved"}
    )
    assert same.status_code == 200
    assert (same.json()["version"], same.json()["reason"]) == (2, "moved")
    later = [window("2026-12-15T09:10:00+10:30", "2026-12-15T09:20:00+10:30")]
    moved = api.patch(
        f"/api/v2/callbacks/{made[1]['id']}",
        json={"time_slot_matrix": later},
        headers={"If-Match": "1"},
    )
    assert moved.json()["callback_time"] == "2026-12-14T22:40:00.000Z"
    stale = api.patch(
        f"/api/v2/callbacks/{made[1]['id']}", json={"reason": "x"}, headers={"If-Match": "1"}
    )
    assert stale.status_code == 409
    fixed = api.patch(f"/api/v2/callbacks/{made[2]['id']}", json={"queue_id": "queue_12345"})
    assert fixed.status_code == 400
    assert api.patch(f"/api/v2/callbacks/{made[2]['id']}", json={}).status_code == 400


def test_cancel_keeps_the_callback_readable(api: httpx.Client, body: BodyFactory) -> None:
    """DELETE answers 200 with status canceled; canceled stays readable; repeat is harmless."""
    made = api.post("/api/v2/callbacks", json=body()).json()
    wrong = api.delete(f"/api/v2/callbacks/{made['id']}", headers={"If-Match": "7"})
    assert wrong.status_code == 409
    canceled = api.delete(f"/api/v2/callbacks/{made['id']}")
    assert (canceled.status_code, canceled.json()["status"]) == (200, "canceled")
    assert api.get(f"/api/v2/callbacks/{made['id']}").json()["status"] == "canceled"
    assert api.delete(f"/api/v2/callbacks/{made['id']}").json()["version"] == 2
    assert api.patch(f"/api/v2/callbacks/{made['id']}", json={"reason": "x"}).status_code == 400


def test_lifecycle_follows_the_clock(
    sandbox: Sandbox, api: httpx.Client, body: BodyFactory
) -> None:
    """scheduled -> connecting at callback_time -> completed a slot later (sandbox clock)."""
    made = api.post("/api/v2/callbacks", json=body()).json()
    sandbox.set_clock("2026-12-15T19:00:00Z")
    assert api.get(f"/api/v2/callbacks/{made['id']}").json()["status"] == "connecting"
    sandbox.advance(15 * 60)
    done = api.get(f"/api/v2/callbacks/{made['id']}")
    assert done.json()["status"] == "completed"
    assert (
        email.utils.parsedate_to_datetime(done.headers["date"])
        .isoformat()
        .startswith("2026-12-15T19:15")
    )
    assert api.delete(f"/api/v2/callbacks/{made['id']}").status_code == 400


def test_date_header_carries_the_sandbox_clock(api: httpx.Client) -> None:
    """Every response has an RFC 7231 Date from the sandbox clock, not the machine's."""
    response = api.get("/api/v2/queues")
    assert response.headers["date"].startswith("Tue, 01 Dec 2026 00:0")
