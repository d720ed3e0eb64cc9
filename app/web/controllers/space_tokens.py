"""The organisation space: an organisation's API tokens (list, create shown once, revoke),
scoped to the person's organisations."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.response import Redirect, Template

from app.accounts import services as accounts
from app.accounts import users
from app.core.dependencies import CurrentClock
from app.core.errors import InvalidInput, NotFound
from app.core.params import Id
from app.web import space_forms as forms
from app.web.form_input import read_form, refuse_marked
from app.web.pages import not_found_page, page
from app.web.session import SIGNED_IN_DEPENDENCIES, SIGNED_IN_HANDLERS, SignedInMember
from app.web.space_pages import (
    Done,
    OrganisationParam,
    done,
    organisation_for,
    tokens_page,
)

Req = Request[Any, Any, Any]


class SpaceTokenPages(Controller):
    path = "/espace"
    include_in_schema = False
    cache_control = CacheControlHeader(no_store=True)
    dependencies = SIGNED_IN_DEPENDENCIES
    exception_handlers = SIGNED_IN_HANDLERS

    @get("/jetons")
    async def token_list(
        self, member: SignedInMember, organisation: OrganisationParam = None, fait: Done = None
    ) -> Template | Redirect:
        org = await organisation_for(member, organisation)
        if org is None:
            return not_found_page()
        return await tokens_page(org, confirmation=fait)

    @post("/jetons", status_code=200)
    async def create_token(
        self, member: SignedInMember, request: Req, clock: CurrentClock
    ) -> Template | Redirect:
        """The new token, shown this once (the page is never stored: no-store)."""
        form = await read_form(request)
        org = await organisation_for(member, str(form.get("organisation", "")) or "0")
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
        await users.audit("token-create", "api_token", row.id, now, actor=member, detail=name)
        return page("space/token_created.html", organisation=org, token=token, row=row)

    @post("/jetons/{token_id:int}/revoquer", status_code=303)
    async def revoke_token(
        self, member: SignedInMember, request: Req, token_id: Id, clock: CurrentClock
    ) -> Template | Redirect:
        form = await read_form(request)
        org = await organisation_for(member, str(form.get("organisation", "")) or "0")
        if org is None:
            return not_found_page()
        now = clock.now()
        try:
            # Scoped to the organisation: another organisation's token is "not found".
            await accounts.revoke_token(token_id, org.id, now)
        except NotFound:
            return not_found_page()
        await users.audit("token-revoke", "api_token", token_id, now, actor=member)
        return done("/espace/jetons", org.id, "jeton-revoque")
