"""Attributes that every API call span started inside a block carries (resource, queue, action).

An apply runs thousands of actions, usually one API call each. Rather than a span per action
wrapping a span per call (twice the spans to record and export), the engine names the action in a
context variable and each call span started while it is set carries those attributes. The
variable is per asyncio task, so concurrent actions never see each other's attributes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

from opentelemetry.util.types import AttributeValue

from reconciler.telemetry.spans import clean_attributes

_EMPTY: Mapping[str, AttributeValue] = MappingProxyType({})
_SCOPE: ContextVar[Mapping[str, AttributeValue]] = ContextVar("gcbctl_call_scope", default=_EMPTY)


@contextmanager
def call_scope(attributes: Mapping[str, AttributeValue]) -> Iterator[None]:
    """API calls started inside the block carry these attributes (redacted) on their spans."""
    token = _SCOPE.set({**_SCOPE.get(), **clean_attributes(attributes)})
    try:
        yield
    finally:
        _SCOPE.reset(token)


def call_attributes() -> Mapping[str, AttributeValue]:
    """The attributes of the innermost `call_scope`, or none."""
    return _SCOPE.get()
