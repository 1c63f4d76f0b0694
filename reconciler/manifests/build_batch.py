"""Build a `ReservationBatch` from its document and its reservations (inline or from CSV).

Reservations are the bulk of the work for big batches, so the loop is kept plain: schema
problems only slow it down when there are some. A bad reservation is left out (its problems are
already reported); a window whose time does not exist in the calendar (2026-02-30) is reported
here because the schema's pattern cannot tell.
"""

from __future__ import annotations

from datetime import datetime
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
    builder = _Builder(defaults.get("channelPreferences"), defaults.get("reason", UNSET))
    built: list[Reservation] = []
    file, document, base = (
        reservations_origin.file,
        reservations_origin.document,
        reservations_origin.path,
    )
    for index, item in enumerate(reservations):
        if reservations_bad.paths and not reservations_bad.clean(index):
            continue
        reservation = builder.reservation(item, Origin(file, document, (*base, index)))
        if reservation is not None:
            built.append(reservation)
    batch = ReservationBatch(
        name=doc["metadata"]["name"],
        queue=spec["queue"],
        origin=origin,
        reservations=tuple(built),
        prune=bool(spec.get("prune", False)) if bad.clean("spec", "prune") else False,
        defaults_channel_preferences=builder.default_preferences,
        defaults_reason=builder.default_reason,
    )
    return batch, builder.problems


class _Builder:
    """Builds one batch's reservations; remembers parsed times, which big batches repeat."""

    def __init__(self, default_preferences: Any, default_reason: str | _Unset) -> None:
        self._defaults = default_preferences
        self.default_preferences: ChannelPreferences | _Unset = preferences(default_preferences)
        self.default_reason = default_reason
        self.problems: list[Problem] = []
        self._instants: dict[str, datetime | None] = {}

    def _instant(self, text: str) -> datetime | None:
        if text in self._instants:
            return self._instants[text]
        found = self._instants[text] = instant(text)
        return found

    def reservation(self, item: dict[str, Any], origin: Origin) -> Reservation | None:
        windows: list[TimeWindow] = []
        for index, slot in enumerate(item["timeSlots"]):
            where = Origin(origin.file, origin.document, (*origin.path, "timeSlots", index))
            start, end = self._instant(slot["start"]), self._instant(slot["end"])
            if start is None or end is None:
                for key, value in (("start", start), ("end", end)):
                    if value is None:
                        self.problems.append(_no_such_time(where.child(key), slot[key]))
                return None
            windows.append(TimeWindow(start, end, where))
        own = item.get("channelPreferences")
        chosen = self.default_preferences if own is None else preferences(self._defaults, own)
        return Reservation(
            callback_id=item["callbackId"],
            callback_number=item["callbackNumber"],
            time_slots=tuple(windows),
            origin=origin,
            reason=item.get("reason", self.default_reason),
            channel_preferences=chosen,
        )


def _no_such_time(origin: Origin, text: str) -> Problem:
    return Problem(
        "timeslot.invalid-datetime",
        f"{text!r} is not a real date and time",
        origin,
        hint="write YYYY-MM-DDTHH:MM, optionally with seconds and an offset",
    )
