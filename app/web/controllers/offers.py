"""Offer pages: the public page of an offer, and the renewal link of employers' emails."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import QueryParameter
from litestar.response import Template

from app.core.dependencies import AppSettings, CurrentClock
from app.core.errors import DomainError, NotFound
from app.core.params import Slug
from app.notices import services as notices
from app.offers import services as offers
from app.web.csrf import SIGNED_LINK, public_form
from app.web.jsonld import job_posting, script_json
from app.web.pages import page, problem_page

Token = Annotated[str, QueryParameter(min_length=10, max_length=2000)]


class OfferLinkPages(Controller):
    path = "/offres"
    include_in_schema = False

    @get("/prolonger")
    async def renew_page(self, token: Token) -> Template:
        return page("offers/renew.html", token=token)

    @post("/prolonger", status_code=200, opt=public_form(SIGNED_LINK))
    async def renew(self, token: Token, settings: AppSettings, clock: CurrentClock) -> Template:
        try:
            offer = await notices.renew_by_link(token, settings, clock.now())
        except DomainError as error:
            return problem_page(error)
        return page("offers/renewed.html", offer=offer)


class OfferPages(Controller):
    path = "/offres"
    include_in_schema = False

    @get("/{slug:str}", cache_control=CacheControlHeader(public=True, max_age=300))
    async def offer(self, slug: Slug, settings: AppSettings, clock: CurrentClock) -> Template:
        """A live offer with its JobPosting; a past one says so (noindex) instead of vanishing."""
        now = clock.now()
        try:
            row = await offers.get_public_by_slug(slug)
        except NotFound as error:
            return problem_page(error)
        others = await offers.other_live_offers(row.organisation.id, row.id, now)
        live = offers.is_live(row, now)
        if live:
            await offers.record_view(row.id, now)
        return page(
            "offers/offer.html",
            offer=row,
            live=live,
            others=others,
            jsonld=script_json(job_posting(row, settings.site.base_url)) if live else None,
            base_url=settings.site.base_url,
        )
