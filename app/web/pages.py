"""Helpers for page handlers: a template response, and domain errors shown as a page."""

from __future__ import annotations

from typing import Any

from litestar.response import Template

from app.core.errors import DomainError


def page(name: str, status_code: int = 200, **context: Any) -> Template:
    return Template(template_name=name, context=context, status_code=status_code)


def problem_page(error: DomainError) -> Template:
    """The French page for a refused request (the API answers problem details instead)."""
    return page("message.html", status_code=error.status, kind=error.kind, detail=error.detail)
