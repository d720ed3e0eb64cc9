"""The place fields every search document located at a place carries (offers, sessions)."""

from __future__ import annotations

from typing import Any

# The columns of the place `p` a document's row query selects, read by `place_fields`.
PLACE_COLUMNS = (
    "p.slug AS place_slug, p.name AS place_name, p.commune, p.departement_code, p.massif, "
    "p.latitude, p.longitude"
)


def place_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The document fields of the place of a row selected with PLACE_COLUMNS."""
    return {
        "place_slug": row["place_slug"],
        "place_name": row["place_name"],
        "commune": row["commune"],
        "departement": row["departement_code"],
        "massif": row["massif"],
        "_geo": {"lat": row["latitude"], "lng": row["longitude"]},
    }
