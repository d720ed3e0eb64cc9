from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromQuery, QueryParameter

from app.core.catalogue import label
from app.core.params import NO_NUL, Slug
from app.core.vocabulary import Massif
from app.places import schemas, services
from app.places.tables import Place


def to_schema(row: Place) -> schemas.Place:
    return schemas.Place(
        slug=row.slug,
        name=row.name,
        commune=row.commune,
        departement_code=row.departement_code,
        departement_name=row.departement_name,
        massif=Massif(row.massif),
        massif_label=label("massif", row.massif),
        latitude=row.latitude,
        longitude=row.longitude,
        elevation_m=row.elevation_m,
        kind=row.kind,
        insee=row.insee,
        postal_codes=row.postal_codes.split(),
    )


class PlaceController(Controller):
    path = "/api/places"
    tags = ["reference"]

    @get("/", operation_id="findPlaces")
    async def find_places(
        self,
        q: Annotated[
            str,
            QueryParameter(
                max_length=100,
                pattern=NO_NUL,
                description="A name as typed: 'gerardmer', \"l'alpe\", 'les 2 alpes', "
                "'st lary', 'val torens', or a postal code: '73150'",
            ),
        ] = "",
        massif: FromQuery[list[Massif] | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> list[schemas.Place]:
        """Resorts and communes of the mountain départements as people type them: accents,
        elisions, abbreviations (St, Ste, 2 for deux), postal codes, one typo in words of five
        letters or more. Resorts come before communes of the same name. No q: resorts."""
        return [to_schema(p) for p in await services.find(q, massif, limit)]

    @get("/{slug:str}", operation_id="getPlace")
    async def get_place(self, slug: Slug) -> schemas.Place:
        return to_schema(await services.get_by_slug(slug))
