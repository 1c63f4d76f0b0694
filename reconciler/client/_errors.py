"""Turn the platform's error answers into gcbctl's exception tree, in one place.

Genesys error bodies (`message`, `code`, `status`, `contextId`, `details`) become an
`ApiErrorBody` on the raised error, so reporters can show the code and context id. Text taken from
a body is truncated and has anything shaped like a phone number masked before it reaches a
message, because the platform sometimes echoes the payload it rejected.
"""

from __future__ import annotations

from typing import Any

import httpx

from reconciler.core.redact import redact_text
from reconciler.core.retry import parse_retry_after
from reconciler.errors import (
    ApiError,
    ApiErrorBody,
    AuthError,
    ConflictError,
    RateLimitedError,
    TransportError,
)

MAX_TEXT = 300


def _clean(text: object) -> str:
    out = redact_text(str(text))
    return out if len(out) <= MAX_TEXT else out[: MAX_TEXT - 1] + "…"


def parse_error_body(status: int, payload: Any) -> ApiErrorBody:
    """Read a Genesys error body (or an OAuth one) without trusting its shape."""
    if not isinstance(payload, dict):
        return ApiErrorBody(status=status, message=_clean(payload) if payload else "")
    details = payload.get("details")
    code = payload.get("code") or payload.get("error") or ""
    message = payload.get("message") or payload.get("error_description") or ""
    return ApiErrorBody(
        status=status,
        code=str(code),
        message=_clean(message),
        context_id=str(payload.get("contextId") or ""),
        details=tuple(d for d in details if isinstance(d, dict))
        if isinstance(details, list)
        else (),
    )


def _hint(body: ApiErrorBody) -> str | None:
    if body.status == 401:
        return "Check the OAuth client id and secret of the target (GENESYS_CLIENT_ID/SECRET)."
    if body.status == 403:
        return (
            "The OAuth client lacks a scope; gcbctl needs callback:read/write, webhook:read/write."
        )
    if body.status == 429:
        return "The platform's rate limit held; try again later or lower --parallelism."
    if body.code == "version.conflict":
        return "The object changed since it was read; run plan again."
    if body.status >= 500:
        return (
            "The platform failed; gcbctl retried. Try again later; quote the contextId to support."
        )
    return None


def api_error(
    method: str, path: str, body: ApiErrorBody, *, retry_after: float | None = None
) -> ApiError:
    """The exception for a final error answer to `method path`."""
    what = f"{method} {path.split('?', 1)[0]} failed: {body.status}"
    if body.code:
        what += f" {body.code}"
    if body.message:
        what += f": {body.message}"
    if body.context_id:
        what += f" (contextId {body.context_id})"
    if body.status == 429:
        return RateLimitedError(what, body, retry_after=retry_after)
    error_type = {401: AuthError, 403: AuthError, 409: ConflictError}.get(body.status, ApiError)
    return error_type(what, body, hint=_hint(body))


def decode(response: httpx.Response) -> Any:
    """The JSON body of an answer, its text when it is not JSON, None when empty."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def final_answer(
    method: str,
    path: str,
    response: httpx.Response | None,
    failure: httpx.TransportError | None,
    attempts: int,
) -> httpx.Response:
    """The last attempt's answer when it succeeded; otherwise the gcbctl error for it."""
    if response is not None and response.is_success:
        return response
    if response is None:
        raise TransportError(
            f"{method} {path.split('?', 1)[0]} failed after {attempts} tries: "
            f"{type(failure).__name__}",
            hint="Check that the target URL is reachable; gcbctl retried with backoff.",
        ) from failure
    body = parse_error_body(response.status_code, decode(response))
    retry_after = parse_retry_after(response.headers.get("retry-after"))
    raise api_error(method, path, body, retry_after=retry_after)
