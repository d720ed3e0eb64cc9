"""Checking search parameters against their known sets before they reach search/.

Trades and places are reference data (loaded by `litestar seed reference`, changed only by
another load): every process keeps them in memory for REFERENCE_TTL seconds, so that a search
costs no database query. A value missing from that copy is still looked up in the database,
so a code or place loaded meanwhile is known at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from litestar.connection import ASGIConnection

from app.core.clock import FRANCE
from app.core.errors import FieldError, InvalidInput
from app.organisations.tables import Organisation
from app.places.tables import Place
from app.trades.tables import Trade
from search.contract import Canonical, Circle, Contract, Kind, Problem

REFERENCE_TTL = 300.0  # seconds
# Parameters of every search that are not filters of its contract, each taken once.
SINGLE_OPTIONS = ("q", "near", "lat", "lon", "radius_km", "sort", "page", "page_size", "facet")
ONCE = "give this parameter once"


def single_valued(contract: Contract) -> tuple[str, ...]:
    """The parameters of a search that take one value: every filter but the any-of ones,
    and the options (sort, page…)."""
    names = [f.name for f in contract.filters if not f.many]
    return tuple(dict.fromkeys([*names, *SINGLE_OPTIONS]))


def repeated(query: Mapping[str, Sequence[str]], contract: Contract) -> list[FieldError]:
    """A FieldError for each single-valued parameter given more than once (blank values,
    which a form sends for its empty fields, do not count): `q=serveur&q=moniteur` is
    refused rather than read as one of them."""
    return [
        FieldError(name, ONCE)
        for name in single_valued(contract)
        if len([v for v in query.get(name, ()) if v.strip()]) > 1
    ]


def given_once(
    contract: Contract,
) -> Callable[[ASGIConnection[Any, Any, Any, Any], Any], Coroutine[Any, Any, None]]:
    """A guard of the search API: InvalidInput (400) naming each repeated single parameter."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: Any) -> None:
        params = connection.query_params
        errors = repeated({k: params.getall(k) for k in params}, contract)
        if errors:
            raise InvalidInput(errors)

    return guard


@dataclass
class Reference:
    """The trades' labels and the places' coordinates and départements, as last loaded."""

    trade_labels: dict[str, str] = field(default_factory=dict)  # code → label shown
    places: dict[str, tuple[float, float]] = field(default_factory=dict)  # slug → lat, lng
    departements: frozenset[str] = frozenset()
    loaded_at: float = float("-inf")


_reference = Reference()


def forget_reference() -> None:
    """Load the reference data again at its next use (after a new `seed reference`)."""
    global _reference
    _reference = Reference()


async def reference() -> Reference:
    global _reference
    if time.monotonic() - _reference.loaded_at < REFERENCE_TTL:
        return _reference
    trades = await Trade.select(Trade.code, Trade.label, Trade.mountain_label)
    places = await Place.select(Place.slug, Place.latitude, Place.longitude, Place.departement_code)
    _reference = Reference(
        trade_labels={r["code"]: r["mountain_label"] or r["label"] for r in trades},
        places={r["slug"]: (r["latitude"], r["longitude"]) for r in places},
        departements=frozenset(r["departement_code"] for r in places),
        loaded_at=time.monotonic(),
    )
    return _reference


async def trade_labels(codes: Iterable[str]) -> dict[str, str]:
    """The label shown for each known ROME code (the mountain label, else France Travail's)."""
    wanted = set(codes)
    if not wanted:
        return {}
    known = (await reference()).trade_labels
    labels = {c: known[c] for c in wanted if c in known}
    if len(labels) < len(wanted):
        missing = list(wanted - labels.keys())
        rows = await Trade.select(Trade.code, Trade.label, Trade.mountain_label).where(
            Trade.code.is_in(missing)
        )
        labels.update({r["code"]: r["mountain_label"] or r["label"] for r in rows})
    return labels


