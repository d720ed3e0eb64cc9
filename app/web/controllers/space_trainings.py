"""The organisation space: a school's trainings and their sessions (create, edit, seats,
cancel, close registrations), scoped to the person's schools like the offers
(app/web/controllers/space_offers.py)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.response import Redirect, Template

from app.core.creation import new_key, valid_key
from app.core.dependencies import CurrentClock
from app.core.errors import Conflict, InvalidInput
from app.core.params import Id
from app.organisations import services as organisations
from app.trainings import services as trainings
from app.web import space_forms as forms
from app.web.form_input import read_form, refuse_marked
from app.web.pages import not_found_page, page, problem_page
from app.web.session import SIGNED_IN_DEPENDENCIES, SIGNED_IN_HANDLERS, SignedInMember
from app.web.space_pages import (
    Done,
    OrganisationParam,
    change_session,
    done,
    in_french,
    organisation_for,
    principal,
    school_for,
    session_of,
    training_form,
    training_of,
    trainings_page,
)

Req = Request[Any, Any, Any]


class SpaceTrainingPages(Controller):
    path = "/espace"
    include_in_schema = False
    cache_control = CacheControlHeader(no_store=True)
    dependencies = SIGNED_IN_DEPENDENCIES
    exception_handlers = SIGNED_IN_HANDLERS

    @get("/formations")
    async def training_list(
        self,
        member: SignedInMember,
        clock: CurrentClock,
        organisation: OrganisationParam = None,
        fait: Done = None,
    ) -> Template | Redirect:
        org = await organisation_for(member, organisation)
        if org is None:
            return not_found_page()
        return await trainings_page(org, clock, confirmation=fait)

    @get("/formations/nouvelle")
    async def new_training_form(
        self, member: SignedInMember, organisation: OrganisationParam = None
    ) -> Template | Redirect:
        org = await school_for(member, organisation)
        if org is None:
            return not_found_page()
        return await training_form(org, forms.blank_training(), {})

    @post("/formations/nouvelle", status_code=303)
    async def create_training(
        self,
        member: SignedInMember,
        request: Req,
        clock: CurrentClock,
        organisation: OrganisationParam = None,
    ) -> Template | Redirect:
        form = await read_form(request)
        # The school is named by the form (or the address); never a default one.
        org = await school_for(member, str(form.get("organisation", "") or organisation or "0"))
        if org is None:
            return not_found_page()
        shown = forms.read_training(form)
        key = valid_key(str(form.get("creation_key", "")))
        try:
            refuse_marked(request)
            data = forms.training_create(shown, org.id)
            await trainings.create_training(
                data, principal(member, org.id), clock.now(), creation_key=key
            )
        except InvalidInput as error:
            errors = forms.errors_of(error)
            return await training_form(org, shown, errors, status_code=400, creation_key=key)
        except Conflict as error:
            return problem_page(error)
        return done("/espace/formations", org.id, "formation-creee")

    @get("/formations/{training_id:int}/modifier")
    async def edit_training_form(
        self, member: SignedInMember, training_id: Id
    ) -> Template | Redirect:
        training = await training_of(member, training_id)
        if training is None:
            return not_found_page()
        shown = forms.training_shown(training)
        return await training_form(training.organisation, shown, {}, training=training)

    @post("/formations/{training_id:int}/modifier", status_code=303)
    async def update_training(
        self, member: SignedInMember, request: Req, training_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        training = await training_of(member, training_id)
        if training is None:
            return not_found_page()
        shown = forms.read_training(await read_form(request))
        organisation_id = training.organisation.id
        try:
            refuse_marked(request)
            data = forms.training_update(shown)
            await trainings.update_training(
                training_id, data, principal(member, organisation_id), clock.now()
            )
        except InvalidInput as error:
            errors = forms.errors_of(error)
            return await training_form(
                training.organisation, shown, errors, training=training, status_code=400
            )
        return done("/espace/formations", organisation_id, "formation-modifiee")

    @get("/formations/{training_id:int}/sessions/nouvelle")
    async def new_session_form(
        self, member: SignedInMember, training_id: Id
    ) -> Template | Redirect:
        training = await training_of(member, training_id)
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
        self, member: SignedInMember, request: Req, training_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        training = await training_of(member, training_id)
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
                data, principal(member, organisation_id), clock, creation_key=key
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
        self, member: SignedInMember, request: Req, session_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        session = await session_of(member, session_id)
        if session is None:
            return not_found_page()
        organisation_id = session.training.organisation.id
        typed = str((await read_form(request)).get("seats_taken", "")).strip()
        try:
            refuse_marked(request)
            data = forms.seats_update(typed)
            await trainings.update_session(
                session_id, data, principal(member, organisation_id), clock
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
        self, member: SignedInMember, session_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        return await change_session(
            member,
            session_id,
            "session-annulee",
            lambda caller: trainings.cancel_session(session_id, caller, clock),
        )

    @post("/sessions/{session_id:int}/clore", status_code=303)
    async def close_registrations(
        self, member: SignedInMember, session_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        return await change_session(
            member,
            session_id,
            "inscriptions-closes",
            lambda caller: trainings.close_registrations(session_id, caller, clock),
        )
