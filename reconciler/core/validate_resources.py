"""Rules for QueueCapacity and Webhook manifests, and for names that must be unique.

Names are unique per kind across all files, a platform queue is managed by at most one
QueueCapacity, and a `callbackId` appears once across all batches. Webhook URLs are https
(plain http only to loopback, as the sandbox allows).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from reconciler.core.model import UNSET, ManifestSet, Origin, QueueCapacity, Webhook
from reconciler.core.problems import Problem
from reconciler.core.schedule import format_hhmm, zone
from reconciler.core.validate_hints import timezone_hint

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


def _where(origin: Origin) -> str:
    if origin.file.endswith(".csv"):
        return f"{origin.file} (row {origin.path[2] if len(origin.path) > 2 else '?'})"
    return f"{origin.file} (document {origin.document + 1})"


def _duplicates(
    code: str, label: str, items: Iterable[tuple[str, Origin]], path: tuple[str | int, ...]
) -> list[Problem]:
    first: dict[str, Origin] = {}
    problems = []
    for name, origin in items:
        if name in first:
            problems.append(
                Problem(
                    code,
                    f"{label} {name!r} is defined more than once",
                    origin.child(*path),
                    hint=f"it is first defined in {_where(first[name])}",
                )
            )
        else:
            first[name] = origin
    return problems


def check_names(manifests: ManifestSet) -> list[Problem]:
    meta = ("metadata", "name")
    problems = [
        *_duplicates(
            "name.duplicate", "QueueCapacity", ((q.name, q.origin) for q in manifests.queues), meta
        ),
        *_duplicates(
            "name.duplicate", "Webhook", ((w.name, w.origin) for w in manifests.webhooks), meta
        ),
        *_duplicates(
            "name.duplicate",
            "ReservationBatch",
            ((b.name, b.origin) for b in manifests.batches),
            meta,
        ),
        *_duplicates(
            "queue.duplicate",
            "the platform queue",
            ((str(q.queue), q.origin) for q in manifests.queues),
            ("spec", "queue"),
        ),
    ]
    callbacks = (
        (reservation.callback_id, reservation.origin)
        for batch in manifests.batches
        for reservation in batch.reservations
    )
    problems += _duplicates("callback-id.duplicate", "callbackId", callbacks, ("callbackId",))
    return problems


def check_queue(queue: QueueCapacity) -> list[Problem]:
    problems = []
    spec = queue.origin.child("spec")
    if queue.timezone is not UNSET and zone(queue.timezone) is None:
        problems.append(
            Problem(
                "timezone.unknown",
                f"unknown timezone {queue.timezone!r}",
                spec.child("timezone"),
                hint=timezone_hint(queue.timezone),
            )
        )
    if queue.operating_hours is not UNSET:
        for index, window in enumerate(queue.operating_hours):
            if window.close_minute <= window.open_minute:
                problems.append(
                    Problem(
                        "hours.empty",
                        f"closes at {format_hhmm(window.close_minute)}, not after it opens "
                        f"at {format_hhmm(window.open_minute)}",
                        spec.child("operatingHours", index, "close"),
                        hint='a window ends on the day it starts; use close: "24:00" for midnight',
                    )
                )
    return problems


def check_webhook(webhook: Webhook) -> list[Problem]:
    where = webhook.origin.child("spec", "url")
    try:
        parts = urlsplit(webhook.url)
        host = parts.hostname
    except ValueError:
        host, parts = None, None
    if parts is None or not host:
        return [Problem("webhook.invalid-url", "the URL has no host", where)]
    if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
        return [
            Problem(
                "webhook.insecure-url",
                "webhook URLs must use https:// (plain http only to loopback)",
                where,
                hint="use https://",
            )
        ]
    return []
