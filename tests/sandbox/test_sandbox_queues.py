"""Queues: list, filter by name, get, PATCH settings, versions and over-capacity reports (§3)."""

from __future__ import annotations

import httpx
from sandbox_helpers import BodyFactory, window


def test_fixture_queues_are_listed(api: httpx.Client) -> None:
    """The default fixture's four queues are served with the documented shape."""
    page = api.get("/api/v2/queues").json()
    assert page["total"] == 4
    assert {q["id"] for q in page["entities"]} == {
        "queue_12345",
        "queue_billing_eu",
        "queue_care_in",
        "queue_claims_au",
    }
    tech = api.get("/api/v2/queues/queue_12345").json()
    assert tech == {
        "id": "queue_12345",
        "name": "Tech Support",
        "timezone": "America/New_York",
        "operating_hours": [
            {"days": ["mon", "tue", "wed", "thu", "fri"], "open": "08:00", "close": "18:00"}
        ],
        "holidays": ["2026-12-25", "2027-01-01"],
        "slot_minutes": 15,
        "concurrency_limit": 10,
        "version": 1,
    }


def test_name_filter_and_paging(api: httpx.Client) -> None:
    """`name` matches exactly; pages carry totals and a nextUri that keeps the filters."""
    named = api.get("/api/v2/queues", params={"name": "Billing EU"}).json()
    assert [q["id"] for q in named["entities"]] == ["queue_billing_eu"]
    first = api.get("/api/v2/queues", params={"pageSize": 3}).json()
    assert (first["pageCount"], first["total"], len(first["entities"])) == (2, 4, 3)
    assert first["nextUri"] == "/api/v2/queues?pageSize=3&pageNumber=2"
    second = api.get(first["nextUri"]).json()
    assert (len(second["entities"]), second["nextUri"]) == (1, None)


def test_unknown_queue_is_404(api: httpx.Client) -> None:
    """A queue id that does not exist gets 404 `not.found`."""
    response = api.get("/api/v2/queues/queue_nope")
    assert (response.status_code, response.json()["code"]) == (404, "not.found")


def test_patch_changes_settings_and_version(api: httpx.Client) -> None:
    """PATCH applies the named settings, bumps the version and honours If-Match."""
    changes = {
        "concurrency_limit": 12,
        "slot_minutes": 30,
        "holidays": ["2026-12-24"],
        "operating_hours": [{"days": ["mon"], "open": "00:00", "close": "24:00"}],
        "timezone": "Europe/Berlin",
    }
    response = api.patch("/api/v2/queues/queue_12345", json=changes, headers={"If-Match": "1"})
    assert response.status_code == 200
    queue = response.json()
    assert {k: queue[k] for k in changes} == changes
    assert queue["version"] == 2
    assert queue["over_capacity_slots"] == []
    stale = api.patch(
        "/api/v2/queues/queue_12345", json={"concurrency_limit": 3}, headers={"If-Match": "1"}
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "version.conflict")


def test_patch_rejects_bad_values_all_at_once(api: httpx.Client) -> None:
    """Every bad setting is reported in one 400 with a detail per field."""
    bad = {
        "concurrency_limit": 51,
        "slot_minutes": 7,
        "timezone": "Mars/Olympus",
        "operating_hours": [{"days": ["funday"], "open": "09:00", "close": "08:00"}],
        "holidays": ["2026-13-01"],
    }
    response = api.patch("/api/v2/queues/queue_12345", json=bad)
    assert response.status_code == 400
    fields = {d["fieldName"] for d in response.json()["details"]}
    assert fields == {
        "concurrency_limit",
        "slot_minutes",
        "timezone",
        "operating_hours[0]",
        "holidays[0]",
    }
    empty = api.patch("/api/v2/queues/queue_12345", json={})
    assert empty.status_code == 400


def test_lowering_limit_reports_over_capacity_slots(api: httpx.Client, body: BodyFactory) -> None:
    """Lowering the limit below a slot's bookings is allowed and reported per slot."""
    slot = [window("2026-12-15T10:00:00-05:00", "2026-12-15T10:15:00-05:00")]
    for n in range(3):
        assert (
            api.post(
                "/api/v2/callbacks", json=body(callback_id=f"cb_{n}", time_slot_matrix=slot)
            ).status_code
            == 201
        )
    response = api.patch("/api/v2/queues/queue_12345", json={"concurrency_limit": 2})
    assert response.status_code == 200
    assert response.json()["over_capacity_slots"] == [
        {"start": "2026-12-15T15:00:00.000Z", "booked": 3}
    ]
    assert len(api.get("/api/v2/callbacks").json()["entities"]) == 3
