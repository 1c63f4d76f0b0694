"""Resolve a window bound as written to an instant and the queue's wall-clock time.

A bound without an offset is wall-clock time in the queue's timezone: it must exist (not in a
DST gap) and be unambiguous (not in a DST fold). A bound with an offset names an instant; an
offset other than UTC that the queue's zone does not use at that instant is suspicious (a
warning). Validation resolves hundreds of thousands of bounds for big batches, so this uses the
two PEP 495 offsets of a wall time (fold=0 and fold=1) rather than round trips through UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from reconciler.core.problems import Severity
from reconciler.core.validate_issue import Issue


@dataclass(frozen=True, slots=True)
class Bound:
    """A window bound as an aware UTC instant and as naive wall-clock time in the queue's zone."""

    instant: datetime
    wall: datetime
    offset: timedelta


def offset_text(offset: timedelta | None) -> str:
    minutes = int((offset or timedelta(0)).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _shifts(wall: datetime, tz: ZoneInfo) -> bool:
    return wall.replace(tzinfo=tz).utcoffset() != wall.replace(tzinfo=tz, fold=1).utcoffset()


def _in_gap(wall: datetime, tz: ZoneInfo) -> bool:
    earlier = wall.replace(tzinfo=tz).utcoffset() or timedelta(0)
    return (wall.replace(tzinfo=tz, fold=1).utcoffset() or timedelta(0)) > earlier


def resolve(value: datetime, tz: ZoneInfo, at: str, issues: list[Issue]) -> Bound | None:
    """The bound `value` on `tz`'s clock; None (with an issue) when it names no single instant."""
    if value.tzinfo is not None:
        return _with_offset(value, tz, at, issues)
    earlier = value.replace(tzinfo=tz).utcoffset() or timedelta(0)
    later = value.replace(tzinfo=tz, fold=1).utcoffset() or timedelta(0)
    if earlier == later:
        return Bound((value - earlier).replace(tzinfo=UTC), value, earlier)
    if later > earlier:  # clocks jumped forward over this wall time
        issues.append(
            Issue(
                at,
                "timeslot.dst-gap",
                f"{value:%Y-%m-%d %H:%M} does not exist in {tz.key} (clocks skip it for DST)",
                "move the window out of the DST change",
            )
        )
        return None
    issues.append(
        Issue(
            at,
            "timeslot.dst-fold",
            f"{value:%Y-%m-%d %H:%M} happens twice in {tz.key} (DST ends)",
            f"add an explicit offset: {value:%Y-%m-%dT%H:%M}{offset_text(earlier)} "
            f"or ...{offset_text(later)}",
        )
    )
    return None


def _with_offset(value: datetime, tz: ZoneInfo, at: str, issues: list[Issue]) -> Bound | None:
    instant = value.astimezone(UTC)
    local = instant.astimezone(tz)
    actual = local.utcoffset() or timedelta(0)
    written = value.utcoffset()
    if written and actual != written:  # UTC (Z) is a fine way to name an instant
        wall = value.replace(tzinfo=None)
        if _shifts(wall, tz):
            # The wall time as written falls in a DST change and its offset is not the one the
            # zone uses then: almost certainly a mistake, so not booked on a guess.
            issues.append(
                Issue(
                    at,
                    "timeslot.dst-gap" if _in_gap(wall, tz) else "timeslot.dst-fold",
                    f"{wall:%Y-%m-%d %H:%M} falls in a DST change of {tz.key} and the offset "
                    f"{offset_text(written)} is not in use then",
                    "write the local time with the offset the zone uses at that moment",
                )
            )
            return None
        issues.append(
            Issue(
                at,
                "timeslot.offset-mismatch",
                f"offset {offset_text(written)} is not the queue's offset "
                f"({offset_text(actual)} in {tz.key}) at that time",
                "check the offset; the instant it names is what gcbctl books",
                Severity.WARNING,
            )
        )
    return Bound(instant, local.replace(tzinfo=None), actual)
