"""Helpers for page handlers: a template response, and domain errors shown as a page."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import CacheControlHeader
from litestar.response import Template

from app.core.errors import DomainError

PUBLIC_CACHE = CacheControlHeader(public=True, max_age=300)


def page(name: str, status_code: int = 200, **context: Any) -> Template:
    return Template(template_name=name, context=context, status_code=status_code)


def problem_page(error: DomainError) -> Template:
    """The French page for a refused request (the API answers problem details instead)."""
    response = uncached(
        page("message.html", status_code=error.status, kind=error.kind, detail=error.detail)
    )
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


def uncached(response: Template) -> Template:
    """Errors and refusals must not be kept by caches for the 5 minutes pages are."""
    response.headers[CacheControlHeader.HEADER_NAME] = "no-store"
    return response


def not_found_page() -> Template:
    return uncached(page("message.html", status_code=404, kind="not-found", detail=None))
