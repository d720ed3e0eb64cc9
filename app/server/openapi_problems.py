"""Problem details in the OpenAPI: one `ProblemDetails` schema, and on every API operation the
error statuses it can answer, set once here rather than by hand on each handler.

`document_problems(route)` runs for each registered route (CorePlugin.receive_route), before
the OpenAPI document is built; a status a handler already declares keeps its description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar.constants import RESERVED_KWARGS
from litestar.openapi.datastructures import ResponseSpec
from litestar.routes import BaseRoute, HTTPRoute

from app.core.errors import PROBLEM_JSON
from app.core.paths import WRITE_METHODS, is_api_path


@dataclass
class ProblemField:
    field: str
    message: str


@dataclass
class ProblemDetails:
    """An RFC 9457 problem: `type` (/problems/<kind>), `title`, `status`, `detail`, the path
    (`instance`) and, for refused input, one `errors` item per field."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemField] = field(default_factory=list)


_DESCRIPTIONS = {
    400: "Invalid input: a parameter or a body field breaks a rule",
    401: "Authentication required: no or an unknown bearer token",
    403: "Forbidden: the token may not do this",
    404: "Not found",
    409: "Conflict: the record's current state does not allow the change",
    413: "Payload too large",
    429: "Too many requests; try again later",
    503: "A service we depend on does not answer; see Retry-After",
}


def _has_inputs(route: HTTPRoute, handler: Any) -> bool:
    if route.path_parameters:
        return True
    dependencies = handler.resolve_dependencies()
    names = set(handler.parsed_fn_signature.parameters) - set(dependencies)
    return "data" in names or bool(names - RESERVED_KWARGS)


def _statuses(route: HTTPRoute, handler: Any) -> set[int]:
    methods = set(handler.http_methods)
    writes = bool(methods & WRITE_METHODS)
    has_body = "data" in handler.parsed_fn_signature.parameters
    statuses: set[int] = set()
    if _has_inputs(route, handler):
        statuses.add(400)
    if writes:
        statuses |= {401, 403}
    if route.path_parameters:
        statuses.add(404)
    if "POST" in methods:  # lifecycle transitions (and creations that clash with a record)
        statuses.add(409)
    if has_body:
        statuses.add(413)
    if "/search" in route.path:
        statuses.add(503)
    if handler.responses and 429 in handler.responses:
        statuses.add(429)
    return statuses


def document_problems(route: BaseRoute) -> None:
    """Declare the problem responses of each API handler of `route` (see the module doc)."""
    if not isinstance(route, HTTPRoute) or not is_api_path(route.path):
        return
    for handler in route.route_handlers:
        if not handler.include_in_schema:
            continue
        declared = dict(handler.responses or {})
        for status in sorted(_statuses(route, handler)):
            before = declared.get(status)
            described = before.description if before and before.description else None
            declared[status] = ResponseSpec(
                ProblemDetails,
                media_type=PROBLEM_JSON,
                description=described or _DESCRIPTIONS[status],
                generate_examples=False,
            )
        handler.responses = declared
