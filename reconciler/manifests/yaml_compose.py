"""Build manifest documents from libyaml events, enforcing gcbctl's YAML safety rules.

This is the careful path: small files, files the fast path declines, and every file whose
problems need positions. It never constructs Python objects from tags (only the YAML core tags
are understood), refuses duplicate keys and non-scalar keys, and keeps a budget on how much
anchors and aliases may expand, so a "billion laughs" document fails after a few thousand events
instead of eating the machine. It does no file I/O: it is handed the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

from reconciler.manifests.yaml_scalars import resolve_plain, resolve_tagged

MAX_DEPTH: Final = 64
ALIAS_BUDGET_FLOOR: Final = 100_000
ALIAS_BUDGET_FACTOR: Final = 10
_TAG_HINT: Final = "gcbctl reads plain YAML only; remove the tag"
_CORE_COLLECTION_TAGS: Final = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


class YamlSyntaxError(Exception):
    """A YAML rule was broken at `line`/`column` (1-based); `code` is the problem code."""

    def __init__(
        self, code: str, message: str, line: int, column: int, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint


@dataclass(slots=True)
class _Frame:
    """A mapping or sequence being filled, with what it needs to check its keys."""

    value: Any
    size: int = 1
    anchor: str | None = None
    key: str | None = None
    key_pending: bool = True
    key_lines: dict[str, int] = field(default_factory=dict)


def _fail(code: str, message: str, mark: Any, hint: str | None = None) -> YamlSyntaxError:
    return YamlSyntaxError(code, message, mark.line + 1, mark.column + 1, hint)


def _scalar_value(event: Any) -> Any:
    tag = event.tag
    if tag is None:
        return resolve_plain(event.value) if event.implicit[0] else event.value
    if tag == "!":
        return event.value
    if not tag.startswith("tag:yaml.org,2002:"):
        raise _fail(
            "yaml.tag",
            f"the tag {tag} is not allowed",
            event.start_mark,
            _TAG_HINT,
        )
    try:
        return resolve_tagged(tag, event.value)
    except ValueError as exc:
        raise _fail("yaml.tag", str(exc), event.start_mark, _TAG_HINT) from None


def _check_collection_tag(event: Any) -> None:
    if event.tag is not None and event.tag not in _CORE_COLLECTION_TAGS:
        raise _fail(
            "yaml.tag",
            f"the tag {event.tag} is not allowed",
            event.start_mark,
            _TAG_HINT,
        )


def _key_text(value: Any, event: Any) -> str:
    """Keys are always strings: the text as written (an alias key uses its anchor's value)."""
    if isinstance(event, yaml.ScalarEvent):
        return str(event.value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Composer:
    """Turns one stream of events into documents; one instance per file."""

    def __init__(self, events: Iterator[Any], budget: int) -> None:
        self._events = events
        self._budget = budget
        self._expanded = 0
        self._anchors: dict[str, tuple[Any, int]] = {}
        self._stack: list[_Frame] = []

    def documents(self) -> Iterator[Any]:
        for event in self._events:
            if isinstance(event, yaml.DocumentStartEvent):
                self._anchors.clear()
                yield self._document()

    def _document(self) -> Any:
        result: list[Any] = []
        for event in self._events:
            if isinstance(event, yaml.DocumentEndEvent):
                return result[0] if result else None
            done = self._feed(event)
            if done is not None:
                result.append(done[0])
        return result[0] if result else None

    def _feed(self, event: Any) -> tuple[Any] | None:
        """Consume one event; returns (value,) when the document's root node is complete."""
        if isinstance(event, yaml.ScalarEvent):
            return self._add(_scalar_value(event), 1, event.anchor, event)
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event)
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            self._open(event)
            return None
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = self._stack.pop()
            if isinstance(frame.value, dict) and not frame.key_pending:
                frame.value[frame.key] = None
            return self._add(frame.value, frame.size, frame.anchor, event, closing=True)
        return None

    def _open(self, event: Any) -> None:
        _check_collection_tag(event)
        if len(self._stack) >= MAX_DEPTH:
            raise _fail(
                "yaml.too-deep", f"nesting deeper than {MAX_DEPTH} levels", event.start_mark
            )
        if self._stack and isinstance(self._stack[-1].value, dict):
            self._require_value_slot(event)
        container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
        self._stack.append(_Frame(container, anchor=event.anchor))

    def _require_value_slot(self, event: Any) -> None:
        if self._stack[-1].key_pending:
            raise _fail(
                "yaml.complex-key",
                "a mapping key must be a plain string",
                event.start_mark,
                "write the key as a single string",
            )

    def _alias(self, event: Any) -> tuple[Any] | None:
        if event.anchor not in self._anchors:
            raise _fail("yaml.alias", f"unknown alias *{event.anchor}", event.start_mark)
        value, size = self._anchors[event.anchor]
        self._expanded += size
        if self._expanded > self._budget:
            raise _fail(
                "yaml.alias-bomb",
                "aliases expand to more than "
                f"{self._budget:,} nodes (an alias bomb or a runaway anchor)",
                event.start_mark,
                "use fewer or smaller anchors",
            )
        return self._add(value, size, None, event, counted=True)

    def _add(
        self,
        value: Any,
        size: int,
        anchor: str | None,
        event: Any,
        *,
        closing: bool = False,
        counted: bool = False,
    ) -> tuple[Any] | None:
        if anchor is not None:
            self._anchors[anchor] = (value, size)
        if not counted:
            self._expanded += 1 if not closing else 0
        if not self._stack:
            return (value,)
        frame = self._stack[-1]
        frame.size += size
        if isinstance(frame.value, list):
            frame.value.append(value)
        elif frame.key_pending:
            self._take_key(frame, value, event)
        else:
            frame.value[frame.key] = value
            frame.key_pending = True
        return None

    def _take_key(self, frame: _Frame, value: Any, event: Any) -> None:
        if isinstance(value, dict | list):
            raise _fail(
                "yaml.complex-key",
                "a mapping key must be a plain string",
                event.start_mark,
                "write the key as a single string",
            )
        key = _key_text(value, event)
        if key in frame.key_lines:
            raise _fail(
                "yaml.duplicate-key",
                f"duplicate key {key!r}",
                event.start_mark,
                f"the first {key!r} is on line {frame.key_lines[key]}; keep only one",
            )
        frame.key_lines[key] = event.start_mark.line + 1
        frame.key = key
        frame.key_pending = False


def _syntax_error(exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    """Locate a libyaml error where a reader would look for the mistake.

    An unclosed quote or bracket is only noticed lines later (often at the end of the file), so
    those errors point at where the quoted scalar or flow collection starts.
    """
    context = exc.context or ""
    opened = context.startswith(("while scanning a quoted", "while parsing a flow"))
    mark = exc.context_mark if opened and exc.context_mark else exc.problem_mark
    mark = mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    message = exc.problem or context or "invalid YAML"
    if opened and exc.problem_mark and exc.problem_mark is not mark:
        message = f"{message} ({context} that starts here)"
    return YamlSyntaxError("yaml.syntax", message, line, column)


def compose_documents(text: str) -> Iterator[Any]:
    """Yield each document of `text` as plain dicts, lists and scalars (None for an empty one).

    Raises YamlSyntaxError for any YAML error or safety rule, after yielding the documents
    that came before it.
    """
    budget = max(ALIAS_BUDGET_FLOOR, ALIAS_BUDGET_FACTOR * (len(text) // 4))
    try:
        events = yaml.parse(text, Loader=yaml.CSafeLoader)
        yield from _Composer(iter(events), budget).documents()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError("yaml.syntax", str(exc).splitlines()[0], 1, 1) from None
