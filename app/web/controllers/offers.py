"""Offer pages for employers' email links: renew an offer in one click."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import QueryParameter
from litestar.response import Template

from app.core.dependencies import AppSettings, CurrentClock
from app.core.errors import DomainError
from app.notices import services as notices
from app.web.pages import page, problem_page

Token = Annotated[str, QueryParameter(min_length=10, max_length=2000)]


class OfferLinkPages(Controller):
    path = "/offres"
    include_in_schema = False

    @get("/prolonger")
    async def renew_page(self, token: Token) -> Template:
        return page("offers/renew.html", token=token)

    @post("/prolonger", status_code=200)
    async def renew(self, token: Token, settings: AppSettings, clock: CurrentClock) -> Template:
        try:
            offer = await notices.renew_by_link(token, settings, clock.now())
        except DomainError as error:
            return problem_page(error)
        return page("offers/renewed.html", offer=offer)
