"""The slot calendar: grid, operating hours (24:00 close), holidays and DST in several zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reconciler.core.model import OperatingWindow, Weekday
from reconciler.core.schedule import (
    Calendar,
    LocalTimeProblem,
    SlotClosure,
    local_problem,
    parse_hhmm,
    zone,
)

EVERY_DAY = (OperatingWindow(tuple(Weekday), 0, 24 * 60),)


def _calendar(tz: str, slot: int, hours: tuple[OperatingWindow, ...] = EVERY_DAY) -> Calendar:
    found = zone(tz)
    assert found is not None
    return Calendar(found, slot, hours, frozenset({date(2026, 12, 25)}))


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("00:00", 0), ("08:30", 510), ("24:00", 1440), ("24:01", None), ("8:00", None)],
)
def test_parse_hhmm(text: str, minutes: int | None) -> None:
    """HH:MM parses to minutes from midnight; 24:00 is allowed, nothing beyond it."""
    assert parse_hhmm(text) == minutes


@pytest.mark.parametrize(
    ("tz", "naive", "expected"),
    [
        ("America/New_York", datetime(2027, 3, 14, 2, 30), LocalTimeProblem.GAP),
        ("America/New_York", datetime(2027, 11, 7, 1, 30), LocalTimeProblem.FOLD),
        ("Europe/Berlin", datetime(2027, 3, 28, 2, 0), LocalTimeProblem.GAP),
        ("Australia/Lord_Howe", datetime(2027, 10, 3, 2, 15), LocalTimeProblem.GAP),
        ("Australia/Lord_Howe", datetime(2027, 4, 4, 1, 45), LocalTimeProblem.FOLD),
        ("Asia/Kolkata", datetime(2027, 3, 14, 2, 30), None),
    ],
)
def test_dst_gaps_and_folds(tz: str, naive: datetime, expected: LocalTimeProblem | None) -> None:
    """Wall-clock times that do not exist or exist twice are told apart, including 30-min DST."""
    found = zone(tz)
    assert found is not None
    assert local_problem(naive, found) is expected


def test_grid_is_local_wall_clock_in_half_hour_zones() -> None:
    """In Kolkata (UTC+05:30) a 20-minute grid is local: 04:30Z is 10:00 local, on the grid."""
    calendar = _calendar("Asia/Kolkata", 20)
    assert calendar.on_grid(datetime(2026, 12, 15, 4, 30, tzinfo=UTC))
    assert not calendar.on_grid(datetime(2026, 12, 15, 4, 0, tzinfo=UTC))


def test_close_at_24_00_keeps_the_last_slot_open() -> None:
    """With close 24:00 the 23:45 slot is open; a holiday closes the whole local day."""
    calendar = _calendar("America/New_York", 15)
    assert calendar.closure(datetime(2026, 12, 16, 4, 45, tzinfo=UTC)) is None
    assert calendar.closure(datetime(2026, 12, 25, 15, 0, tzinfo=UTC)) is SlotClosure.HOLIDAY


def test_grid_points_step_across_a_dst_change() -> None:
    """Grid points across New York's spring-forward skip the missing hour and stay aligned."""
    calendar = _calendar("America/New_York", 60)
    start = datetime(2027, 3, 14, 5, 0, tzinfo=UTC)  # 00:00 EST
    points = list(calendar.grid_points(start, datetime(2027, 3, 14, 9, 0, tzinfo=UTC)))
    assert [calendar.local(p).hour for p in points] == [0, 1, 3, 4]
