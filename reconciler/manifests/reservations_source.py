"""Where a batch's reservations come from: its own `reservations` list or a CSV file.

Big batches come from CRM exports, so `spec.reservationsFrom: {csv: file}` names a CSV file
relative to the manifest. This module reads it (the one other file a manifest may pull in),
checks the rows against the reservation schema and registers the file with the source map, so
row problems are reported at the row's line. Exactly one of the two sources must be given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler.core.model import Origin, ReservationBatch
from reconciler.core.problems import Problem
from reconciler.manifests.build import Bad
from reconciler.manifests.build_batch import build_batch
from reconciler.manifests.csv_rows import read_rows
from reconciler.manifests.documents import Document
from reconciler.manifests.reading import MAX_FILE_BYTES, decode
from reconciler.manifests.schema_check import check_reservation_rows
from reconciler.manifests.sourcemap import SourceMap

_RESERVATIONS = ("spec", "reservations")


def batch_reservations(
    document: Document, bad: Bad, folder: Path, source: SourceMap
) -> tuple[ReservationBatch | None, dict[str, Any], list[Problem]]:
    """The batch, its document with CSV rows inlined (for the digest), and new problems."""
    value, origin = document.value, document.origin
    spec = value["spec"] if isinstance(value.get("spec"), dict) else {}
    has_list, has_csv = "reservations" in spec, "reservationsFrom" in spec
    if has_list == has_csv:
        message = "give either reservations or reservationsFrom, not both"
        if not has_list:
            message = "the batch has neither reservations nor reservationsFrom"
        problem = Problem(
            "batch.reservations-source",
            message,
            origin.child("spec"),
            hint="list reservations inline, or point reservationsFrom.csv at a CSV file",
        )
        return None, value, [problem]
    if has_list:
        rows = spec["reservations"]
        rows_origin = origin.child(*_RESERVATIONS)
        rows_bad = Bad(document.problems, _RESERVATIONS)
        problems: list[Problem] = []
    else:
        if not bad.clean("spec", "reservationsFrom"):
            return None, value, []
        loaded = _csv(spec["reservationsFrom"]["csv"], folder, document, source)
        if isinstance(loaded, Problem):
            return None, value, [loaded]
        rows, rows_origin, problems = loaded
        rows_bad = Bad(problems, _RESERVATIONS)
        value = {**value, "spec": {**spec, "reservations": rows}}
    batch, built_problems = build_batch(
        value,
        origin,
        bad,
        reservations=rows if isinstance(rows, list) else [],
        reservations_origin=rows_origin,
        reservations_bad=rows_bad,
    )
    return batch, value, [*problems, *built_problems]


def _csv(
    relative: str, folder: Path, document: Document, source: SourceMap
) -> tuple[list[Any], Origin, list[Problem]] | Problem:
    path = folder / relative
    where = document.origin.child("spec", "reservationsFrom", "csv")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return Problem(
            "csv.not-found",
            f"cannot read {path}: {exc.strerror}",
            where,
            hint="the path is relative to the manifest file",
        )
    name = str(path)
    text, problem = decode(name, data)
    if problem is not None or text is None:
        return problem or Problem("csv.unreadable", f"cannot read {name}", where)
    rows, positions, problems = read_rows(text, name)
    source.add_csv(name, positions)
    rows_origin = Origin(name, 0, _RESERVATIONS)
    problems.extend(check_reservation_rows(rows, rows_origin))
    return rows, rows_origin, problems
