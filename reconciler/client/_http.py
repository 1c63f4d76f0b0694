"""The async HTTP client every driver talks through: tokens, retries, pacing, paging, errors.

One `ApiClient` per target. Each request gets a fresh token from the cache, waits its turn from the
pacer, carries a W3C `traceparent`, and is retried on 429 (after `Retry-After`), 5xx and network
failures with capped, fully jittered exponential backoff, up to `RetryPolicy.max_tries`. A 401
refreshes the token once and retries once. Final error answers become gcbctl errors; httpx
exceptions never leave this module except re-raised as `TransportError ... from exc`.
The client does not decide what is safe to repeat for the platform's semantics: callers pass
`retry_safe=False` for requests whose repeat could act twice.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import httpx

from reconciler.client._auth import Credentials, TokenCache
from reconciler.client._errors import decode, final_answer
from reconciler.client._platform import PlatformClock, RateGate
from reconciler.client._seams import AsyncioSleeper, Clock, Sleeper, SystemClock
from reconciler.client._trace import TraceparentSource, current_traceparent
from reconciler.client._transport import AiohttpTransport
from reconciler.client.correlation import HEADER as CORRELATION_HEADER
from reconciler.client.correlation import note_correlation_id
from reconciler.client.observer import NullObserver, Observer, RequestInfo
from reconciler.core.retry import (
    Random,
    RetryPolicy,
    Verdict,
    backoff_delays,
    classify,
    parse_retry_after,
    retry_after_wait,
)
from reconciler.errors import ApiErrorBody, AuthError

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
PAGE_SIZE = 500
MAX_CONNECTIONS = 20


@dataclass(frozen=True, slots=True)
class ApiResponse:
    """A successful answer: status, decoded JSON body (or None) and its headers."""

    status: int
    body: Any
    headers: Mapping[str, str]


class ApiClient:
    """Speaks to one platform; safe to share between concurrent tasks of one event loop."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        clock: Clock | None = None,
        sleeper: Sleeper | None = None,
        rand: Random = random.random,
        observer: Observer | None = None,
        traceparent: TraceparentSource = current_traceparent,
        pacing: bool = True,
        timeout: float = 30.0,
    ) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            transport=transport or AiohttpTransport(max_connections=MAX_CONNECTIONS),
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": "gcbctl"},
        )
        self._credentials = credentials
        self._policy = policy or RetryPolicy()
        self._clock = clock or SystemClock()
        self._sleeper = sleeper or AsyncioSleeper()
        self._rand = rand
        self._observer: Observer = observer or NullObserver()
        self._traceparent = traceparent
        self._gate = RateGate(self._clock, self._sleeper, self._observer, enabled=pacing)
        self._platform = PlatformClock(self._clock)
        self.tokens = TokenCache(self._fetch_token, self._clock)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def platform_now(self) -> datetime | None:
        """The platform's clock from the last `Date` header, advanced by local elapsed time."""
        return self._platform.now()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        if_match: int | None = None,
        retry_safe: bool | None = None,
    ) -> ApiResponse:
        """Send one API request with every retry rule; returns a 2xx answer or raises."""
        safe = method.upper() in _IDEMPOTENT if retry_safe is None else retry_safe
        headers = {"If-Match": str(if_match)} if if_match is not None else {}
        response = await self._exchange(
            method, path, json=json, params=params, headers=headers, safe=safe, bearer=True
        )
        return ApiResponse(response.status_code, decode(response), response.headers)

    async def paginate(
        self, path: str, params: Mapping[str, str | int] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        """Every entity of a paged listing, following `nextUri` until it is null."""
        query: Mapping[str, str | int] | None = {**(params or {}), "pageSize": PAGE_SIZE}
        next_path: str | None = path
        while next_path:
            page = (await self.request("GET", next_path, params=query)).body or {}
            for entity in page.get("entities") or ():
                yield entity
            next_path, query = page.get("nextUri"), None

    async def _fetch_token(self) -> tuple[str, float]:
        headers = {"Authorization": self._credentials.basic_header()}
        response = await self._exchange(
            "POST", "/oauth/token", data=self._credentials.form(), headers=headers, safe=True
        )
        payload = decode(response)
        try:
            return str(payload["access_token"]), float(payload.get("expires_in", 0))
        except (TypeError, KeyError, ValueError) as exc:
            body = ApiErrorBody(status=response.status_code, message="token answer without a token")
            raise AuthError("POST /oauth/token failed: malformed answer", body) from exc

    async def _exchange(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str],
        safe: bool,
        bearer: bool = False,
        json: Any = None,
        data: Mapping[str, str] | None = None,
        params: Mapping[str, str | int] | None = None,
    ) -> httpx.Response:
        delays = backoff_delays(self._policy, self._rand)
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = await self.tokens.get() if bearer else None
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            info = RequestInfo(method, path, attempt, self._traceparent(method, path))
            headers["traceparent"] = info.traceparent
            request = self._http.build_request(
                method, path, json=json, data=data, params=params, headers=headers
            )
            response, failure = await self._send_once(request, info)
            status = response.status_code if response is not None else None
            sent = not isinstance(failure, _NOT_SENT)
            verdict = classify(status, retry_safe=safe, sent=sent)
            if verdict is Verdict.REFRESH:
                if bearer and token is not None and not refreshed:
                    refreshed, attempt = True, attempt - 1  # the refresh-and-retry is not a try
                    await self.tokens.invalidate(token)
                    continue
                verdict = Verdict.DONE
            wait = None if verdict is Verdict.DONE else self._retry_wait(response, delays, attempt)
            if wait is None:
                return final_answer(method, path, response, failure, attempt)
            reason = f"status {status}" if status is not None else type(failure).__name__
            self._observer.on_retry(info, wait, reason)
            if status == 429:
                self._observer.on_rate_limit_wait(info, wait, "retry-after")
                self._gate.pause_until(self._clock.monotonic() + wait)
            await self._sleeper.sleep(wait)

    async def _send_once(
        self, request: httpx.Request, info: RequestInfo
    ) -> tuple[httpx.Response | None, httpx.TransportError | None]:
        seq = await self._gate.wait_turn(info)
        self._observer.on_request_start(info)
        started = self._clock.monotonic()
        try:
            response = await self._http.send(request)
            await response.aread()
        except httpx.TransportError as exc:
            self._observer.on_response(info, None, self._clock.monotonic() - started)
            return None, exc
        self._observer.on_response(info, response.status_code, self._clock.monotonic() - started)
        self._gate.observe(response.headers, seq)
        self._platform.observe(response.headers.get("date"))
        note_correlation_id(response.headers.get(CORRELATION_HEADER))
        return response, None

    def _retry_wait(
        self, response: httpx.Response | None, delays: Iterator[float], attempt: int
    ) -> float | None:
        if attempt >= self._policy.max_tries:
            return None
        header = response.headers.get("retry-after") if response is not None else None
        retry_after = parse_retry_after(header)
        if retry_after is not None:
            return retry_after_wait(retry_after, self._policy, self._rand)
        return float(next(delays))
