from __future__ import annotations

import msgspec

from app.core.vocabulary import Massif


class Place(msgspec.Struct):
    slug: str
    name: str
    commune: str
    departement_code: str
    departement_name: str
    massif: Massif
    massif_label: str
    latitude: float
    longitude: float
    elevation_m: int | None
    kind: str  # ski-area, resort, nordic, or commune
    insee: str | None = None  # the commune's INSEE code (a resort's: its commune's)
    postal_codes: list[str] = []
