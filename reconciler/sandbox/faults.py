"""Scripted faults: what tests and demos use to make the sandbox misbehave on purpose.

HTTP rules match a method and an fnmatch-style path pattern and either add latency, answer with a
status code, or both, for the next `times` matching requests (`times: 0` means until cleared).
WebSocket faults spoil the next N outgoing messages: dropped (never sent, so redelivered after the
ack timeout), corrupted (the msgpack body is garbled) or truncated (cut inside a frame).
"""

from __future__ import annotations

import asyncio
import enum
import fnmatch
import itertools
from dataclasses import asdict, dataclass
from typing import Any

from reconciler.sandbox.problems import Detail, RequestError

DEFAULT_CODES = {
    400: "bad.request",
    401: "unauthorized",
    403: "missing.scope",
    404: "not.found",
    409: "version.conflict",
    429: "too.many.requests",
}


class WsFault(enum.StrEnum):
    DROP = "drop"
    CORRUPT = "corrupt"
    TRUNCATE = "truncate"


@dataclass(slots=True)
class HttpRule:
    id: int
    method: str
    path: str
    status: int | None
    times: int
    latency_seconds: float
    code: str | None
    retry_after: int | None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.times and self.hits >= self.times:
            return False
        return self.method in ("*", method.upper()) and fnmatch.fnmatchcase(path, self.path)


class FaultBook:
    def __init__(self) -> None:
        self.http: list[HttpRule] = []
        self.ws: dict[WsFault, int] = dict.fromkeys(WsFault, 0)
        self._ids = itertools.count(1)

    def add_http(self, spec: dict[str, Any]) -> HttpRule:
        rule = HttpRule(
            id=next(self._ids),
            method=str(spec.get("method", "*")).upper(),
            path=str(spec.get("path", "*")),
            status=spec.get("status"),
            times=int(spec.get("times", 1)),
            latency_seconds=float(spec.get("latency_seconds", 0.0)),
            code=spec.get("code"),
            retry_after=spec.get("retry_after"),
        )
        self.http.append(rule)
        return rule

    async def apply_http(self, method: str, path: str) -> None:
        """Sleep and/or raise for the first matching rule."""
        for rule in self.http:
            if rule.matches(method, path):
                rule.hits += 1
                if rule.latency_seconds:
                    await asyncio.sleep(rule.latency_seconds)
                if rule.status is not None:
                    raise _injected(rule)
                return

    def take_ws(self) -> WsFault | None:
        """The fault to apply to the next outgoing WebSocket message, if any."""
        for kind in WsFault:
            if self.ws[kind] > 0:
                self.ws[kind] -= 1
                return kind
        return None

    def clear(self) -> None:
        self.http.clear()
        self.ws = dict.fromkeys(WsFault, 0)

    def describe(self) -> dict[str, Any]:
        return {
            "http": [asdict(rule) for rule in self.http],
            "ws": {k.value: v for k, v in self.ws.items()},
        }


def _injected(rule: HttpRule) -> RequestError:
    status = rule.status or 500
    code = rule.code or DEFAULT_CODES.get(status, "internal.server.error")
    headers = {"Retry-After": str(rule.retry_after)} if rule.retry_after is not None else {}
    message = f"Injected fault {rule.id}: {status} for {rule.method} {rule.path}."
    return RequestError(status, code, message, (Detail(code),), headers)


def spoil(message: bytes, kind: WsFault) -> bytes | None:
    """The damaged form of an outgoing message (None: do not send it)."""
    if kind is WsFault.DROP:
        return None
    if kind is WsFault.TRUNCATE:
        return message[: max(5, len(message) // 2)]
    return message[:4] + b"\xc1" * (len(message) - 4)
