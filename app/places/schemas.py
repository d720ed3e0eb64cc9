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
    kind: str
