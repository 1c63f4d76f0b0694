"""The planner's laws, on generated manifests and platforms (STYLE.md §17).

- plan(x, x) is empty: a platform that already is what the manifests say needs nothing;
- apply-then-plan is empty: after carrying a plan out, planning again finds nothing to do;
- the plan does not depend on the order of batches, reservations, live objects or label keys.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reconciler.core.live import CallbackStatus, LiveCallback, LiveState, LiveWebhook
from reconciler.core.model import UNSET, ManifestSet, Origin, Reservation, Webhook
from reconciler.core.planner import make_plan
from reconciler.core.render import render_json
from tests.core.planner.factories import (
    NOW,
    batch,
    capacity,
    foreign,
    live_queue,
    manifests,
    ny,
    reservation,
    state,
    window,
)
from tests.core.planner.simulate import apply_plan, phase_overflows

IDS = [f"c{i}" for i in range(8)]
ENABLED = st.sampled_from([UNSET, True, False])
LAWS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def windows(draw: st.DrawFn) -> list[object]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        day = draw(st.sampled_from([14, 15, 16]))
        start = ny(day, draw(st.integers(8, 17)), draw(st.sampled_from([0, 15, 30, 45])))
        out.append(window(start, draw(st.sampled_from([15, 30, 60]))))
    return out


@st.composite
def desired_sets(draw: st.DrawFn) -> ManifestSet:
    ids = draw(st.lists(st.sampled_from(IDS), unique=True, max_size=6))
    batches: dict[str, list[Reservation]] = {"b0": [], "b1": []}
    for cid in ids:
        res = reservation(cid, *draw(windows()), reason=draw(st.sampled_from(["x", "y", UNSET])))
        batches[draw(st.sampled_from(["b0", "b1"]))].append(res)
    limit = draw(st.sampled_from([UNSET, 1, 2, 3]))
    hooks = [
        Webhook(name, f"https://example.com/{name}", Origin("h.yaml"), enabled=draw(ENABLED))
        for name in draw(st.lists(st.sampled_from(["h0", "h1", "h2"]), unique=True))
    ]
    return manifests(
        [batch(name, items, prune=draw(st.booleans())) for name, items in batches.items()],
        queues=[capacity(concurrency_limit=limit)],
        webhooks=hooks,
    )


@st.composite
def platforms(draw: st.DrawFn) -> LiveState:
    callbacks: list[LiveCallback] = []
    for n in range(draw(st.integers(0, 6))):
        day, hour = draw(st.sampled_from([14, 15, 16])), draw(st.integers(8, 17))
        owner = draw(st.sampled_from([None, "b0", "b1"]))
        labels = (
            {}
            if owner is None
            else {
                "gcbctl.io/managed-by": "gcbctl",
                "gcbctl.io/owner": f"ReservationBatch/{owner}",
                "gcbctl.io/spec-hash": draw(st.sampled_from(["0" * 16, "stale"])),
            }
        )
        callbacks.append(
            foreign(
                f"live{n}",
                ny(day, hour, draw(st.sampled_from([0, 15, 30]))),
                callback_id=draw(st.sampled_from([*IDS, f"other{n}"])),
                status=draw(st.sampled_from(list(CallbackStatus))),
                labels=labels,
                reason=draw(st.sampled_from(["x", "by hand"])),
            )
        )
    unique: dict[str, LiveCallback] = {}
    for callback in callbacks:  # the platform keeps callback ids unique among active callbacks
        key = (
            callback.callback_id if callback.status is not CallbackStatus.CANCELED else callback.id
        )
        unique.setdefault(key, callback)
    limit = draw(st.integers(1, 3))
    hooks = [
        LiveWebhook(
            f"wh{n}",
            name,
            "https://old.example.com",
            "application/json",
            True,
            (),
            labels=draw(
                st.sampled_from(
                    [{}, {"gcbctl.io/managed-by": "gcbctl", "gcbctl.io/owner": f"Webhook/{name}"}]
                )
            ),
        )
        for n, name in enumerate(draw(st.lists(st.sampled_from(["h0", "h1", "h3"]), unique=True)))
    ]
    return state(*unique.values(), queues=[live_queue(limit=limit)], webhooks=hooks)


def _feasible(plan: object) -> bool:
    return not any(p.is_error for p in plan.problems)  # type: ignore[attr-defined]


@LAWS
@given(desired_sets(), st.integers(1, 3))
def test_plan_of_an_applied_state_is_empty(desired: ManifestSet, limit: int) -> None:
    """plan(x, x) is empty: the platform built from the manifests needs no action."""
    empty = state(queues=[live_queue(limit=limit)])
    first = make_plan(desired, empty, now=NOW)
    assume(_feasible(first))
    again = make_plan(desired, apply_plan(first, empty), now=NOW)
    assert again.actions == ()
    assert again.problems == ()


@LAWS
@given(desired_sets(), platforms())
def test_apply_then_plan_is_empty(desired: ManifestSet, live: LiveState) -> None:
    """After applying a feasible plan to any platform, planning again finds nothing to do."""
    first = make_plan(desired, live, now=NOW, allow_mass_cancel=True)
    assume(_feasible(first))
    assert phase_overflows(first, live) == []
    after = apply_plan(first, live)
    again = make_plan(desired, after, now=NOW, allow_mass_cancel=True)
    assert [(a.type, a.address, a.changes) for a in again.actions] == []


def _shuffled(
    desired: ManifestSet, live: LiveState, rng: random.Random
) -> tuple[ManifestSet, LiveState]:
    batches = [
        replace(b, reservations=tuple(rng.sample(b.reservations, len(b.reservations))))
        for b in rng.sample(desired.batches, len(desired.batches))
    ]
    callbacks = [
        replace(c, labels=dict(rng.sample(list(c.labels.items()), len(c.labels))))
        for c in rng.sample(live.callbacks, len(live.callbacks))
    ]
    hooks = rng.sample(desired.webhooks, len(desired.webhooks))
    live_hooks = rng.sample(live.webhooks, len(live.webhooks))
    return (
        replace(desired, batches=tuple(batches), webhooks=tuple(hooks)),
        replace(live, callbacks=tuple(callbacks), webhooks=tuple(live_hooks)),
    )


@LAWS
@given(desired_sets(), platforms(), st.randoms(use_true_random=False))
def test_plan_does_not_depend_on_order(
    desired: ManifestSet, live: LiveState, rng: random.Random
) -> None:
    """Shuffling batches, reservations, live callbacks and label keys gives the same plan."""
    expected = render_json(make_plan(desired, live, now=NOW))
    shuffled_desired, shuffled_live = _shuffled(desired, live, rng)
    assert render_json(make_plan(shuffled_desired, shuffled_live, now=NOW)) == expected


def test_time_moving_on_keeps_a_converged_plan_empty() -> None:
    """A converged platform stays converged as `now` passes some of its slots."""
    desired = manifests(
        [batch("b", [reservation("a", window(ny(15, 9), 60)), reservation("z", window(ny(16, 9)))])]
    )
    live = apply_plan(make_plan(desired, state(), now=NOW), state())
    later = ny(15, 9, 30).astimezone(UTC) + timedelta(minutes=1)
    assert make_plan(desired, live, now=later).actions == ()
