"""Resolve a Problem's origin (file, document, JSON path) to a line and column, lazily.

The loader registers every file it read; nothing is computed until problems need positions.
`locate_all` makes one pass per YAML file for all of that file's problems (a 27 MB file costs
seconds, so it must not be one pass per problem); CSV files answer from their row index.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from reconciler.core.problems import Problem
from reconciler.manifests.csv_rows import CsvPositions
from reconciler.manifests.positions import Target, find_positions

# Problems about a key itself (an unknown property) point at the key, not at its value.
KEY_PROBLEMS = frozenset({"schema.additional-property"})


class SourceMap:
    """Where each loaded file's text is, to find line/column of problems on demand."""

    def __init__(self) -> None:
        self._yaml: dict[str, bytes] = {}
        self._csv: dict[str, CsvPositions] = {}

    def add_yaml(self, name: str, data: bytes) -> None:
        self._yaml[name] = data

    def add_csv(self, name: str, positions: CsvPositions) -> None:
        self._csv[name] = positions

    @property
    def files(self) -> tuple[str, ...]:
        return tuple(sorted({*self._yaml, *self._csv}))

    def locate(self, problem: Problem) -> Problem:
        """`problem` with line and column filled in (unchanged if already located or unknown)."""
        return self.locate_all([problem])[0]

    def locate_all(self, problems: Iterable[Problem]) -> list[Problem]:
        problems = list(problems)
        wanted: dict[str, set[Target]] = defaultdict(set)
        keys: dict[str, set[Target]] = defaultdict(set)
        for problem in problems:
            if not problem.line and problem.origin.file in self._yaml:
                target = (problem.origin.document, problem.origin.path)
                wanted[problem.origin.file].add(target)
                if problem.code in KEY_PROBLEMS:
                    keys[problem.origin.file].add(target)
        found = {
            name: self._yaml_positions(name, targets, frozenset(keys[name]))
            for name, targets in wanted.items()
        }
        return [self._one(problem, found) for problem in problems]

    def _yaml_positions(
        self, name: str, targets: set[Target], keys: frozenset[Target]
    ) -> dict[Target, tuple[int, int]]:
        text = self._yaml[name].removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
        return find_positions(text, targets, keys=keys)

    def _one(self, problem: Problem, found: dict[str, dict[Target, tuple[int, int]]]) -> Problem:
        if problem.line:
            return problem
        origin = problem.origin
        if origin.file in found:
            line, column = found[origin.file].get((origin.document, origin.path), (1, 1))
            return problem.located(line, column)
        if origin.file in self._csv:
            return problem.located(*self._csv[origin.file].locate(origin.path))
        return problem
