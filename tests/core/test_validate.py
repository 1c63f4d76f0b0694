"""Semantic validation on domain values: capacity groups, windows, phones, channels, names."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.core.model import (
    Channel,
    ChannelPreferences,
    ManifestSet,
    OperatingWindow,
    Origin,
    QueueCapacity,
    QueueRef,
    Reservation,
    ReservationBatch,
    TimeWindow,
    Webhook,
    Weekday,
)
from reconciler.core.validate import validate
from reconciler.core.validate_phone import number_problem

NOW = datetime(2026, 12, 1, tzinfo=UTC)
WEEKDAYS = tuple(Weekday)[:5]


def _queue(limit: int = 2, name: str = "q") -> QueueCapacity:
    return QueueCapacity(
        name=name,
        queue=QueueRef(name=name.upper()),
        origin=Origin("q.yaml"),
        concurrency_limit=limit,
        slot_minutes=15,
        timezone="America/New_York",
        operating_hours=(OperatingWindow(WEEKDAYS, 8 * 60, 18 * 60),),
        holidays=(date(2026, 12, 25),),
    )


def _reservation(index: int, *windows: tuple[str, str], **extra: object) -> Reservation:
    origin = Origin("b.yaml", 0, ("spec", "reservations", index))
    slots = tuple(
        TimeWindow(
            datetime.fromisoformat(start),
            datetime.fromisoformat(end),
            origin.child("timeSlots", k),
        )
        for k, (start, end) in enumerate(windows)
    )
    return Reservation(f"cb_{index}", f"+141555501{index:02d}", slots, origin, **extra)  # type: ignore[arg-type]


def _codes(*reservations: Reservation, limit: int = 2, now: datetime = NOW) -> list[str]:
    batch = ReservationBatch("b", "q", Origin("b.yaml"), reservations)
    manifests = ManifestSet(queues=(_queue(limit),), batches=(batch,))
    return [problem.code for problem in validate(manifests, now=now)]


SLOT = ("2026-12-15T14:00", "2026-12-15T14:15")
LATER = ("2026-12-15T15:00", "2026-12-15T15:15")


def test_demand_within_the_limit_is_fine() -> None:
    """Two reservations for one slot fit a limit of 2."""
    assert _codes(_reservation(0, SLOT), _reservation(1, SLOT)) == []


def test_demand_over_the_limit_is_reported_once() -> None:
    """Three reservations for one slot at limit 2: one capacity problem, at the third."""
    problems = validate(
        ManifestSet(
            queues=(_queue(2),),
            batches=(
                ReservationBatch(
                    "b", "q", Origin("b.yaml"), tuple(_reservation(i, SLOT) for i in range(3))
                ),
            ),
        ),
        now=NOW,
    )
    assert [(p.code, p.origin.path) for p in problems] == [
        ("capacity.exceeded", ("spec", "reservations", 2, "timeSlots"))
    ]


def test_an_alternative_window_makes_room() -> None:
    """A third reservation that also accepts a later slot is not an overflow."""
    assert _codes(_reservation(0, SLOT), _reservation(1, SLOT), _reservation(2, SLOT, LATER)) == []


def test_partly_past_window_offers_only_future_slots() -> None:
    """A window half in the past counts only its future slots: 3 for one future slot overflow."""
    window = ("2026-12-15T13:45", "2026-12-15T14:15")
    now = datetime(2026, 12, 15, 18, 50, tzinfo=UTC)  # 13:50 in New York
    assert _codes(*(_reservation(i, window) for i in range(3)), now=now) == ["capacity.exceeded"]


def test_history_takes_no_capacity() -> None:
    """Reservations whose windows all passed warn and are not counted against capacity."""
    assert (
        _codes(*(_reservation(i, SLOT) for i in range(3)), now=datetime(2027, 1, 1, tzinfo=UTC))
        == ["timeslot.past"] * 3
    )


def test_sms_needs_allow_sms() -> None:
    """sms as primary or fallback without allowSms is an error."""
    prefs = ChannelPreferences(primary=Channel.VOICE, fallback=Channel.SMS, allow_sms=False)
    assert _codes(_reservation(0, SLOT, channel_preferences=prefs)) == ["channel.sms-not-allowed"]


def test_duplicate_callback_ids_across_batches() -> None:
    """The same callbackId in two batches is reported at the second one."""
    first = ReservationBatch("a", "q", Origin("a.yaml"), (_reservation(0, SLOT),))
    second = ReservationBatch("b", "q", Origin("b.yaml"), (_reservation(0, LATER),))
    manifests = ManifestSet(queues=(_queue(),), batches=(first, second))
    assert [p.code for p in validate(manifests, now=NOW)] == ["callback-id.duplicate"]


def test_webhook_http_allowed_only_to_loopback() -> None:
    """http:// is refused for public hosts and accepted for 127.0.0.1."""
    hooks = (
        Webhook("a", "http://127.0.0.1:9000/h", Origin("w.yaml")),
        Webhook("b", "http://example.com/h", Origin("w.yaml")),
    )
    problems = validate(ManifestSet(webhooks=hooks), now=NOW)
    assert [p.code for p in problems] == ["webhook.insecure-url"]


