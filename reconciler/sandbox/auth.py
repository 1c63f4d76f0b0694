"""OAuth clients, access tokens and scopes for the sandbox (callback-api.md §1).

Tokens are random strings that live `token_ttl_seconds` of real (monotonic) time, so moving the
sandbox clock never logs anyone out; the admin surface can expire them all at once. Listeners are
told when tokens are expired by force, so that open WebSockets close with 4401.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from reconciler.sandbox.problems import Detail, RequestError

SCOPES = ("callback:read", "callback:write", "webhook:read", "webhook:write")


@dataclass(frozen=True, slots=True)
class OAuthClient:
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Grant:
    """What an access token stands for."""

    token: str
    client_id: str
    scopes: frozenset[str]
    expires_at: float


class OAuthError(Exception):
    """A token request refused with an OAuth error body (not the Genesys one)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description


class Authority:
    """Issues and checks access tokens."""

    def __init__(self, clients: list[OAuthClient], ttl: Callable[[], int]) -> None:
        self.clients = {client.client_id: client for client in clients}
        self._ttl = ttl
        self._grants: dict[str, Grant] = {}
        self.listeners: list[Callable[[], None]] = []

    def client_from_basic(self, header: str | None) -> OAuthClient:
        """The client named by a Basic Authorization header, or OAuthError 401."""
        if not header or not header.lower().startswith("basic "):
            raise OAuthError(401, "invalid_client", "Basic client credentials are required")
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError) as exc:  # binascii.Error is a ValueError
            raise OAuthError(401, "invalid_client", "credentials are not base64") from exc
        client_id, _, secret = decoded.partition(":")
        client = self.clients.get(client_id)
        if client is None or not hmac.compare_digest(client.client_secret, secret):
            raise OAuthError(401, "invalid_client", "unknown client or wrong secret")
        return client

    def issue(self, client: OAuthClient, scope: str | None) -> Grant:
        """A new token for `scope` (space separated; None means every granted scope)."""
        wanted = tuple(scope.split()) if scope is not None else client.scopes
        if not wanted or any(s not in client.scopes for s in wanted):
            raise OAuthError(
                400, "invalid_scope", f"the client may ask for: {' '.join(client.scopes)}"
            )
        now = time.monotonic()
        self._grants = {t: g for t, g in self._grants.items() if g.expires_at > now}
        grant = Grant(
            secrets.token_urlsafe(32), client.client_id, frozenset(wanted), now + self._ttl()
        )
        self._grants[grant.token] = grant
        return grant

    def ttl(self) -> int:
        return self._ttl()

    def grant_for(self, header: str | None) -> Grant:
        """The live grant of a Bearer header, or 401 `unauthorized`."""
        if not header or not header.lower().startswith("bearer "):
            raise _unauthorized("A Bearer access token is required.")
        grant = self._grants.get(header[7:].strip())
        if grant is None or grant.expires_at <= time.monotonic():
            raise _unauthorized("The access token is unknown or has expired.")
        return grant

    @staticmethod
    def require(grant: Grant, scope: str) -> None:
        if scope not in grant.scopes:
            detail = Detail("missing.scope", entity_id=scope)
            raise RequestError(
                403, "missing.scope", f"This request needs the {scope} scope.", (detail,)
            )

    def expire_all(self) -> int:
        """Expire every token now; returns how many were live."""
        live = sum(1 for g in self._grants.values() if g.expires_at > time.monotonic())
        self._grants.clear()
        for listener in self.listeners:
            listener()
        return live

    def is_live(self, token: str) -> bool:
        grant = self._grants.get(token)
        return grant is not None and grant.expires_at > time.monotonic()


def _unauthorized(message: str) -> RequestError:
    return RequestError(401, "unauthorized", message, (Detail("unauthorized"),))
