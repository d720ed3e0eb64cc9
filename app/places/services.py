"""Places: the curated reference table of resorts, and finding them by name."""

from __future__ import annotations

import csv
from pathlib import Path

from app.core.errors import InvalidInput, NotFound
from app.core.text import like_escape, search_key
from app.core.vocabulary import Massif
from app.places.tables import Place

PLACES_CSV = Path(__file__).resolve().parent / "data" / "places.csv"


async def load_reference(path: Path = PLACES_CSV) -> int:
    """Insert or update every curated place (idempotent); returns how many rows were read."""
    rows: list[Place] = []
    with path.open(encoding="utf-8") as f:
        for record in csv.DictReader(f):
            massif = Massif(record["massif"])
            rows.append(
                Place(
                    slug=record["slug"],
                    name=record["name"],
                    commune=record["commune"],
                    departement_code=record["departement_code"],
                    departement_name=record["departement_name"],
                    massif=massif.value,
                    latitude=float(record["latitude"]),
                    longitude=float(record["longitude"]),
                    elevation_m=int(record["elevation_m"]) if record["elevation_m"] else None,
                    kind=record["kind"],
                    search_text=search_key(record["name"], record["commune"]),
                )
            )
    columns = [
        Place.name,
        Place.commune,
        Place.departement_code,
        Place.departement_name,
        Place.massif,
        Place.latitude,
        Place.longitude,
        Place.elevation_m,
        Place.kind,
        Place.search_text,
    ]
    for start in range(0, len(rows), 500):
        await Place.insert(*rows[start : start + 500]).on_conflict(
            target=Place.slug, action="DO UPDATE", values=columns
        )
    return len(rows)


async def find(q: str, massif: list[Massif] | None = None, limit: int = 20) -> list[Place]:
    """Places whose name or commune contains every word of q, accents and case ignored."""
    words = search_key(q).split()
    query = Place.objects()
    for word in words:
        query = query.where(Place.search_text.like(f"%{like_escape(word)}%"))
    if massif:
        query = query.where(Place.massif.is_in([m.value for m in massif]))
    places = await query.order_by(Place.name).limit(500)
    key = " ".join(words)

    def rank(place: Place) -> tuple[int, str]:
        name = search_key(place.name)
        if name == key:
            return (0, name)
        if name.startswith(key):
            return (1, name)
        return (2 if key in name else 3, name)

    return sorted(places, key=rank)[:limit]


async def get_by_slug(slug: str) -> Place:
    place = await Place.objects().where(Place.slug == slug).first()
    if place is None:
        raise NotFound(f"No place with slug {slug!r}")
    return place


async def resolve_slug(slug: str, field: str) -> Place:
    """The place a request names, or an InvalidInput error naming the field."""
    place = await Place.objects().where(Place.slug == slug).first()
    if place is None:
        raise InvalidInput.one(
            field, f"unknown place {slug!r}; find places with GET /api/places?q="
        )
    return place
