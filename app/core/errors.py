"""Domain errors, and their one mapping to RFC 9457 problem details."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from app.core.clock import AWARE_EXAMPLE

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    """A rule of the domain refused something; `status` is the HTTP status it maps to."""

    status = 400
    kind = "bad-request"
    title = "Bad request"

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []

    @property
    def headers(self) -> dict[str, str] | None:
        return None


class InvalidInput(DomainError):
    """One or more fields break a rule; each FieldError names the field."""

    status = 400
    kind = "invalid-input"
    title = "Invalid input"

    def __init__(self, errors: list[FieldError]) -> None:
        detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
        super().__init__(detail, errors)

    @classmethod
    def one(cls, field: str, message: str) -> InvalidInput:
        return cls([FieldError(field, message)])


class NotFound(DomainError):
    status = 404
    kind = "not-found"
    title = "Not found"


class Unauthorized(DomainError):
    status = 401
    kind = "unauthorized"
    title = "Authentication required"


class Forbidden(DomainError):
    status = 403
    kind = "forbidden"
    title = "Forbidden"


class Conflict(DomainError):
    """The record's current state does not allow the change (e.g. publishing a filled offer)."""

    status = 409
    kind = "conflict"
    title = "Conflict"

    def __init__(
        self, detail: str, errors: list[FieldError] | None = None, found: str | None = None
    ) -> None:
        super().__init__(detail, errors)
        self.found = found  # the state found, when a transition was refused


def problem_response(
    request: Request[Any, Any, Any],
    *,
    status: int,
    kind: str,
    title: str,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[dict[str, Any]]:
    body: dict[str, Any] = {
        "type": f"/problems/{kind}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = [{"field": e.field, "message": e.message} for e in errors]
    return Response(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_FIELD_IN_MESSAGE = re.compile(r"(?:unknown|required) field `([^`]+)`")
_FIELD_PATH = re.compile(r"- at `\$\.?([^`]*)`")


def _field_of(key: str | None, message: str) -> str:
    """The field a validation message is about: `$.seasons[0]` -> "seasons"."""
    path = ""
    at = _FIELD_PATH.search(message)
    if at:
        path = re.sub(r"\[\d+\]", "", at.group(1))
        path = "" if path == "data" else path.removeprefix("data.")
    elif key and key != "data":
        path = re.sub(r"\[\d+\]", "", key).removeprefix("data.")
    named = _FIELD_IN_MESSAGE.search(message)
    if named:
        path = f"{path}.{named.group(1)}" if path and path != named.group(1) else named.group(1)
    return re.sub(r"\[\d+\]", "", path) or "body"


def domain_error_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    return problem_response(
        request,
        status=exc.status,
        kind=exc.kind,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=exc.headers,
    )


def validation_error_handler(
    request: Request[Any, Any, Any], exc: ValidationException
) -> Response[Any]:
    errors: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            message = str(item.get("message", "invalid value"))
            if "with a timezone component" in message:  # AwareDateTime: say the expected form
                message += f" (a UTC offset or Z, e.g. {AWARE_EXAMPLE})"
            key = item.get("key")
            errors.append(FieldError(_field_of(str(key) if key else None, message), message))
    if not errors:
        errors.append(FieldError(_field_of(None, exc.detail), exc.detail))
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return problem_response(
        request,
        status=400,
        kind="invalid-input",
        title="Invalid input",
        detail=detail,
        errors=errors,
    )


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    if exc.status_code >= HTTP_500_INTERNAL_SERVER_ERROR:
        log.error("%s %s: %s", request.method, request.url.path, exc, exc_info=exc)
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(
        request,
        status=exc.status_code,
        kind="http-" + str(exc.status_code),
        title=exc.__class__.__name__.removesuffix("Exception") or "Error",
        detail=exc.detail,
        headers=headers,
    )


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        request,
        status=HTTP_500_INTERNAL_SERVER_ERROR,
        kind="internal",
        title="Internal error",
        detail="Something went wrong on our side; the error was logged.",
    )


EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    DomainError: domain_error_handler,
    ValidationException: validation_error_handler,
    HTTPException: http_error_handler,
    Exception: internal_error_handler,
}


class Unavailable(DomainError):
    """A service we depend on (search engine, queue) does not answer right now; the answer
    says when to try again (`Retry-After`, seconds)."""

    status = 503
    kind = "unavailable"
    title = "Service unavailable"
    retry_after = 60

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after)}
