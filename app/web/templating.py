"""The site's Jinja2 environment: French formats and the product's labels, autoescaped."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from app.core.catalogue import catalogue, label
from app.core.clock import day_in_france
from app.core.text import de, fold
from app.web.form_input import InFrench

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def date_fr(value: date | datetime | None, long: bool = False) -> str:
    """12/12/2026, or "12 décembre 2026" with long=True; datetimes in French time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = day_in_france(value)
    if long:
        day = "1er" if value.day == 1 else str(value.day)
        return f"{day} {MONTHS[value.month - 1]} {value.year}"
    return value.strftime("%d/%m/%Y")


def money(value: Any) -> str:
    """1 850 (a narrow no-break space between thousands, no decimals when whole)."""
    if value is None:
        return ""
    number = float(value)
    text = f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",")


def by_label(counts: Iterable[Any]) -> list[Any]:
    """Facet values sorted by their label as a French reader expects (accents ignored)."""
    return sorted(counts, key=lambda c: (fold(c.label), c.value))


def _section(messages: dict[str, str], prefix: str) -> dict[str, str]:
    return {k.removeprefix(prefix): v for k, v in messages.items() if k.startswith(prefix)}


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.filters.update({"date_fr": date_fr, "money": money})
    env.filters["by_label"] = by_label
    env.filters["de"] = de
    env.tests["french"] = lambda value: isinstance(value, InFrench)
    messages = catalogue("fr")
    env.globals.update(
        {
            "label": label,
            "FIELD_ERRORS": _section(messages, "field_error."),
            "SIGN_IN_ERRORS": _section(messages, "sign_in_error."),
        }
    )
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(instance=JinjaTemplateEngine(engine_instance=environment()))
