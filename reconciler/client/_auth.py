"""The OAuth client-credentials token, cached and refreshed by the product document's rule.

A token is used until `expires_in - 30` seconds after it was issued (half its lifetime when that
is shorter), then replaced. However many requests need a token at once, only one refresh runs
(single flight): the others wait for its result. A 401 from the API invalidates the token that
request used, and only that one, so parallel 401s for the same token cause one refresh.
This module holds the client secret in memory only; it never logs or formats it.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from reconciler.client._seams import Clock

ALL_SCOPES = ("callback:read", "callback:write", "webhook:read", "webhook:write")
REFRESH_MARGIN = 30.0


@dataclass(frozen=True, slots=True)
class Credentials:
    """An OAuth client; `repr` hides the secret so it cannot leak through logs or tracebacks.

    `scopes` empty (the default) asks for every scope the client was granted, so that a read-only
    client (a CI job that only plans) gets a token instead of `invalid_scope`.
    """

    client_id: str
    client_secret: str = field(repr=False)
    scopes: tuple[str, ...] = ()

    def basic_header(self) -> str:
        raw = f"{self.client_id}:{self.client_secret}".encode()
        return "Basic " + base64.b64encode(raw).decode("ascii")

    def form(self) -> dict[str, str]:
        form = {"grant_type": "client_credentials"}
        if self.scopes:
            form["scope"] = " ".join(self.scopes)
        return form


@dataclass(frozen=True, slots=True)
class Token:
    """An access token and the monotonic time after which it is not used any more."""

    value: str = field(repr=False)
    refresh_at: float


def refresh_time(issued_at: float, expires_in: float) -> float:
    """When to stop using a token issued at `issued_at` that lives `expires_in` seconds."""
    lifetime = expires_in - REFRESH_MARGIN if expires_in > 2 * REFRESH_MARGIN else expires_in / 2
    return issued_at + lifetime


Fetch = Callable[[], Awaitable[tuple[str, float]]]


class TokenCache:
    """Caches one token; `fetch` returns (access_token, expires_in) from the token endpoint."""

    def __init__(self, fetch: Fetch, clock: Clock) -> None:
        self._fetch = fetch
        self._clock = clock
        self._token: Token | None = None
        self._lock = asyncio.Lock()
        self.refreshes = 0

    async def get(self) -> str:
        """A token that is still fresh, refreshing it first if needed."""
        token = self._token
        if token is not None and self._clock.monotonic() < token.refresh_at:
            return token.value
        return await self._refresh(stale=token.value if token else None)

    async def invalidate(self, used: str) -> str:
        """The API rejected `used`: return a new token (one refresh per stale token)."""
        return await self._refresh(stale=used)

    async def _refresh(self, *, stale: str | None) -> str:
        async with self._lock:
            current = self._token
            fresh = current is not None and self._clock.monotonic() < current.refresh_at
            if current is not None and fresh and current.value != stale:
                return current.value  # another request refreshed while this one waited
            issued_at = self._clock.monotonic()
            value, expires_in = await self._fetch()
            self._token = Token(value, refresh_time(issued_at, expires_in))
            self.refreshes += 1
            return value
