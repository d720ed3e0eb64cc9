"""The state of a search page, held whole in its URL: parse it, and build the URLs that change it.

The site reads the same parameters as the search API (`massif=jura&massif=vosges`), keeps
only the known ones, and reports values it cannot use in French instead of failing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import urlencode

from app.core.params import ROME_CODE, SLUG
from app.core.search_params import repeated
from search.contract import Contract, last_page

_ROME = re.compile(ROME_CODE)
_SLUG = re.compile(SLUG)
_MONTH = re.compile(r"^20[0-9]{2}-(0[1-9]|1[0-2])$")
_DEPARTEMENT = re.compile(r"^(?:[0-9]{2,3}|2[AaBb])$")
MAX_VALUES = 20
MAX_PAGE = last_page(20)  # the search pages show 20 hits a page
RADII = (5, 10, 20, 30, 50, 100)


@dataclass(frozen=True)
class Field:
    """One query parameter a page understands."""

    name: str
    label: str  # for messages, in French
    many: bool = True
    choices: type[StrEnum] | None = None
    pattern: re.Pattern[str] | None = None


@dataclass
class QueryState:
    """The page's parameters, normalised, and what could not be used."""

    path: str
    values: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def get(self, name: str, default: str = "") -> str:
        found = self.values.get(name)
        return found[0] if found else default

    def getall(self, name: str) -> list[str]:
        return list(self.values.get(name, []))

    def has(self, name: str, value: str) -> bool:
        return value in self.values.get(name, [])

    @property
    def page(self) -> int:
        return int(self.get("page", "1"))

    def pairs(self, values: Mapping[str, Sequence[str]] | None = None) -> list[tuple[str, str]]:
        values = self.values if values is None else values
        return [(k, v) for k, vs in values.items() for v in vs if v != ""]

    @property
    def query_string(self) -> str:
        return urlencode(self.pairs())

    def url(self, path_: str | None = None, **changes: Sequence[str] | str | None) -> str:
        """This state's URL with some parameters replaced (None removes); page resets."""
        return self.build(path_, changes)

    def build(self, path_: str | None, changes: Mapping[str, Sequence[str] | str | None]) -> str:
        values = {k: list(v) for k, v in self.values.items() if k != "page"}
        for key, change in changes.items():
            if change is None:
                values.pop(key, None)
            elif isinstance(change, str):
                values[key] = [change]
            else:
                values[key] = list(change)
        query = urlencode(self.pairs(values))
        path = path_ or self.path
        return f"{path}?{query}" if query else path

    def toggle(self, name: str, value: str) -> str:
        current = self.getall(name)
        chosen = [v for v in current if v != value] if value in current else [*current, value]
        return self.build(None, {name: chosen})

    def at_page(self, page: int) -> str:
        base = self.url()
        if page <= 1:
            return base
        return f"{base}{'&' if '?' in base else '?'}page={page}"

    @property
    def filters(self) -> list[tuple[str, str]]:
        """The (name, value) pairs that narrow the search, for "remove this filter" links."""
        return [
            (k, v)
            for k, vs in self.values.items()
            if k not in {"page", "sort", "radius_km"}
            for v in vs
        ]


def parse(
    path: str, params: Mapping[str, Sequence[str]], fields: Iterable[Field], contract: Contract
) -> QueryState:
    """Keep the values each field accepts; describe the others in `errors`, and each
    single-valued parameter of the contract given more than once."""
    state = QueryState(path=path)
    fields = tuple(fields)
    labels = {f.name: f.label for f in fields}
    for error in repeated(params, contract):
        state.errors.append(f"{labels.get(error.field, error.field)} : à indiquer une seule fois")
    for spec in fields:
        raw = [v.strip() for v in params.get(spec.name, []) if v.strip()]
        if not spec.many:
            raw = raw[:1]
        kept: list[str] = []
        for value in raw[:MAX_VALUES]:
            if spec.choices is not None and value not in {c.value for c in spec.choices}:
                state.errors.append(f"{spec.label} : valeur inconnue « {value[:40]} »")
            elif spec.pattern is not None and not spec.pattern.match(value):
                state.errors.append(f"{spec.label} : valeur non valide « {value[:40]} »")
            elif value not in kept:
                kept.append(value)
        if kept:
            state.values[spec.name] = kept
    _number(state, params, "page", "page", 1, MAX_PAGE)
    return state


def _number(
    state: QueryState,
    params: Mapping[str, Sequence[str]],
    name: str,
    label: str,
    low: int,
    high: int,
) -> None:
    raw = [v for v in params.get(name, []) if v.strip()]
    if not raw:
        return
    try:
        number = int(raw[0])
    except ValueError:
        state.errors.append(f"{label} : un nombre est attendu, pas « {raw[0][:20]} »")
        return
    if not low <= number <= high:
        state.errors.append(f"{label} : entre {low} et {high}")
        return
    if number != low or name != "page":
        state.values[name] = [str(number)]


ROME = _ROME
SLUG_PATTERN = _SLUG
MONTH = _MONTH
DEPARTEMENT = _DEPARTEMENT
