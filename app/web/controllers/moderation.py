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
from app.web.pages import not_found_page, page, problem_page
from app.web.session import current_person, to_sign_in

Id = Annotated[int, PathParameter(ge=1, le=2**31 - 1)]


async def _staff(request: Request[Any, Any, Any]) -> Any:
    person = await current_person(request)
    if person is None:
        return to_sign_in(request)
    if not person.staff:
        return not_found_page()
    return person


class ModerationPages(Controller):
    path = "/moderation"
    include_in_schema = False
    cache_control = CacheControlHeader(no_store=True)

    @get("/")
    async def home(
        self, request: Request[Any, Any, Any], q: FromQuery[str] = ""
    ) -> Template | Redirect:
        staff = await _staff(request)
        if not isinstance(staff, moderation.SignedIn):
            return staff  # type: ignore[no-any-return]
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
        self, request: Request[Any, Any, Any], organisation_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        staff = await _staff(request)
        if not isinstance(staff, moderation.SignedIn):
            return staff  # type: ignore[no-any-return]
        try:
            await moderation.verify_organisation(organisation_id, staff, clock.now())
        except DomainError as error:
            return problem_page(error)
        return Redirect("/moderation?fait=verifiee", status_code=303)

    @post("/offres/{offer_id:int}/depublier", status_code=303)
    async def unpublish(
        self,
        request: Request[Any, Any, Any],
        offer_id: Id,
        clock: CurrentClock,
        settings: AppSettings,
    ) -> Template | Redirect:
        staff = await _staff(request)
        if not isinstance(staff, moderation.SignedIn):
            return staff  # type: ignore[no-any-return]
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
