"""The organisation space: an employer's offers (list, create, edit, and each change of
state). Only the offers of the person's organisations (staff: every one); any other is
"not found", as if it did not exist, and is left as it was. Every change goes through the
service the API uses, with the same validation.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from app.core.clock import today
from app.core.creation import valid_key
from app.core.dependencies import AppSettings, CurrentClock
from app.core.errors import Conflict, InvalidInput
from app.core.pagination import PageRequest
from app.core.params import Id
from app.offers import services as offers
from app.organisations import services as organisations
from app.web import space_forms as forms
from app.web.form_input import read_form, refuse_marked
from app.web.pages import not_found_page, page, problem_page
from app.web.session import SIGNED_IN_DEPENDENCIES, SIGNED_IN_HANDLERS, SignedInMember
from app.web.space_pages import (
    DONE,
    Done,
    OrganisationParam,
    change_offer,
    done,
    offer_form,
    offer_of,
    organisation_for,
    principal,
)

Req = Request[Any, Any, Any]
PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=10_000)]
OFFERS_PER_PAGE = 50


class SpaceOfferPages(Controller):
    path = "/espace"
    include_in_schema = False
    cache_control = CacheControlHeader(no_store=True)
    dependencies = SIGNED_IN_DEPENDENCIES
    exception_handlers = SIGNED_IN_HANDLERS

    @get("/offres")
    async def offer_list(
        self,
        member: SignedInMember,
        clock: CurrentClock,
        organisation: OrganisationParam = None,
        fait: Done = None,
        page_number: PageNumber = 1,
    ) -> Template | Redirect:
        org = await organisation_for(member, organisation)
        if org is None:
            return not_found_page()
        listed = await offers.list_page(
            PageRequest(page=page_number, page_size=OFFERS_PER_PAGE),
            offers.OfferFilters(organisation=[org.id]),
            principal(member, org.id),
            clock.now(),
        )
        return page(
            "space/offers.html",
            organisation=org,
            offers=listed,
            sends=await offers.alert_email_counts([o.id for o in listed.items]),
            views=await offers.view_counts([o.id for o in listed.items]),
            done=DONE.get(fait or ""),
        )

    @get("/offres/nouvelle")
    async def new_offer_form(
        self, member: SignedInMember, organisation: OrganisationParam = None
    ) -> Template | Redirect:
        org = await organisation_for(member, organisation)
        if org is None:
            return not_found_page()
        return await offer_form(org, forms.blank_offer(org.contact_email), {})

    @post("/offres/nouvelle", status_code=303)
    async def create_offer(
        self, member: SignedInMember, request: Req, clock: CurrentClock
    ) -> Template | Redirect:
        form = await read_form(request)
        org = await organisation_for(member, str(form.get("organisation", "")) or "0")
        if org is None:
            return not_found_page()
        shown = forms.read_offer(form)
        # A double submit carries the same one-time key: one draft, both land on the list.
        key = valid_key(str(form.get("creation_key", "")))
        try:
            refuse_marked(request)
            data = await forms.offer_create(shown, org.id)
            await offers.create(data, principal(member, org.id), clock.now(), creation_key=key)
        except InvalidInput as error:
            errors = forms.errors_of(error)
            return await offer_form(org, shown, errors, status_code=400, creation_key=key)
        except Conflict as error:
            return problem_page(error)
        return done("/espace/offres", org.id, "creee")

    @get("/offres/{offer_id:int}/modifier")
    async def edit_offer_form(self, member: SignedInMember, offer_id: Id) -> Template | Redirect:
        row = await offer_of(member, offer_id)
        if row is None:
            return not_found_page()
        org = await organisations.get(row.organisation.id)
        return await offer_form(org, forms.offer_shown(row), {}, offer=row)

    @post("/offres/{offer_id:int}/modifier", status_code=303)
    async def edit_offer(
        self, member: SignedInMember, request: Req, offer_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        row = await offer_of(member, offer_id)
        if row is None:
            return not_found_page()
        shown = forms.read_offer(await read_form(request))
        try:
            refuse_marked(request)
            data = await forms.offer_update(shown)
            await offers.update(offer_id, data, principal(member, row.organisation.id), clock.now())
        except InvalidInput as error:
            org = await organisations.get(row.organisation.id)
            errors = forms.errors_of(error)
            return await offer_form(org, shown, errors, offer=row, status_code=400)
        return done("/espace/offres", row.organisation.id, "modifiee")

    @post("/offres/{offer_id:int}/publier", status_code=303)
    async def publish_offer(
        self, member: SignedInMember, offer_id: Id, clock: CurrentClock, settings: AppSettings
    ) -> Template | Redirect:
        days = settings.site.offer_lifetime_days
        return await change_offer(
            member,
            offer_id,
            "publiee",
            lambda caller: offers.publish(offer_id, None, caller, clock.now(), days),
        )

    @post("/offres/{offer_id:int}/prolonger", status_code=303)
    async def renew_offer(
        self, member: SignedInMember, offer_id: Id, clock: CurrentClock, settings: AppSettings
    ) -> Template | Redirect:
        days = settings.site.offer_lifetime_days
        return await change_offer(
            member,
            offer_id,
            "prolongee",
            lambda caller: offers.renew(offer_id, None, caller, clock.now(), days),
        )

    @post("/offres/{offer_id:int}/pourvue", status_code=303)
    async def fill_offer(
        self, member: SignedInMember, offer_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        return await change_offer(
            member,
            offer_id,
            "pourvue",
            lambda caller: offers.mark_filled(offer_id, caller, clock.now()),
        )

    @post("/offres/{offer_id:int}/archiver", status_code=303)
    async def archive_offer(
        self, member: SignedInMember, offer_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        return await change_offer(
            member,
            offer_id,
            "archivee",
            lambda caller: offers.archive(offer_id, caller, clock.now()),
        )

    @post("/offres/{offer_id:int}/dupliquer", status_code=303)
    async def duplicate_offer(
        self, member: SignedInMember, offer_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        """A new draft copying the offer: last season's offer for the new season."""
        return await change_offer(
            member,
            offer_id,
            "dupliquee",
            lambda caller: offers.duplicate(offer_id, caller, today(clock), clock.now()),
        )
