"""Line and column of JSON paths in a YAML text, found only when a problem needs them.

Loading keeps no positions (the fast path cannot and the careful path need not). When problems
have to be reported, one pass over libyaml's events per file finds every requested path at once.
A path that does not exist (a missing property) resolves to its longest existing prefix; a value
written as a block collection resolves to the line of its key, which is where a reader looks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import yaml

Path = tuple[str | int, ...]
Target = tuple[int, Path]


@dataclass(slots=True)
class _Level:
    path: Path
    is_map: bool
    index: int = 0
    key: str | None = None
    key_mark: Any = None


def _prefixes(targets: Iterable[Target]) -> set[Target]:
    wanted: set[Target] = set()
    for document, path in targets:
        for size in range(len(path) + 1):
            wanted.add((document, path[:size]))
    return wanted


class _Walker:
    """Follows the event stream, keeping the JSON path of the node each event starts."""

    def __init__(self, wanted: set[Target]) -> None:
        self.wanted = wanted
        self.found: dict[Target, tuple[int, int]] = {}
        self.keys: dict[Target, tuple[int, int]] = {}
        self.document = -1
        self.levels: list[_Level] = []

    def feed(self, event: Any) -> None:
        if isinstance(event, yaml.DocumentStartEvent):
            self.document += 1
            self.levels = []
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.levels.pop()
            self._advance()
        elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
            if self.levels and self.levels[-1].is_map and self.levels[-1].key is None:
                level = self.levels[-1]
                level.key = str(getattr(event, "value", "") or "")
                level.key_mark = event.start_mark
                return
            self._record(event, block=False)
            self._advance()
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            path = self._record(event, block=not event.flow_style)
            self.levels.append(_Level(path, isinstance(event, yaml.MappingStartEvent)))

    def _path(self) -> Path:
        if not self.levels:
            return ()
        level = self.levels[-1]
        part: str | int = (level.key or "") if level.is_map else level.index
        return (*level.path, part)

    def _record(self, event: Any, *, block: bool) -> Path:
        path = self._path()
        if (self.document, path) in self.wanted:
            mark = event.start_mark
            if self.levels and self.levels[-1].is_map:
                key = self.levels[-1].key_mark
                self.keys[(self.document, path)] = (key.line + 1, key.column + 1)
                mark = key if block else mark
            self.found[(self.document, path)] = (mark.line + 1, mark.column + 1)
        return path

    def _advance(self) -> None:
        if not self.levels:
            return
        level = self.levels[-1]
        if level.is_map:
            level.key = None
        else:
            level.index += 1


def _events(text: str) -> Iterator[Any]:
    try:
        yield from yaml.parse(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return


def find_positions(
    text: str, targets: Iterable[Target], *, keys: frozenset[Target] = frozenset()
) -> dict[Target, tuple[int, int]]:
    """Map each (document, path) target to its (line, column), 1-based; (1, 1) if unknown.

    Targets in `keys` resolve to the mapping key rather than its value (an unknown property
    is the key's fault).
    """
    targets = list(targets)
    walker = _Walker(_prefixes(targets))
    last_document = max((document for document, _ in targets), default=-1)
    for event in _events(text):
        walker.feed(event)
        if walker.document > last_document:
            break  # the rest of a big file holds nothing that was asked for
    result: dict[Target, tuple[int, int]] = {}
    for document, path in targets:
        position = (1, 1)
        for size in range(len(path), -1, -1):
            exact = size == len(path) and (document, path) in keys
            hit = (walker.keys if exact else walker.found).get((document, path[:size]))
            if hit is not None:
                position = hit
                break
        result[(document, path)] = position
    return result
