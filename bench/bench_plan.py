"""Benchmark: planning 50,000 reservations over 20 queues (issue 4, item 8b).

Measures planning compute only (no API, no YAML): `make_plan` against
  1. an empty platform (everything is a create),
  2. the platform after applying that plan (all booked, no change),
  3. the same platform with 1% of the reservations changed (reason edits, moved windows,
     new and removed reservations under prune).
Target: (2) and (3) at most 5 s each. Run: `.venv/bin/python bench/bench_plan.py [--n 50000]`.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from reconciler.core.actions import ActionType, DesiredCallback
from reconciler.core.live import CallbackStatus, LiveCallback, LiveQueue, LiveState
from reconciler.core.model import (
    ManifestSet,
    OperatingWindow,
    Origin,
    QueueCapacity,
    QueueRef,
    Reservation,
    ReservationBatch,
    TimeWindow,
    Weekday,
)
from reconciler.core.planner import Plan, make_plan

NOW = datetime(2026, 12, 1, tzinfo=UTC)
ZONES = ["America/New_York", "Europe/Berlin", "Asia/Kolkata", "Australia/Adelaide"]
WEEKDAYS = (Weekday.MON, Weekday.TUE, Weekday.WED, Weekday.THU, Weekday.FRI)
QUEUES = 20
DAYS = [d for d in range(2, 24) if datetime(2026, 12, d).weekday() < 5]


def live_queues() -> list[LiveQueue]:
    return [
        LiveQueue(
            id=f"queue_{q}",
            name=f"Queue {q}",
            timezone=ZONES[q % len(ZONES)],
            operating_hours=(OperatingWindow(WEEKDAYS, 8 * 60, 18 * 60),),
            holidays=(),
            slot_minutes=15,
            concurrency_limit=20,
            version=1,
        )
        for q in range(QUEUES)
    ]


def reservation(rng: random.Random, cid: str, tz: ZoneInfo, origin: Origin) -> Reservation:
    windows = []
    for _ in range(rng.randint(1, 3)):
        start = datetime(
            2026, 12, rng.choice(DAYS), rng.randint(8, 16), rng.choice([0, 15, 30]), tzinfo=tz
        )
        windows.append(
            TimeWindow(start, start + timedelta(minutes=rng.choice([15, 30, 60])), origin)
        )
    return Reservation(
        cid, f"+1415555{rng.randint(0, 9999):04d}", tuple(windows), origin, reason="Callback"
    )


def desired(n: int, rng: random.Random) -> ManifestSet:
    queues, batches = [], []
    for q, live in enumerate(live_queues()):
        origin = Origin(f"q{q}.yaml")
        queues.append(QueueCapacity(f"cap-{q}", QueueRef(id=live.id), origin, concurrency_limit=20))
        tz = ZoneInfo(live.timezone)
        items = tuple(reservation(rng, f"cb_{q}_{i}", tz, origin) for i in range(n // QUEUES))
        batches.append(ReservationBatch(f"batch-{q}", f"cap-{q}", origin, items, prune=True))
    return ManifestSet(queues=tuple(queues), batches=tuple(batches))


def applied(plan: Plan, live: LiveState) -> LiveState:
    """The platform after the plan's creates (the only kind an empty platform needs)."""
    made = []
    for n, action in enumerate(plan.actions):
        want = action.desired
        if action.type is ActionType.CREATE and isinstance(want, DesiredCallback):
            made.append(
                LiveCallback(
                    id=f"{want.callback_id}-{n}",
                    callback_id=want.callback_id,
                    callback_number=want.callback_number,
                    callback_time=want.slot_start,
                    queue_id=want.queue_id,
                    status=CallbackStatus.SCHEDULED,
                    reason=want.reason,
                    channel_preferences=want.channel_preferences,
                    labels=dict(want.labels),
                    version=1,
                )
            )
    return replace(live, callbacks=live.callbacks + tuple(made))


def changed(manifests: ManifestSet, rng: random.Random, share: float) -> ManifestSet:
    """Change `share` of the reservations: a quarter each reason, window, added, removed."""
    batches = []
    for b in manifests.batches:
        items = list(b.reservations)
        for i in rng.sample(range(len(items)), int(len(items) * share)):
            kind = i % 4
            if kind == 0:
                items[i] = replace(items[i], reason="Changed reason")
            elif kind == 1:
                w = items[i].time_slots[0]
                items[i] = replace(
                    items[i],
                    time_slots=(
                        replace(
                            w, start=w.start + timedelta(days=7), end=w.end + timedelta(days=7)
                        ),
                    ),
                )
            elif kind == 2:
                items.append(replace(items[i], callback_id=items[i].callback_id + "_new"))
            else:
                items[i] = replace(items[i], callback_id="")
        batches.append(replace(b, reservations=tuple(r for r in items if r.callback_id)))
    return replace(manifests, batches=tuple(batches))


def timed(label: str, desired_set: ManifestSet, live: LiveState) -> Plan:
    started, cpu = time.perf_counter(), time.process_time()
    plan = make_plan(desired_set, live, now=NOW, allow_mass_cancel=True)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    errors = sum(1 for p in plan.problems if p.is_error)
    print(
        f"{label:<26} wall {elapsed:5.2f} s, cpu {cpu:5.2f} s  {plan.summary_line()} err={errors}"
    )
    return plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    manifests = desired(args.n, rng)
    empty = LiveState(queues=tuple(live_queues()))
    print(f"{args.n} reservations over {QUEUES} queues")
    first = timed("empty platform (all new)", manifests, empty)
    booked = applied(first, empty)
    timed("all booked, no change", manifests, booked)
    timed("all booked, 1% changed", changed(manifests, rng, 0.01), booked)


if __name__ == "__main__":
    main()