def test_now_must_be_aware() -> None:
    """A naive `now` is a programming error, not a user problem."""
    with pytest.raises(ValueError, match="timezone-aware"):
        validate(ManifestSet(), now=datetime(2026, 12, 1))


@pytest.mark.parametrize(
    "number",
    [
        "+14155550199",
        "+442079460958",
        "+919876543210",
        "+61412345678",
        "+390612345678",
        "+912212345678",
        "+19995550100",
        "+3512",
        "+3901",
        "+390",
    ],
)
def test_fast_number_check_matches_phonenumbers(number: str) -> None:
    """The shortcut that skips phonenumbers.parse agrees with parse + is_valid_number."""
    try:
        expected = phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        expected = False
    assert (number_problem(number) is None) == expected


@settings(max_examples=150, deadline=None)
@given(st.from_regex(r"\+[0-9]{1,16}", fullmatch=True))
def test_number_check_never_raises_and_agrees(number: str) -> None:
    """Any +digits string gets an answer that matches phonenumbers (or a shape problem)."""
    found = number_problem(number)
    try:
        expected = phonenumbers.is_valid_number(phonenumbers.parse(number, None))
    except phonenumbers.NumberParseException:
        expected = False
    assert (found is None) == expected or (found is not None and found[0] == "phone.not-e164")


ZONES = ["America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"]
instants = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31))
offsets = st.one_of(
    st.none(),
    st.sampled_from(
        [UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=10, minutes=30))]
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(ZONES),
    st.sampled_from([5, 10, 15, 20, 30, 60]),
    st.lists(st.tuples(instants, offsets, st.integers(-120, 600)), min_size=1, max_size=4),
    st.integers(1, 3),
)
def test_any_windows_in_any_zone_only_give_problems(
    tz: str, slot: int, raw: list[tuple[datetime, tzinfo | None, int]], limit: int
) -> None:
    """Random windows (naive or with offsets) in zones with odd DST rules never crash validate."""
    queue = replace(_queue(limit), timezone=tz, slot_minutes=slot)
    reservations = tuple(
        _reservation(
            i,
            (
                start.replace(tzinfo=offset).isoformat(),
                (start + timedelta(minutes=length)).replace(tzinfo=offset).isoformat(),
            ),
        )
        for i, (start, offset, length) in enumerate(raw)
    )
    batch = ReservationBatch("b", "q", Origin("b.yaml"), reservations)
    problems = validate(ManifestSet(queues=(queue,), batches=(batch,)), now=NOW)
    assert all(p.code.split(".")[0] in {"timeslot", "capacity", "phone"} for p in problems)
