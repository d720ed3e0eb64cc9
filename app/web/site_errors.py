"""Refusals raised outside a page handler's own `try`, said as a French page on the site.

Litestar refuses some requests itself: an unrouted path (404), a wrong method (405), a form
without its CSRF token (403), a missing or malformed parameter (400); and a domain error or a
crash may escape a handler. Under /api these stay problem details (app.core.errors); any
other path but a feed's gets the one French page (`problem_page`, message.html), without the English
detail:

- a parameter refused on a route that takes a signed link's `token` is that link's
  "Lien invalide ou expiré" page, as a long bad token is (a link cut short in a mail client);
- a refused CSRF token is "Votre formulaire a expiré", linking back to the form's page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)

from app.core.errors import (
    DomainError,
    domain_error_handler,
    http_error_handler,
    internal_error_handler,
    validation_error_handler,
)
from app.core.paths import is_api_path
from app.core.signing import BadLink
from app.web.pages import problem_page
from app.web.session import ACCOUNT_PAGES

CSRF_FAILED = "CSRF token verification failed"  # Litestar's CSRFMiddleware's detail
# Read by programs, not people (feeds, sitemap, robots.txt): problem details, as the API.
MACHINE_SUFFIXES = (".atom", ".xml", ".txt", ".json")

# A site refusal by Litestar's status: the page's kind (message.html).
KIND_OF_STATUS = {400: "invalid-input", 403: "forbidden", 404: "not-found", 405: "wrong-method"}


class _Refused(DomainError):
    """A refusal of Litestar's shown as a page: its status, never its English detail."""

    def __init__(self, status: int, headers: dict[str, str] | None = None) -> None:
        super().__init__("refused")
        self.status = status
        self._headers = headers

    @property
    def headers(self) -> dict[str, str] | None:
        return self._headers


def for_programs(path: str) -> bool:
    """The JSON API, or a feed or another file programs read: problem details, not a page."""
    return is_api_path(path) or path.endswith(MACHINE_SUFFIXES)


def _takes_a_link_token(request: Request[Any, Any, Any]) -> bool:
    handler = request.scope.get("route_handler")
    return handler is not None and "token" in handler.parsed_fn_signature.parameters


def _same_site_path(url: str, host: str | None) -> str | None:
    """The path and query of `url` when it is on this site (never another one)."""
    parts = urlsplit(url)
    path = parts.path
    if not host or parts.netloc != host or not path.startswith("/") or path.startswith("//"):
        return None
    if "\\" in path or is_api_path(path):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _has_a_page(request: Request[Any, Any, Any], path: str) -> bool:
    try:
        request.app.asgi_router.handle_routing(path=path, method="GET")
    except (NotFoundException, MethodNotAllowedException):
        return False
    return True


def form_page(request: Request[Any, Any, Any]) -> str:
    """Where the refused form was: the page that sent it (Referer, this site only), else the
    same address as a GET when it is a page, else the space or the home page."""
    host = request.headers.get("host")
    back = _same_site_path(request.headers.get("referer", ""), host)
    if back:
        return back
    path = request.url.path
    if _has_a_page(request, path):
        query = request.url.query
        return path + (f"?{query}" if query else "")
    return "/espace" if ACCOUNT_PAGES.match(path) else "/"


def http_refusal_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Litestar's own refusals (404, 405, 403 CSRF, 400 parameters, ...)."""
    if for_programs(request.url.path):
        if isinstance(exc, ValidationException):
            return validation_error_handler(request, exc)
        return http_error_handler(request, exc)
    if exc.status_code >= 500:
        return crash_handler(request, exc)
    if isinstance(exc, ValidationException) and _takes_a_link_token(request):
        return problem_page(BadLink("this link is not valid"))
    if isinstance(exc, PermissionDeniedException) and exc.detail == CSRF_FAILED:
        return problem_page(
            _Refused(403), kind="form-expired", back=(form_page(request), "Revenir au formulaire")
        )
    headers = dict(exc.headers) if exc.headers else None
    kind = KIND_OF_STATUS.get(exc.status_code, "refused")
    return problem_page(_Refused(exc.status_code, headers), kind=kind)


def domain_refusal_handler(request: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    """A domain error no page handler caught (e.g. a query string that is not UTF-8)."""
    if for_programs(request.url.path):
        return domain_error_handler(request, exc)
    return problem_page(exc)


def crash_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A crash is logged once (app.core.errors); the site shows a French page."""
    answer = internal_error_handler(request, exc)
    if for_programs(request.url.path):
        return answer
    return problem_page(_Refused(500), kind="internal")


SITE_EXCEPTION_HANDLERS: dict[type[Exception], Any] = {
    DomainError: domain_refusal_handler,
    ValidationException: http_refusal_handler,
    HTTPException: http_refusal_handler,
    Exception: crash_handler,
}
