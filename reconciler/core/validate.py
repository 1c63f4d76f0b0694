"""Semantic validation of manifests: every rule of DESIGN.md §2, offline, all problems at once.

`validate(manifests, now=...)` is pure: no files, no network, no clock (the caller passes `now`,
which only decides which windows are history). It runs after the schema, on domain values, and
returns Problems whose origins the manifest source map turns into lines and columns. The rules
live in `validate_resources` (names, queues, webhooks), `validate_batches` (numbers, channels,
windows via `validate_windows`) and `validate_capacity` (demand against the concurrency limit).
"""

from __future__ import annotations

from datetime import datetime

from reconciler.core.model import ManifestSet
from reconciler.core.problems import Problem
from reconciler.core.validate_batches import BatchChecker
from reconciler.core.validate_capacity import check_capacity
from reconciler.core.validate_resources import check_names, check_queue, check_webhook


def validate(manifests: ManifestSet, *, now: datetime) -> tuple[Problem, ...]:
    """Every semantic problem of `manifests`, relative to the instant `now` (aware)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    problems = check_names(manifests)
    for queue in manifests.queues:
        problems.extend(check_queue(queue))
    for webhook in manifests.webhooks:
        problems.extend(check_webhook(webhook))
    checker = BatchChecker(manifests.queues, now)
    for batch in manifests.batches:
        problems.extend(checker.check(batch))
    for demand in checker.demand.values():
        problems.extend(check_capacity(demand))
    return tuple(problems)
