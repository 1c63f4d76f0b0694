"""Build a `ReservationBatch` from its document and its reservations (inline or from CSV).

Reservations are the bulk of the work for big batches, so the loop is kept plain: schema
problems only slow it down when there are some. A bad reservation is left out (its problems are
already reported); a window whose time does not exist in the calendar (2026-02-30) is reported
here because the schema's pattern cannot tell.
"""

from __future__ import annotations

from typing import Any

from reconciler.core.model import (
    UNSET,
    ChannelPreferences,
    Origin,
    Reservation,
    ReservationBatch,
    TimeWindow,
    _Unset,
)
from reconciler.core.problems import Problem
from reconciler.manifests.build import Bad, instant, preferences


def build_batch(
    doc: dict[str, Any],
    origin: Origin,
    bad: Bad,
    *,
    reservations: list[Any],
    reservations_origin: Origin,
    reservations_bad: Bad,
) -> tuple[ReservationBatch | None, list[Problem]]:
    """The batch (None when its name or queue is unusable) and problems found while building."""
    if not (bad.clean("metadata", "name") and bad.clean("spec", "queue")):
        return None, []
    spec = doc["spec"]
    defaults = spec.get("defaults", {}) if bad.clean("spec", "defaults") else {}
    default_preferences = defaults.get("channelPreferences")
    default_reason = defaults.get("reason", UNSET)
    problems: list[Problem] = []
    built: list[Reservation] = []
    for index, item in enumerate(reservations):
        if not reservations_bad.clean(index):
            continue
        reservation = _reservation(
            item, reservations_origin.child(index), default_preferences, default_reason, problems
        )
        if reservation is not None:
            built.append(reservation)
    batch = ReservationBatch(
        name=doc["metadata"]["name"],
        queue=spec["queue"],
        origin=origin,
        reservations=tuple(built),
        prune=bool(spec.get("prune", False)) if bad.clean("spec", "prune") else False,
        defaults_channel_preferences=preferences(default_preferences),
        defaults_reason=default_reason,
    )
    return batch, problems


def _reservation(
    item: dict[str, Any],
    origin: Origin,
    default_preferences: Any,
    default_reason: str | _Unset,
    problems: list[Problem],
) -> Reservation | None:
    windows: list[TimeWindow] = []
    for index, slot in enumerate(item["timeSlots"]):
        where = origin.child("timeSlots", index)
        start, end = instant(slot["start"]), instant(slot["end"])
        for key, value in (("start", start), ("end", end)):
            if value is None:
                problems.append(_no_such_time(where.child(key), slot[key]))
        if start is None or end is None:
            return None
        windows.append(TimeWindow(start, end, where))
    chosen: ChannelPreferences | _Unset = preferences(
        default_preferences, item.get("channelPreferences")
    )
    return Reservation(
        callback_id=item["callbackId"],
        callback_number=item["callbackNumber"],
        time_slots=tuple(windows),
        origin=origin,
        reason=item.get("reason", default_reason),
        channel_preferences=chosen,
    )


def _no_such_time(origin: Origin, text: str) -> Problem:
    return Problem(
        "timeslot.invalid-datetime",
        f"{text!r} is not a real date and time",
        origin,
        hint="write YYYY-MM-DDTHH:MM, optionally with seconds and an offset",
    )
