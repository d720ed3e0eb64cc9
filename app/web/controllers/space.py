"""The organisation space behind sign-in: an employer's offers, a school's trainings and
sessions, and the organisation's API tokens.

A person sees and changes only what belongs to their organisations (staff: every one);
anything else answers "not found", as if it did not exist, and is left as it was. Every
change goes through the services the API uses, with the same validation.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.accounts import services as accounts
from app.accounts import users
from app.core.clock import today
from app.core.creation import new_key, valid_key
from app.core.dependencies import AppSettings, CurrentClock
from app.core.errors import Conflict, InvalidInput, NotFound
from app.core.pagination import PageRequest
from app.core.params import Id
from app.offers import services as offers
from app.organisations import services as organisations
from app.trainings import services as trainings
from app.web import space_forms as forms
from app.web.form_input import read_form, refuse_marked
from app.web.pages import not_found_page, page, problem_page
from app.web.session import current_person, to_sign_in
from app.web.space_pages import (
    DONE,
    change_offer,
    change_session,
    done,
    in_french,
    offer_form,
    offer_of,
    organisation_for,
    principal,
    school_for,
    session_of,
    tokens_page,
    training_form,
    training_of,
    trainings_page,
)

Req = Request[Any, Any, Any]
OrganisationParam = FromQuery[str | None]
Done = FromQuery[str | None]
PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=10_000)]
OFFERS_PER_PAGE = 50


class SpacePages(Controller):
    path = "/espace"
    include_in_schema = False
    cache_control = CacheControlHeader(no_store=True)

    # --- an employer's offers ----------------------------------------------------------------

    @get("/offres")
    async def offer_list(
        self,
        request: Req,
        clock: CurrentClock,
        organisation: OrganisationParam = None,
        fait: Done = None,
        page_number: PageNumber = 1,
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        org = await organisation_for(person, organisation)
        if org is None:
            return not_found_page()
        listed = await offers.list_page(
            PageRequest(page=page_number, page_size=OFFERS_PER_PAGE),
            offers.OfferFilters(organisation=[org.id]),
            principal(person, org.id),
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
        self, request: Req, organisation: OrganisationParam = None
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        org = await organisation_for(person, organisation)
        if org is None:
            return not_found_page()
        return await offer_form(org, forms.blank_offer(org.contact_email), {})

    @post("/offres/nouvelle", status_code=303)
    async def create_offer(self, request: Req, clock: CurrentClock) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        form = await read_form(request)
        org = await organisation_for(person, str(form.get("organisation", "")) or "0")
        if org is None:
            return not_found_page()
        shown = forms.read_offer(form)
        # A double submit carries the same one-time key: one draft, both land on the list.
        key = valid_key(str(form.get("creation_key", "")))
        try:
            refuse_marked(request)
            data = await forms.offer_create(shown, org.id)
            await offers.create(data, principal(person, org.id), clock.now(), creation_key=key)
        except InvalidInput as error:
            errors = forms.errors_of(error)
            return await offer_form(org, shown, errors, status_code=400, creation_key=key)
        except Conflict as error:
            return problem_page(error)
        return done("/espace/offres", org.id, "creee")

    @get("/offres/{offer_id:int}/modifier")
    async def edit_offer_form(self, request: Req, offer_id: Id) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        row = await offer_of(person, offer_id)
        if row is None:
            return not_found_page()
        org = await organisations.get(row.organisation.id)
        return await offer_form(org, forms.offer_shown(row), {}, offer=row)

    @post("/offres/{offer_id:int}/modifier", status_code=303)
    async def edit_offer(
        self, request: Req, offer_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        row = await offer_of(person, offer_id)
        if row is None:
            return not_found_page()
        shown = forms.read_offer(await read_form(request))
        try:
            refuse_marked(request)
            data = await forms.offer_update(shown)
            await offers.update(offer_id, data, principal(person, row.organisation.id), clock.now())
        except InvalidInput as error:
            org = await organisations.get(row.organisation.id)
            errors = forms.errors_of(error)
            return await offer_form(org, shown, errors, offer=row, status_code=400)
        return done("/espace/offres", row.organisation.id, "modifiee")

    @post("/offres/{offer_id:int}/publier", status_code=303)
    async def publish_offer(
        self, request: Req, offer_id: Id, clock: CurrentClock, settings: AppSettings
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        days = settings.site.offer_lifetime_days
        return await change_offer(
            person,
            offer_id,
            "publiee",
            lambda caller: offers.publish(offer_id, None, caller, clock.now(), days),
        )

    @post("/offres/{offer_id:int}/prolonger", status_code=303)
    async def renew_offer(
        self, request: Req, offer_id: Id, clock: CurrentClock, settings: AppSettings
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        days = settings.site.offer_lifetime_days
        return await change_offer(
            person,
            offer_id,
            "prolongee",
            lambda caller: offers.renew(offer_id, None, caller, clock.now(), days),
        )

    @post("/offres/{offer_id:int}/pourvue", status_code=303)
    async def fill_offer(
        self, request: Req, offer_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        return await change_offer(
            person,
            offer_id,
            "pourvue",
            lambda caller: offers.mark_filled(offer_id, caller, clock.now()),
        )

    @post("/offres/{offer_id:int}/archiver", status_code=303)
    async def archive_offer(
        self, request: Req, offer_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        return await change_offer(
            person,
            offer_id,
            "archivee",
            lambda caller: offers.archive(offer_id, caller, clock.now()),
        )

    @post("/offres/{offer_id:int}/dupliquer", status_code=303)
    async def duplicate_offer(
        self, request: Req, offer_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        """A new draft copying the offer: last season's offer for the new season."""
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        return await change_offer(
            person,
            offer_id,
            "dupliquee",
            lambda caller: offers.duplicate(offer_id, caller, today(clock), clock.now()),
        )

    # --- a school's trainings and sessions -----------------------------------------------------

    @get("/formations")
    async def training_list(
        self,
        request: Req,
        clock: CurrentClock,
        organisation: OrganisationParam = None,
        fait: Done = None,
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        org = await organisation_for(person, organisation)
        if org is None:
            return not_found_page()
        return await trainings_page(org, clock, confirmation=fait)

    @get("/formations/nouvelle")
    async def new_training_form(
        self, request: Req, organisation: OrganisationParam = None
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        org = await school_for(person, organisation)
        if org is None:
            return not_found_page()
        return await training_form(org, forms.blank_training(), {})

    @post("/formations/nouvelle", status_code=303)
    async def create_training(
        self, request: Req, clock: CurrentClock, organisation: OrganisationParam = None
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        form = await read_form(request)
        # The school is named by the form (or the address); never a default one.
        org = await school_for(person, str(form.get("organisation", "") or organisation or "0"))
        if org is None:
            return not_found_page()
        shown = forms.read_training(form)
        key = valid_key(str(form.get("creation_key", "")))
        try:
            refuse_marked(request)
            data = forms.training_create(shown, org.id)
            await trainings.create_training(
                data, principal(person, org.id), clock.now(), creation_key=key
            )
        except InvalidInput as error:
            errors = forms.errors_of(error)
            return await training_form(org, shown, errors, status_code=400, creation_key=key)
        except Conflict as error:
            return problem_page(error)
        return done("/espace/formations", org.id, "formation-creee")

    @get("/formations/{training_id:int}/modifier")
    async def edit_training_form(self, request: Req, training_id: Id) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        training = await training_of(person, training_id)
        if training is None:
            return not_found_page()
        shown = forms.training_shown(training)
        return await training_form(training.organisation, shown, {}, training=training)

    @post("/formations/{training_id:int}/modifier", status_code=303)
    async def update_training(
        self, request: Req, training_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        training = await training_of(person, training_id)
        if training is None:
            return not_found_page()
        shown = forms.read_training(await read_form(request))
        organisation_id = training.organisation.id
        try:
            refuse_marked(request)
            data = forms.training_update(shown)
            await trainings.update_training(
                training_id, data, principal(person, organisation_id), clock.now()
            )
        except InvalidInput as error:
            errors = forms.errors_of(error)
            return await training_form(
                training.organisation, shown, errors, training=training, status_code=400
            )
        return done("/espace/formations", organisation_id, "formation-modifiee")

    @get("/formations/{training_id:int}/sessions/nouvelle")
    async def new_session_form(self, request: Req, training_id: Id) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        training = await training_of(person, training_id)
        if training is None:
            return not_found_page()
        return page(
            "space/session_form.html",
            training=training,
            values=forms.blank_session(),
            errors={},
            creation_key=new_key(),
        )

    @post("/formations/{training_id:int}/sessions/nouvelle", status_code=303)
    async def create_session(
        self, request: Req, training_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        training = await training_of(person, training_id)
        if training is None:
            return not_found_page()
        form = await read_form(request)
        shown = forms.read_session(form)
        organisation_id = training.organisation.id
        key = valid_key(str(form.get("creation_key", "")))
        try:
            refuse_marked(request)
            data = await forms.session_create(shown, training_id)
            await trainings.create_session(
                data, principal(person, organisation_id), clock, creation_key=key
            )
        except InvalidInput as error:
            return page(
                "space/session_form.html",
                status_code=400,
                training=training,
                values=shown,
                errors=forms.errors_of(error),
                creation_key=key or new_key(),
            )
        except Conflict as error:
            return problem_page(error)
        return done("/espace/formations", organisation_id, "session-creee")

    @post("/sessions/{session_id:int}/inscrits", status_code=303)
    async def change_seats(
        self, request: Req, session_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        session = await session_of(person, session_id)
        if session is None:
            return not_found_page()
        organisation_id = session.training.organisation.id
        typed = str((await read_form(request)).get("seats_taken", "")).strip()
        try:
            refuse_marked(request)
            data = forms.seats_update(typed)
            await trainings.update_session(
                session_id, data, principal(person, organisation_id), clock
            )
        except InvalidInput as error:
            org = await organisations.get(organisation_id)
            return await trainings_page(
                org,
                clock,
                errors={session_id: forms.errors_of(error)},
                typed={session_id: typed},
                status_code=400,
            )
        except Conflict as error:  # cancelled or archived meanwhile
            back = (f"/espace/formations?organisation={organisation_id}", "Retour à mes formations")
            return problem_page(error, said=in_french(error, "inscrits"), back=back)
        return done("/espace/formations", organisation_id, "inscrits")

    @post("/sessions/{session_id:int}/annuler", status_code=303)
    async def cancel_session(
        self, request: Req, session_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        return await change_session(
            person,
            session_id,
            "session-annulee",
            lambda caller: trainings.cancel_session(session_id, caller, clock),
        )

    @post("/sessions/{session_id:int}/clore", status_code=303)
    async def close_registrations(
        self, request: Req, session_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        return await change_session(
            person,
            session_id,
            "inscriptions-closes",
            lambda caller: trainings.close_registrations(session_id, caller, clock),
        )

    # --- API tokens ----------------------------------------------------------------------------

    @get("/jetons")
    async def token_list(
        self, request: Req, organisation: OrganisationParam = None, fait: Done = None
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        org = await organisation_for(person, organisation)
        if org is None:
            return not_found_page()
        return await tokens_page(org, confirmation=fait)

    @post("/jetons", status_code=200)
    async def create_token(self, request: Req, clock: CurrentClock) -> Template | Redirect:
        """The new token, shown this once (the page is never stored: no-store)."""
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        form = await read_form(request)
        org = await organisation_for(person, str(form.get("organisation", "")) or "0")
        if org is None:
            return not_found_page()
        typed = str(form.get("label", ""))
        try:
            refuse_marked(request)
            name = forms.token_label(typed)
        except InvalidInput as error:
            return await tokens_page(
                org, errors=forms.errors_of(error), values={"label": typed}, status_code=400
            )
        now = clock.now()
        token, row = await accounts.create_token(org.id, name, now)
        await users.audit("token-create", "api_token", row.id, now, actor=person, detail=name)
        return page("space/token_created.html", organisation=org, token=token, row=row)

    @post("/jetons/{token_id:int}/revoquer", status_code=303)
    async def revoke_token(
        self, request: Req, token_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        person = await current_person(request)
        if person is None:
            return to_sign_in(request)
        form = await read_form(request)
        org = await organisation_for(person, str(form.get("organisation", "")) or "0")
        if org is None:
            return not_found_page()
        now = clock.now()
        try:
            # Scoped to the organisation: another organisation's token is "not found".
            await accounts.revoke_token(token_id, org.id, now)
        except NotFound:
            return not_found_page()
        await users.audit("token-revoke", "api_token", token_id, now, actor=person)
        return done("/espace/jetons", org.id, "jeton-revoque")
