"""/moderation: staff vet organisations, unpublish offers with a reason, read the audit log."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import FromQuery, PathParameter
from litestar.response import Redirect, Template

from app.core.dependencies import AppSettings, CurrentClock
from app.core.errors import DomainError, InvalidInput
from app.moderation import services as moderation
from app.web.form_input import RefusedCharacter, read_form, refuse_marked
from app.web.pages import page, problem_page
from app.web.session import SIGNED_IN_DEPENDENCIES, SIGNED_IN_HANDLERS, Staff

Id = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]


class ModerationPages(Controller):
    path = "/moderation"
    include_in_schema = False
    cache_control = CacheControlHeader(no_store=True)
    dependencies = SIGNED_IN_DEPENDENCIES
    exception_handlers = SIGNED_IN_HANDLERS

    @get("/")
    async def home(
        self, staff: Staff, request: Request[Any, Any, Any], q: FromQuery[str] = ""
    ) -> Template | Redirect:
        return page(
            "moderation/home.html",
            pending=await moderation.pending_organisations(),
            offers=await moderation.live_offers(q[:100]),
            events=await moderation.recent_events(),
            q=q[:100],
            done=request.query_params.get("fait"),
            errors={},
        )

    @post("/organisations/{organisation_id:int}/verifier", status_code=303)
    async def verify(
        self, staff: Staff, organisation_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        try:
            await moderation.verify_organisation(organisation_id, staff, clock.now())
        except DomainError as error:
            return problem_page(error)
        return Redirect("/moderation?fait=verifiee", status_code=303)

    @post("/offres/{offer_id:int}/depublier", status_code=303)
    async def unpublish(
        self,
        staff: Staff,
        request: Request[Any, Any, Any],
        offer_id: Id,
        clock: CurrentClock,
        settings: AppSettings,
    ) -> Template | Redirect:
        form = await read_form(request)
        reason = str(form.get("reason", ""))
        try:
            refuse_marked(request)
            await moderation.unpublish_and_notify(
                offer_id, reason, staff, settings, clock.now(), request.app.state.queue
            )
        except RefusedCharacter as error:  # its detail: each field's French message
            return problem_page(
                error, said=error.detail, back=("/moderation", "Retour à la modération")
            )
        except InvalidInput:
            return page("moderation/refused.html", status_code=400)
        except DomainError as error:
            return problem_page(error)
        return Redirect("/moderation?fait=depubliee", status_code=303)
