"""Problems the planner reports about declared reservations, with their codes and hints."""

from __future__ import annotations

from reconciler.core.model import Origin, Reservation
from reconciler.core.planner.entries import Entry
from reconciler.core.problems import Problem


def past_problem(entry: Entry) -> Problem:
    return Problem(
        code="timeslot.past",
        message=f"{entry.address}: every window has passed and the platform does not have it",
        origin=entry.reservation.origin.child("timeSlots"),
        hint="give it a future window or remove it from the manifest",
    )


def duplicate_problem(address: str, reservation: Reservation) -> Problem:
    return Problem(
        code="reservation.duplicate-id",
        message=f"{address}: callbackId {reservation.callback_id} is declared more than once",
        origin=reservation.origin.child("callbackId"),
        hint="callbackId must be unique across all manifests",
    )


def unknown_queue_problem(batch: str, queue: str, origin: Origin) -> Problem:
    return Problem(
        code="reference.unresolved",
        message=f"ReservationBatch/{batch}: no QueueCapacity named {queue}",
        origin=origin.child("spec", "queue"),
        hint="name a QueueCapacity declared in the manifests",
    )
