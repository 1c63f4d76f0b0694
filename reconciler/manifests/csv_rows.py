"""Reservations read from CSV (`spec.reservationsFrom: {csv: ...}`), as CRM exports write them.

One row per callback. Columns: `callbackId`, `callbackNumber`, `start`, `end` (the first window),
optionally `reason`, `primary`, `fallback`, `allowSms`, and more windows as `start2`/`end2`,
`start3`/`end3`... Rows become the same reservation values a YAML batch has, so they get the
same schema and semantic checks; their origins point into the CSV file, and `CsvPositions` turns
a reservation path back into the row's line and the cell's column.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from typing import Any, Final

from reconciler.core.model import Origin
from reconciler.core.problems import Problem

REQUIRED: Final = ("callbackId", "callbackNumber", "start", "end")
OPTIONAL: Final = ("reason", "primary", "fallback", "allowSms")
_EXTRA_WINDOW: Final = re.compile(r"(start|end)([2-9]|1[0-9]|20)\Z")
_PREFERENCES: Final = ("primary", "fallback", "allowSms")


@dataclass(slots=True)
class CsvPositions:
    """Finds the line and column of a reservation field in the CSV text."""

    lines: list[str]
    header: list[str]
    row_lines: list[int] = field(default_factory=list)

    def locate(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        if len(path) < 3 or not isinstance(path[2], int) or path[2] >= len(self.row_lines):
            return (1, 1)
        line = self.row_lines[path[2]]
        column_name = _column_for(path[3:])
        if column_name not in self.header or line > len(self.lines):
            return (line, 1)
        starts = _cell_starts(self.lines[line - 1])
        index = self.header.index(column_name)
        return (line, starts[index] + 1 if index < len(starts) else 1)


def _column_for(rest: tuple[str | int, ...]) -> str:
    if not rest:
        return ""
    if rest[0] == "timeSlots" and len(rest) >= 3 and isinstance(rest[1], int):
        suffix = "" if rest[1] == 0 else str(rest[1] + 1)
        return f"{rest[2]}{suffix}"
    if rest[0] == "channelPreferences" and len(rest) >= 2:
        return str(rest[1])
    return str(rest[0])


def _cell_starts(line: str) -> list[int]:
    """0-based offsets where each cell of one CSV line starts (quote-aware)."""
    starts, quoted = [0], False
    for offset, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            starts.append(offset + 1)
    return starts


@dataclass(frozen=True, slots=True)
class _Layout:
    """Which cell holds what, worked out once from the header (50,000 rows reuse it)."""

    plain: tuple[tuple[str, int], ...]
    preferences: tuple[tuple[str, int], ...]
    windows: tuple[tuple[int | None, int | None], ...]

    @classmethod
    def of(cls, header: list[str]) -> _Layout:
        where = {name: index for index, name in enumerate(header)}
        windows = []
        for number in range(1, 21):
            suffix = "" if number == 1 else str(number)
            pair = (where.get(f"start{suffix}"), where.get(f"end{suffix}"))
            if pair != (None, None):
                windows.append(pair)
        return cls(
            tuple(
                (key, where[key])
                for key in ("callbackId", "callbackNumber", "reason")
                if key in where
            ),
            tuple((key, where[key]) for key in _PREFERENCES if key in where),
            tuple(windows),
        )


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index] if index is not None and index < len(cells) else ""


def _row_value(layout: _Layout, cells: list[str]) -> dict[str, Any]:
    reservation: dict[str, Any] = {
        key: cells[index] for key, index in layout.plain if _cell(cells, index)
    }
    preferences: dict[str, Any] = {
        key: cells[index] for key, index in layout.preferences if _cell(cells, index)
    }
    if "allowSms" in preferences and preferences["allowSms"].lower() in ("true", "false"):
        preferences["allowSms"] = preferences["allowSms"].lower() == "true"
    if preferences:
        reservation["channelPreferences"] = preferences
    windows: list[dict[str, Any]] = []
    for start, end in layout.windows:
        window = {key: _cell(cells, index) for key, index in (("start", start), ("end", end))}
        window = {key: value for key, value in window.items() if value}
        if window:
            windows.append(window)
    reservation["timeSlots"] = windows
    return reservation


def _header_problems(header: list[str], first_line: str, origin: Origin) -> list[Problem]:
    problems: list[Problem] = []
    known = [*REQUIRED, *OPTIONAL]
    starts = _cell_starts(first_line)
    for index, name in enumerate(header):
        if name in known or _EXTRA_WINDOW.match(name):
            continue
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"known columns: {', '.join(known)}"
        problem = Problem("csv.unknown-column", f"unknown column {name!r}", origin, hint=hint)
        problems.append(problem.located(1, starts[index] + 1 if index < len(starts) else 1))
    for name in REQUIRED:
        if name not in header:
            problem = Problem(
                "csv.missing-column",
                f"missing column {name!r}",
                origin,
                hint="add it to the header",
            )
            problems.append(problem.located(1, 1))
    return problems


def read_rows(text: str, file: str) -> tuple[list[dict[str, Any]], CsvPositions, list[Problem]]:
    """Reservation values, their positions, and header/shape problems of one CSV text."""
    origin = Origin(file, 0, ("spec", "reservations"))
    reader = csv.reader(io.StringIO(text, newline=""))
    # The lines exactly as the csv module counts them (it splits at \r, \n and \r\n).
    positions = CsvPositions(io.StringIO(text, newline="").readlines(), [])
    try:
        header = [cell.strip() for cell in next(reader, [])]
        positions.header = header
        if not header:
            problem = Problem("csv.empty", "the CSV file has no header row", origin)
            return [], positions, [problem.located(1, 1)]
        first_line = positions.lines[0] if positions.lines else ""
        problems = _header_problems(header, first_line, origin)
        rows = _rows(reader, header, positions, origin, problems)
    except csv.Error as exc:
        problem = Problem("csv.syntax", f"unreadable CSV: {exc}", origin, hint="check quoting")
        return [], positions, [problem.located(max(reader.line_num, 1), 1)]
    return rows, positions, problems


def _rows(
    reader: Any, header: list[str], positions: CsvPositions, origin: Origin, problems: list[Problem]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    layout = _Layout.of(header)
    previous_end = reader.line_num
    for cells in reader:
        start_line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            where = origin.child(len(rows))
            problem = Problem("csv.extra-cells", "more cells than header columns", where)
            problems.append(problem.located(start_line, 1))
        positions.row_lines.append(start_line)
        rows.append(_row_value(layout, cells))
    return rows
