"""Helpers for page handlers: a template response, and domain errors shown as a page."""

from __future__ import annotations

from typing import Any, TypeVar

from litestar import Request, Response
from litestar.datastructures import CacheControlHeader
from litestar.response import Template

from app.core.errors import DomainError, NotFound, domain_error_handler
from app.core.limits import TooLarge
from app.core.paths import is_api_path

PUBLIC_CACHE = CacheControlHeader(public=True, max_age=300)
R = TypeVar("R", bound=Response[Any])


def page(name: str, status_code: int = 200, **context: Any) -> Template:
    return Template(template_name=name, context=context, status_code=status_code)


def problem_page(
    error: DomainError,
    kind: str | None = None,
    *,
    said: str | None = None,
    back: tuple[str, str] | None = None,
) -> Template:
    """The French page for a refused request (the API answers problem details instead).

    `kind` picks the page's French text in message.html (the error's own kind by default;
    e.g. "search-unavailable", "accounts-unavailable" for an `Unavailable`). The error's
    English detail is never shown: `said` is a French sentence to add, `back` the
    (address, label) of the next step (by default message.html's for the kind, else the
    offers). The error's headers (Retry-After) go along; the page is never cached.
    """
    response = uncached(
        page(
            "message.html",
            status_code=error.status,
            kind=kind or error.kind,
            said=said,
            back=back,
        )
    )
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


def uncached(response: R) -> R:
    """Errors and refusals must not be kept by caches for the 5 minutes pages are."""
    response.headers[CacheControlHeader.HEADER_NAME] = "no-store"
    return response


# Form fields by their French names, for a form's refused-character error (app.web.form_input).
FIELD_NAMES = {
    "title": "intitulé",
    "description": "description",
    "name": "nom",
    "email": "adresse e-mail",
    "password": "mot de passe",
    "confirmation": "confirmation du mot de passe",
    "organisation": "nom de l'organisation",
    "place": "station ou village",
    "reason": "motif",
    "entry_requirements": "prérequis",
    "certification_title": "intitulé de la certification",
    "apply_email": "adresse de candidature",
    "apply_url": "lien de candidature",
    "label": "nom du jeton",
    "form": "formulaire",
}


def refused_input_handler(request: Request[Any, Any, Any], exc: TooLarge) -> Response[Any]:
    """A request over the size limits (app.core.limits): problem details for the API, the
    French "too-large" page for the site. (A refused character in a site form is the form's
    own field error: app.web.form_input.)"""
    if is_api_path(request.url.path):
        return domain_error_handler(request, exc)
    return problem_page(exc)


def not_found_page() -> Template:
    return problem_page(NotFound("not found"))
