"""Checking search parameters against their known sets before they reach search/."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.core.errors import FieldError, InvalidInput
from app.organisations.tables import Organisation
from app.places.tables import Place
from app.trades.tables import Trade
from search.filters import Circle

MAX_RADIUS_KM = 200.0


@dataclass(frozen=True)
class Known:
    """Collects unknown values, so one 400 names every bad field."""

    errors: list[FieldError]

    async def trades(self, field: str, codes: Sequence[str] | None) -> list[str]:
        wanted = sorted({c.upper() for c in codes or ()})
        if not wanted:
            return []
        found = {r["code"] for r in await Trade.select(Trade.code).where(Trade.code.is_in(wanted))}
        self._unknown(field, set(wanted) - found, "ROME codes")
        return wanted

    async def places(self, field: str, slugs: Sequence[str] | None) -> list[str]:
        wanted = sorted(set(slugs or ()))
        if not wanted:
            return []
        found = {r["slug"] for r in await Place.select(Place.slug).where(Place.slug.is_in(wanted))}
        self._unknown(field, set(wanted) - found, "places")
        return wanted

    async def departements(self, field: str, codes: Sequence[str] | None) -> list[str]:
        wanted = sorted({c.upper() for c in codes or ()})
        if not wanted:
            return []
        rows = (
            await Place.select(Place.departement_code)
            .where(Place.departement_code.is_in(wanted))
            .distinct()
        )
        self._unknown(field, set(wanted) - {r["departement_code"] for r in rows}, "départements")
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
            place = (
                await Place.select(Place.latitude, Place.longitude)
                .where(Place.slug == near)
                .first()
            )
            if place is None:
                self._unknown("near", {near}, "places")
                return None
            return Circle(place["latitude"], place["longitude"], radius_km)
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
