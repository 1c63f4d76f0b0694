"""Hints that help a user fix a problem: the nearest valid name for a misspelled one.

Pure: the list of IANA zones comes from the installed tz database (the same one `zoneinfo`
reads), computed once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from functools import cache
from zoneinfo import available_timezones


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


@cache
def _zones_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in _zones()}


def nearest(word: str, candidates: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """The candidate closest to `word`, if any is close enough."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    match = nearest(word, candidates)
    return f"did you mean {match!r}?" if match else None


def timezone_hint(name: str) -> str:
    """Suggest the IANA zone a misspelled `name` most likely meant."""
    exact = _zones_by_lower().get(name.lower().replace(" ", "_"))
    match = exact or nearest(name, _zones(), cutoff=0.5)
    if match:
        return f"did you mean {match!r}?"
    return "use an IANA zone name such as Europe/Berlin or America/New_York"
