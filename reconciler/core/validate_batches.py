"""Rules for reservation batches: the queue they name, numbers, channels and every window.

Also collects, per reservation, the open future grid slots it could take; the capacity rule
uses them. Reservations whose windows have all passed are history: a warning, and they take no
capacity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reconciler.core.model import (
    UNSET,
    Channel,
    ChannelPreferences,
    QueueCapacity,
    Reservation,
    ReservationBatch,
)
from reconciler.core.problems import Problem, Severity
from reconciler.core.schedule import Calendar, zone
from reconciler.core.validate_hints import did_you_mean
from reconciler.core.validate_phone import check_number, number_problem
from reconciler.core.validate_windows import WindowFacts, WindowJudge


@dataclass(slots=True)
class Demand:
    """The reservations of one queue that still need a slot, with the slots each could take.

    Slots are epoch minutes of open grid slots that start at or after `now`.
    """

    queue: QueueCapacity
    wants: list[tuple[Reservation, tuple[int, ...]]] = field(default_factory=list)


def calendar_of(queue: QueueCapacity) -> Calendar | None:
    """The queue's calendar when the manifest states all of it (else plan time decides)."""
    if queue.timezone is UNSET or queue.slot_minutes is UNSET or queue.operating_hours is UNSET:
        return None
    tz = zone(queue.timezone)
    if tz is None:
        return None
    holidays = frozenset(queue.holidays) if queue.holidays is not UNSET else frozenset()
    return Calendar(tz, queue.slot_minutes, queue.operating_hours, holidays)


class BatchChecker:
    """Checks every batch of one run; window facts are shared between batches of a queue."""

    def __init__(self, queues: tuple[QueueCapacity, ...], now: datetime) -> None:
        self._queues = {queue.name: queue for queue in queues}
        self._now = now
        self._judges: dict[str, WindowJudge | None] = {}
        self._facts: dict[str, dict[tuple[object, ...], WindowFacts]] = {}
        self.demand: dict[str, Demand] = {}

    def check(self, batch: ReservationBatch) -> list[Problem]:
        queue = self._queues.get(batch.queue)
        if queue is None:
            return [self._unresolved(batch)]
        judge = self._judge(queue)
        problems: list[Problem] = []
        if judge is None and (queue.timezone is UNSET or zone(queue.timezone) is not None):
            problems.append(_incomplete(batch, queue))
        demand = self.demand.setdefault(queue.name, Demand(queue))
        for reservation in batch.reservations:
            problems.extend(self._reservation(reservation, queue, judge, demand))
        return problems

    def _judge(self, queue: QueueCapacity) -> WindowJudge | None:
        if queue.name not in self._judges:
            calendar = calendar_of(queue)
            self._judges[queue.name] = WindowJudge(calendar, self._now) if calendar else None
        return self._judges[queue.name]

    def _unresolved(self, batch: ReservationBatch) -> Problem:
        return Problem(
            "reference.unresolved",
            f"no QueueCapacity named {batch.queue!r}",
            batch.origin.child("spec", "queue"),
            hint=did_you_mean(batch.queue, self._queues)
            or "add a QueueCapacity manifest with that name",
        )

    def _reservation(
        self,
        reservation: Reservation,
        queue: QueueCapacity,
        judge: WindowJudge | None,
        demand: Demand,
    ) -> list[Problem]:
        problems: list[Problem] = []
        if number_problem(reservation.callback_number) is not None:  # cached; origin only if bad
            problems.extend(_number(reservation))
        chosen = reservation.channel_preferences
        if chosen is not UNSET and _channel_trouble(chosen):
            problems.extend(_channels(reservation))
        if judge is None:
            return problems
        slots: list[int] = []
        ended = True
        facts_of = self._facts.setdefault(queue.name, {})
        for window in reservation.time_slots:
            key = (window.start, window.end, window.start.tzinfo, window.end.tzinfo)
            facts = facts_of.get(key)
            if facts is None:
                facts = facts_of[key] = judge.facts(window)
            if facts.issues:
                problems.extend(issue.problem(window.origin) for issue in facts.issues)
            slots.extend(facts.slots)
            ended = ended and facts.ended
        clean = not problems or not any(problem.is_error for problem in problems)
        if reservation.time_slots and (ended or (clean and not slots)):
            problems.append(_past(reservation))
        elif clean:
            demand.wants.append((reservation, tuple(slots)))
        return problems


def _number(reservation: Reservation) -> list[Problem]:
    found = check_number(reservation.callback_number, reservation.origin.child("callbackNumber"))
    return [found] if found else []


def _channel_trouble(chosen: ChannelPreferences) -> bool:
    sms_unallowed = Channel.SMS in (chosen.primary, chosen.fallback) and not chosen.allow_sms
    return sms_unallowed or chosen.primary is Channel.NONE


def _channels(reservation: Reservation) -> list[Problem]:
    chosen = reservation.channel_preferences
    if chosen is UNSET:
        return []
    where = reservation.origin.child("channelPreferences")
    problems = []
    if Channel.SMS in (chosen.primary, chosen.fallback) and not chosen.allow_sms:
        problems.append(
            Problem(
                "channel.sms-not-allowed",
                "sms is used but allowSms is not true",
                where,
                hint="set channelPreferences.allowSms: true, or use voice",
            )
        )
    if chosen.primary is Channel.NONE:
        problems.append(
            Problem(
                "channel.primary-none",
                "the primary channel is none, so the customer cannot be reached",
                where.child("primary"),
                hint="use voice or sms",
            )
        )
    return problems


def _past(reservation: Reservation) -> Problem:
    return Problem(
        "timeslot.past",
        "every window of this reservation has passed (no slot starts after now)",
        reservation.origin.child("timeSlots"),
        hint="history: plan leaves it alone if the platform has it; remove it when done",
        severity=Severity.WARNING,
    )


def _incomplete(batch: ReservationBatch, queue: QueueCapacity) -> Problem:
    return Problem(
        "calendar.incomplete",
        f"QueueCapacity {queue.name!r} does not state timezone, slotMinutes and "
        "operatingHours, so windows can only be checked at plan time",
        batch.origin.child("spec", "queue"),
        hint="state them in the QueueCapacity to validate windows offline",
        severity=Severity.WARNING,
    )
