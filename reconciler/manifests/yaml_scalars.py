"""How a plain (unquoted) YAML scalar becomes a JSON-like value in gcbctl manifests.

gcbctl reads manifests with two parsers (rapidyaml for big files, libyaml for everything else and
for positions), and a manifest must mean the same thing whichever one read it. These rules are
close to YAML 1.2's JSON schema and mirror what the rapidyaml fast path produces: only `true` and
`false` are booleans, only `null` or an empty value is null, numbers are written like JSON numbers
(`.5` and `5.` are accepted too). Everything else, such as `yes`, `~`, `08:00`, `2026-12-25` or an
unquoted `+14155550199`, stays a string. This module must not import a YAML library.
"""

from __future__ import annotations

import re
from typing import Final

# Mirrors the rapidyaml emitter: "0e5" stays text but "-0e5" and "1e5" are numbers.
_INT: Final = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_FLOAT: Final = re.compile(
    r"-?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+|[1-9][0-9]*(?=[eE]))(?:[eE][-+]?[0-9]+)?\Z"
    r"|-0[eE][-+]?[0-9]+\Z"
)

Scalar = str | int | float | bool | None


def resolve_plain(text: str) -> Scalar:
    """The value of an unquoted scalar written as `text`."""
    if not text or text == "null":
        return None
    if text == "true":
        return True
    if text == "false":
        return False
    first = text[0]
    if first.isdigit() or first in "-.":
        if _INT.match(text):
            return int(text)
        if _FLOAT.match(text):
            return float(text)
    return text


def resolve_tagged(tag: str, text: str) -> Scalar:
    """The value of a scalar with one of the YAML core tags; ValueError when it does not fit."""
    name = tag.removeprefix("tag:yaml.org,2002:")
    if name == "str":
        return text
    value = resolve_plain(text)
    wanted: dict[str, tuple[type, ...]] = {
        "int": (int,),
        "float": (float, int),
        "bool": (bool,),
        "null": (type(None),),
    }
    if name not in wanted:
        raise ValueError(f"the tag !!{name} is not supported")
    if isinstance(value, bool) and name != "bool":
        raise ValueError(f"{text!r} is not a valid !!{name}")
    if not isinstance(value, wanted[name]):
        raise ValueError(f"{text!r} is not a valid !!{name}")
    return float(value) if name == "float" and value is not None else value
