"""Genesys-style error bodies: every failed request gets one, with a fresh `contextId`.

Handlers raise `RequestError`; one place turns it into a JSON response. Nothing here may leak a
traceback or a stored secret into a body.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse


@dataclass(frozen=True, slots=True)
class Detail:
    """One problem with a request: which field, which rule, which object."""

    error_code: str
    field_name: str = ""
    entity_id: str = ""
    message: str = ""

    def as_json(self) -> dict[str, str]:
        value = {"errorCode": self.error_code}
        if self.field_name:
            value["fieldName"] = self.field_name
        if self.entity_id:
            value["entityId"] = self.entity_id
        if self.message:
            value["message"] = self.message
        return value


@dataclass(slots=True)
class RequestError(Exception):
    """A request the sandbox refuses; `headers` are added to the error response."""

    status: int
    code: str
    message: str
    details: tuple[Detail, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.message}"


def bad_request(details: list[Detail]) -> RequestError:
    """400 for a payload with one or more problems; the top code is shared or `bad.request`."""
    codes = {detail.error_code for detail in details}
    code = codes.pop() if len(codes) == 1 else "bad.request"
    message = "; ".join(d.message or f"{d.field_name}: {d.error_code}" for d in details)
    return RequestError(
        400, code, message or "The request could not be understood.", tuple(details)
    )


def not_found(what: str, ident: str) -> RequestError:
    return RequestError(
        404, "not.found", f"{what} {ident} does not exist.", (Detail("not.found", entity_id=ident),)
    )


def version_conflict(ident: str, expected: int, actual: int) -> RequestError:
    message = f"{ident} is at version {actual}, not {expected}."
    return RequestError(
        409, "version.conflict", message, (Detail("version.conflict", "version", ident),)
    )


CORRELATION_HEADER = "ININ-Correlation-Id"


def error_body(problem: RequestError, context_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message": problem.message,
        "code": problem.code,
        "status": problem.status,
        "contextId": context_id or str(uuid.uuid4()),
        "details": [detail.as_json() for detail in problem.details],
    }
    return body


def problem_response(problem: RequestError) -> JSONResponse:
    """The JSON response for `problem`; its `contextId` is also its `ININ-Correlation-Id`, as on
    Genesys Cloud, so that a client logging either can quote it."""
    context_id = str(uuid.uuid4())
    headers = {**problem.headers, CORRELATION_HEADER: context_id}
    return JSONResponse(
        error_body(problem, context_id), status_code=problem.status, headers=headers
    )
