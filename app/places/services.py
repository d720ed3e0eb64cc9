"""Places: the curated resorts and the communes of the mountain départements, and finding
them as people type them (app/core/typeahead.py)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from app.core.errors import InvalidInput, NotFound
from app.core.text import search_key
from app.core.typeahead import CachedIndex, Index
from app.core.vocabulary import Massif
from app.places.tables import Place

DATA = Path(__file__).resolve().parent / "data"
PLACES_CSV = DATA / "places.csv"
COMMUNES_CSV = DATA / "communes.csv"
RESORT_COMMUNES_CSV = DATA / "resort_communes.csv"
COMMUNE = "commune"


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _communes(path: Path) -> list[Place]:
    return [
        Place(
            slug=record["slug"],
            name=record["name"],
            commune=record["name"],
            departement_code=record["departement_code"],
            departement_name=record["departement_name"],
            massif=Massif(record["massif"]).value,
            latitude=float(record["latitude"]),
            longitude=float(record["longitude"]),
            elevation_m=None,
            kind=COMMUNE,
            insee=record["insee"],
            postal_codes=record["postal_codes"],
            population=int(record["population"]) if record["population"] else None,
            search_text=search_key(record["name"], record["postal_codes"]),
        )
        for record in _read(path)
    ]


async def load_reference(
    path: Path = PLACES_CSV,
    communes_path: Path = COMMUNES_CSV,
    links_path: Path = RESORT_COMMUNES_CSV,
) -> int:
    """Insert or update every curated resort and commune (idempotent); returns how many
    rows were read. A resort takes its commune's INSEE and postal codes."""
    communes = _communes(communes_path)
    postal = {c.insee: c.postal_codes for c in communes}
    insee_of = {r["slug"]: r["insee"] for r in _read(links_path)}
    rows: list[Place] = []
    for record in _read(path):
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
                insee=insee_of.get(record["slug"]),
                postal_codes=postal.get(insee_of.get(record["slug"], ""), ""),
                population=None,
                search_text=search_key(record["name"], record["commune"]),
            )
        )
    rows.extend(communes)
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
        Place.insee,
        Place.postal_codes,
        Place.population,
        Place.search_text,
    ]
    for start in range(0, len(rows), 500):
        await Place.insert(*rows[start : start + 500]).on_conflict(
            target=Place.slug, action="DO UPDATE", values=columns
        )
    forget_index()
    return len(rows)


@dataclass
class PlaceIndex:
    """Every place's words, for the type-ahead; entry i is the place ids[i]."""

    index: Index = field(default_factory=Index)
    ids: list[int] = field(default_factory=list)
    massifs: list[str] = field(default_factory=list)
    communes: list[bool] = field(default_factory=list)
    populations: list[int] = field(default_factory=list)


async def _version() -> tuple[int, int]:
    rows = await Place.raw("SELECT count(*) AS n, coalesce(max(id), 0) AS top FROM place")
    return rows[0]["n"], rows[0]["top"]


async def _build() -> PlaceIndex:
    rows = await Place.select(
        Place.id,
        Place.name,
        Place.commune,
        Place.kind,
        Place.massif,
        Place.postal_codes,
        Place.population,
    ).order_by(Place.id)
    built = PlaceIndex()
    for row in rows:
        commune = row["kind"] == COMMUNE
        secondary = row["postal_codes"].split()
        if not commune:
            secondary.append(row["commune"])
        built.index.add(row["name"], secondary)
        built.ids.append(row["id"])
        built.massifs.append(row["massif"])
        built.communes.append(commune)
        built.populations.append(row["population"] or 0)
    return built


_index = CachedIndex(_build, _version)


def forget_index() -> None:
    """Build the type-ahead again at its next use (after a new `seed reference`)."""
    _index.forget()


async def place_index() -> PlaceIndex:
    """The type-ahead's index, built again when the places changed (checked every INDEX_TTL)."""
    return await _index.get()


async def find(q: str, massif: list[Massif] | None = None, limit: int = 20) -> list[Place]:
    """Places as people type them: "l'alpe", "les 2 alpes", "st lary", "val d'is", "73150",
    "val torens" (one typo from 5 letters). Resorts come before communes of the same name,
    bigger towns before smaller ones; no q: resorts by name."""
    massifs = {m.value for m in massif or ()}
    if not q.strip():
        query = Place.objects().where(Place.kind != COMMUNE)
        if massifs:
            query = query.where(Place.massif.is_in(list(massifs)))
        return await query.order_by(Place.name).limit(limit)
    built = await place_index()
    hits = built.index.search(
        q,
        limit,
        keep=(lambda e: built.massifs[e] in massifs) if massifs else None,
        boost=lambda e: int(built.communes[e]),
        tiebreak=lambda e: -built.populations[e],
    )
    ids = [built.ids[h.entry] for h in hits]
    if not ids:
        return []
    rows = {p.id: p for p in await Place.objects().where(Place.id.is_in(ids))}
    return [rows[i] for i in ids if i in rows]


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
