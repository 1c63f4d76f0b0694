"""`POST /oauth/token`: the client-credentials grant with scopes (callback-api.md §1).

Errors here use the OAuth error body (`error`, `error_description`), not the Genesys one.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox.auth import OAuthError
from reconciler.sandbox.plumbing import JSON, world_of
from reconciler.sandbox.problems import RequestError, problem_response


def _oauth_error(error: OAuthError) -> Response:
    body = {"error": error.error, "error_description": error.description}
    headers = {"WWW-Authenticate": 'Basic realm="sandbox"'} if error.status == 401 else {}
    return JSON(body, status_code=error.status, headers=headers)


async def token(request: Request) -> Response:
    """Exchange Basic client credentials for a Bearer access token."""
    world = world_of(request)
    headers: dict[str, str] = {}
    try:
        client = world.authority.client_from_basic(request.headers.get("authorization"))
        headers = world.limiter.take(client.client_id)
        await world.faults.apply_http(request.method, request.url.path)
        form = await _form(request)
        _check_grant(form)
        grant = world.authority.issue(client, form.get("scope"))
        response: Response = JSON(
            {
                "access_token": grant.token,
                "token_type": "Bearer",
                "expires_in": world.authority.ttl(),
                "scope": " ".join(sorted(grant.scopes, key=_scope_order)),
            },
            headers={"Cache-Control": "no-store"},
        )
    except OAuthError as error:
        response = _oauth_error(error)
    except RequestError as problem:
        response = problem_response(problem)
    for name, value in (headers or world.limiter.peek(None)).items():
        response.headers.setdefault(name, value)
    return response


def _check_grant(form: dict[str, str]) -> None:
    """Only client credentials are granted.

    An empty body is taken as client credentials: the product document's Go client builds the
    form but sends the request without it, and Basic authentication already names the client.
    """
    if not form:
        return
    grant = form.get("grant_type")
    if grant is None:
        raise OAuthError(400, "invalid_request", "grant_type is required")
    if grant != "client_credentials":
        raise OAuthError(400, "unsupported_grant_type", "grant_type must be client_credentials")


async def _form(request: Request) -> dict[str, str]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise OAuthError(
            400, "invalid_request", "use Content-Type application/x-www-form-urlencoded"
        )
    raw = await request.body()
    try:
        fields = parse_qs(raw.decode("ascii"), keep_blank_values=True, strict_parsing=bool(raw))
    except (UnicodeDecodeError, ValueError) as exc:
        raise OAuthError(400, "invalid_request", "the form body is malformed") from exc
    if any(len(values) > 1 for values in fields.values()):
        raise OAuthError(400, "invalid_request", "a form field appears more than once")
    return {key: values[0] for key, values in fields.items()}


def _scope_order(scope: str) -> int:
    order = ("callback:read", "callback:write", "webhook:read", "webhook:write")
    return order.index(scope) if scope in order else len(order)
