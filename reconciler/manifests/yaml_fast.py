"""The fast path for big manifest files: rapidyaml parses, emits JSON, the stdlib reads it back.

PyYAML needs about 19 s for a 50,000-reservation file; rapidyaml parses it in well under a
second. Its Python binding has no positions and no safety checks of its own, so this path is
only taken when a cheap scan of the raw text shows none of the constructs it would get wrong or
that need checking (tags, anchors, aliases, directives, backslash escapes). Duplicate keys are
caught while the JSON is read back. Whenever anything is unusual it returns None and the careful
path (`yaml_compose`) reads the file instead, so both paths always mean the same thing; tests
check that they agree. Positions are found later, and only for problems, by `positions`.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

import ryml

FAST_PATH_MIN_BYTES: Final = 256 * 1024

# A tag, anchor or alias starts a node, so it follows a line start, blank, or flow indicator.
_BEFORE_NODE_PROPERTY: Final = frozenset(b" \t\r\n[{,:")


# rapidyaml writes plain scalars such as +14155550199 unquoted into its JSON, which is not JSON;
# for gcbctl every plain scalar starting with "+" is a string, so such tokens get quotes. A match
# inside a JSON string would split that string and make the JSON invalid, never change a value.
_BARE_PLUS: Final = re.compile(r'\+(?:(?<=[^\\]": \+)|(?<=[\[,]\+)|(?<=  \+))[0-9.][^,\]}\s"]*')


# NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: line breaks to libyaml, ordinary text to rapidyaml.
_UNICODE_LINE_BREAKS: Final = (b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")


class _DuplicateKeyError(Exception):
    """A mapping repeats a key; the careful path will say where."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKeyError
    return result


def fast_path_applies(data: bytes) -> bool:
    """Whether `data` is big enough to gain and plain enough to be read safely by rapidyaml."""
    if len(data) < FAST_PATH_MIN_BYTES or b"\\" in data:
        return False
    if any(mark in data for mark in _UNICODE_LINE_BREAKS):
        return False
    if data.startswith(b"%") or b"\n%" in data:
        return False
    return not any(_starts_node_property(data, indicator) for indicator in b"&*!")


def _starts_node_property(data: bytes, indicator: int) -> bool:
    """Whether `indicator` ever appears where YAML would read it as a tag, anchor or alias."""
    position = data.find(indicator)
    while position >= 0:
        if position == 0 or data[position - 1] in _BEFORE_NODE_PROPERTY:
            return True
        position = data.find(indicator, position + 1)
    return False


def fast_documents(data: bytes) -> list[Any] | None:
    """Every document of `data` as plain values, or None when the careful path must decide."""
    try:
        tree = ryml.parse_in_arena(data)
        root = tree.root_id()
        is_stream = tree.is_stream(root)
        emitted = ryml.emit_json(tree, root)
        del tree
        if not emitted:
            return None
        if "+" in emitted:
            emitted = _BARE_PLUS.sub(lambda match: f'"{match.group(0)}"', emitted)
        value = json.loads(emitted, object_pairs_hook=_no_duplicates)
    except Exception:  # any surprise sends the file down the careful path
        return None
    return value if is_stream else [value]
