"""What every platform endpoint does around its own work: auth, rate limit, faults, errors.

`api(scope)` wraps a handler so that, in order: the Bearer token is checked (401), the client's
bucket is charged (429), scripted faults apply, the scope is checked (403), the lifecycle catches
up with the clock, and any `RequestError` becomes a Genesys error body. Rate-limit headers go on
every response. Also here: JSON bodies, `If-Match`, and Genesys paging.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response

from reconciler.sandbox.auth import Grant
from reconciler.sandbox.problems import Detail, RequestError, bad_request, problem_response
from reconciler.sandbox.world import World


@dataclass(frozen=True, slots=True)
class Ctx:
    request: Request
    world: World
    grant: Grant


Handler = Callable[[Ctx], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


class JSON(Response):
    """A JSON response rendered with orjson."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def world_of(request: Request) -> World:
    world: World = request.app.state.world
    return world


def api(scope: str) -> Callable[[Handler], Endpoint]:
    """Wrap `handler` with the platform's common request rules (see the module docstring)."""

    def wrap(handler: Handler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            world = world_of(request)
            headers: dict[str, str] = {}
            try:
                grant = world.authority.grant_for(request.headers.get("authorization"))
                headers = world.limiter.take(grant.client_id)
                await world.faults.apply_http(request.method, request.url.path)
                world.authority.require(grant, scope)
                async with world.store.lock:
                    world.store.sweep()
                response = await handler(Ctx(request, world, grant))
            except RequestError as problem:
                response = problem_response(problem)
                headers = headers or world.limiter.peek(None)
            for name, value in headers.items():
                response.headers.setdefault(name, value)
            return response

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    return wrap


async def json_body(ctx: Ctx) -> dict[str, Any]:
    """The request's JSON object, or 400/413."""
    raw = await ctx.request.body()
    if len(raw) > ctx.world.settings.max_body_bytes:
        raise RequestError(
            413, "bad.request", "The request body is too large.", (Detail("bad.request", "body"),)
        )
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise bad_request(
            [Detail("bad.request", "body", message=f"body is not JSON: {exc}")]
        ) from exc
    if not isinstance(value, dict):
        raise bad_request([Detail("bad.request", "body", message="body must be a JSON object")])
    return value


def if_match(request: Request) -> int | None:
    """The version named by `If-Match` (quotes and W/ allowed), or None."""
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    text = raw.strip().removeprefix("W/").strip('"')
    if not text.isdigit():
        raise bad_request(
            [Detail("bad.request", "If-Match", message="If-Match must be a version number")]
        )
    return int(text)


def query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        message = f"{name} must be an integer from {low} to {high}"
        raise bad_request([Detail("bad.request", name, message=message)])
    return int(raw)


def paged(request: Request, items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A Genesys page of `items` for `?pageSize=&pageNumber=`, with `nextUri`."""
    size = query_int(request, "pageSize", 25, 1, 500)
    number = query_int(request, "pageNumber", 1, 1, 1_000_000)
    total = len(items)
    count = (total + size - 1) // size
    next_uri = None
    if number < count:
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "pageNumber"]
        params.append(("pageNumber", str(number + 1)))
        next_uri = f"{request.url.path}?{urlencode(params)}"
    return {
        "entities": list(items[(number - 1) * size : number * size]),
        "pageSize": size,
        "pageNumber": number,
        "total": total,
        "pageCount": count,
        "nextUri": next_uri,
    }