@dataclass(frozen=True)
class Known:
    """Collects unknown values, so one 400 names every bad field."""

    errors: list[FieldError]

    async def trades(self, field: str, codes: Sequence[str] | None) -> list[str]:
        wanted = sorted({c.upper() for c in codes or ()})
        if not wanted:
            return []
        found = await trade_labels(wanted)
        self._unknown(field, set(wanted) - found.keys(), "ROME codes")
        return wanted

    async def places(self, field: str, slugs: Sequence[str] | None) -> list[str]:
        wanted = sorted(set(slugs or ()))
        if not wanted:
            return []
        known = (await reference()).places
        missing = [s for s in wanted if s not in known]
        if missing:
            rows = await Place.select(Place.slug).where(Place.slug.is_in(missing))
            self._unknown(field, set(missing) - {r["slug"] for r in rows}, "places")
        return wanted

    async def departements(self, field: str, codes: Sequence[str] | None) -> list[str]:
        wanted = sorted({c.upper() for c in codes or ()})
        if not wanted:
            return []
        known = (await reference()).departements
        missing = [c for c in wanted if c not in known]
        if missing:
            rows = (
                await Place.select(Place.departement_code)
                .where(Place.departement_code.is_in(missing))
                .distinct()
            )
            found = {r["departement_code"] for r in rows}
            self._unknown(field, set(missing) - found, "départements")
        return wanted

    async def organisations(self, field: str, slugs: Sequence[str] | None) -> list[str]:
        wanted = sorted(set(slugs or ()))
        if not wanted:
            return []
        rows = await Organisation.select(Organisation.slug).where(Organisation.slug.is_in(wanted))
        self._unknown(field, set(wanted) - {r["slug"] for r in rows}, "organisations")
        return wanted

    async def circle(
        self, near: str | None, lat: float | None, lon: float | None, radius_km: float
    ) -> Circle | None:
        if near and (lat is not None or lon is not None):
            self.errors.append(FieldError("near", "give either near or lat/lon, not both"))
            return None
        if near:
            point = (await reference()).places.get(near)
            if point is None:
                place = (
                    await Place.select(Place.latitude, Place.longitude)
                    .where(Place.slug == near)
                    .first()
                )
                if place is None:
                    self._unknown("near", {near}, "places")
                    return None
                point = (place["latitude"], place["longitude"])
            return Circle(point[0], point[1], radius_km)
        if (lat is None) != (lon is None):
            self.errors.append(FieldError("lat" if lat is None else "lon", "give lat and lon"))
            return None
        if lat is not None and lon is not None:
            return Circle(lat, lon, radius_km)
        return None

    def _unknown(self, field: str, values: set[str], what: str) -> None:
        if values:
            listed = ", ".join(sorted(values))
            self.errors.append(FieldError(field, f"unknown {what}: {listed}"))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def day_timestamp(day: date) -> int:
    """Seconds since the epoch at midnight in France: how the index stores a day."""
    return int(datetime.combine(day, datetime.min.time(), tzinfo=FRANCE).timestamp())


def problems_as_errors(problems: Iterable[Problem]) -> list[FieldError]:
    return [FieldError(p.name, f"{p.reason}: {p.value}" if p.value else p.reason) for p in problems]


async def resolve(contract: Contract, canonical: Canonical, known: Known) -> dict[str, Any]:
    """A canonical search's values as the index understands them, by public name: reference
    values checked against the database (unknown ones collected in `known`), days as
    timestamps, numbers as floats, the geo filter as a Circle."""
    checks = {
        "trade": known.trades,
        "place": known.places,
        "departement": known.departements,
        "organisation": known.organisations,
    }
    resolved: dict[str, Any] = {}
    for spec in contract.filters:
        values = canonical.getall(spec.name)
        if spec.kind is Kind.GEO:
            lat, lon = canonical.get("lat"), canonical.get("lon")
            radius = canonical.get("radius_km") or str(contract["radius_km"].default)
            circle = await known.circle(
                values[0] if values else None,
                float(lat) if lat is not None else None,
                float(lon) if lon is not None else None,
                float(radius),
            )
            if circle is not None:
                resolved[spec.name] = circle
        elif not values or not spec.filters:
            continue
        elif spec.kind is Kind.ANY_OF:
            check = checks.get(spec.name)
            resolved[spec.name] = await check(spec.name, values) if check else list(values)
        elif spec.value_type == "date":
            resolved[spec.name] = day_timestamp(date.fromisoformat(values[0]))
        else:
            resolved[spec.name] = float(values[0])
    return resolved
