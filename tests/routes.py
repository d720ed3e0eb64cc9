"""The app's own route list, for the tests that must cover every route without anyone listing
them (CSRF on site forms, the permission matrix, input limits, the Redis outage page): a new
route is in their walk the day it is added."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.routes import HTTPRoute

from app.core.paths import WRITE_METHODS, is_api_path

_INT = re.compile(r"\{[a-z_]+:int\}")
_OTHER = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as declared: /espace/offres/{offer_id:int}/publier
    handler: Any  # its HTTPRouteHandler (`opt`, `parsed_fn_signature`)

    @property
    def name(self) -> str:
        """ "METHOD /path", as the matrix and the CSRF exemptions name a route."""
        return f"{self.method} {self.path}"

    @property
    def url(self) -> str:
        """The path with its parameters filled in (an int 1, any other "x")."""
        return concrete(self.path)


def concrete(path: str) -> str:
    return _OTHER.sub("x", _INT.sub("1", path))


def app_routes(
    app: Litestar,
    methods: Collection[str] = WRITE_METHODS,
    where: Callable[[str], object] = lambda path: True,
) -> list[Route]:
    """Each method of `methods` of each HTTP route whose path passes `where`, in the app's
    order (by default: every route that may change something)."""
    return [
        Route(method, route.path, handler)
        for route in app.routes
        if isinstance(route, HTTPRoute) and where(route.path)
        for handler in route.route_handlers
        for method in sorted(set(handler.http_methods) & set(methods))
    ]


def is_site_path(path: str) -> bool:
    """Not the JSON API: the site's pages and forms."""
    return not is_api_path(path)
