"""Organisation pages: /employeurs/{slug} and /ecoles/{slug}."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromPath
from litestar.response import Template

from app.core.clock import today
from app.core.dependencies import AppSettings, CurrentClock
from app.core.errors import NotFound
from app.core.vocabulary import OrganisationKind
from app.offers import services as offers
from app.organisations import services as organisations
from app.organisations.tables import Organisation
from app.trainings import services as trainings
from app.web.controllers.trainings import seats_left
from app.web.pages import PUBLIC_CACHE, not_found_page, page
from app.web.query import SLUG_PATTERN

PATHS = {OrganisationKind.EMPLOYER: "employeurs", OrganisationKind.SCHOOL: "ecoles"}


async def _organisation(slug: str, kind: OrganisationKind) -> Organisation | None:
    if not SLUG_PATTERN.match(slug):
        return None
    try:
        return await organisations.get_public(slug, kind)
    except NotFound:
        return None


def _context(row: Organisation, base_url: str) -> dict[str, Any]:
    website = (
        row.website if row.website and row.website.startswith(("http://", "https://")) else None
    )
    kind = OrganisationKind(row.kind)
    return {
        "organisation": row,
        "website": website,
        "canonical": f"{base_url}/{PATHS[kind]}/{row.slug}",
    }


class OrganisationPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/employeurs/{slug:str}", name="employer-page", cache_control=PUBLIC_CACHE)
    async def employer(
        self, slug: FromPath[str], settings: AppSettings, clock: CurrentClock
    ) -> Template:
        """An employer and its live offers."""
        row = await _organisation(slug, OrganisationKind.EMPLOYER)
        if row is None:
            return not_found_page()
        return page(
            "organisations/employer.html",
            offers=await offers.live_of_organisation(row.id, clock.now()),
            **_context(row, settings.site.base_url),
        )

    @get("/ecoles/{slug:str}", name="school-page", cache_control=PUBLIC_CACHE)
    async def school(
        self, slug: FromPath[str], settings: AppSettings, clock: CurrentClock
    ) -> Template:
        """A school and its trainings, each with its upcoming sessions."""
        row = await _organisation(slug, OrganisationKind.SCHOOL)
        if row is None:
            return not_found_page()
        day = today(clock)
        catalogue = [
            (training, [(s, trainings.shown_status(s, day)) for s in sessions])
            for training, sessions in await trainings.school_catalogue(row.id, day)
        ]
        return page(
            "organisations/school.html",
            catalogue=catalogue,
            seats_left=seats_left,
            **_context(row, settings.site.base_url),
        )
