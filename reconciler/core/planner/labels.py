"""The label part of a diff: which of gcbctl's own labels a live object is missing or has wrong.

Only gcbctl's three labels are compared; other labels on a live object belong to someone else and
are kept (drivers send the live labels overlaid with gcbctl's). The spec-hash label changes with
every manifest change, so it is listed only when it is the one thing that differs: then the live
object is right but was changed outside gcbctl, and the plan records its new hash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reconciler.core.actions import FieldChange
from reconciler.core.model import LABEL_SPEC_HASH


def with_label_changes(
    changes: Sequence[FieldChange], live: Mapping[str, str], desired: Sequence[tuple[str, str]]
) -> tuple[FieldChange, ...]:
    """`changes` plus `labels.<key>` changes, the spec hash only when nothing else differs."""
    out = list(changes)
    stale_hash = None
    for key, value in sorted(desired):
        if live.get(key) == value:
            continue
        change = FieldChange(f"labels.{key}", live.get(key), value)
        if key == LABEL_SPEC_HASH:
            stale_hash = change
        else:
            out.append(change)
    if not out and stale_hash is not None:
        out.append(stale_hash)
    return tuple(out)
