"""Accounts on the site: sign-up with an email check, sign-in, sign-out, password reset,
invitations, and the entrance of the organisation space (/espace)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.params import FromQuery, QueryParameter
from litestar.response import Redirect, Template

from app.accounts import flows, users
from app.core.dependencies import AppSettings, CurrentClock
from app.core.errors import Conflict, DomainError, InvalidInput, NotFound
from app.core.ratelimit import (
    RESET_PER_CLIENT,
    RESET_PER_EMAIL,
    SIGN_IN_PER_CLIENT,
    SIGN_IN_PER_EMAIL,
    SIGN_UP_PER_CLIENT,
    RateLimited,
    client_of,
    hit,
)
from app.organisations.schemas import OrganisationCreate
from app.places import services as places
from app.web.form_input import RefusedCharacter, read_form, refuse_marked
from app.web.pages import not_found_page, page, problem_page
from app.web.session import (
    SIGNED_IN_DEPENDENCIES,
    SIGNED_IN_HANDLERS,
    SignedInMember,
    end_session,
    renew_session,
    safe_next,
    start_session,
)

NO_STORE = CacheControlHeader(no_store=True)
LinkToken = Annotated[str, QueryParameter(min_length=10, max_length=2000)]


async def _limit(
    request: Request[Any, Any, Any],
    settings: AppSettings,
    clock: CurrentClock,
    *checks: tuple[Any, str],
) -> None:
    for limit, who in checks:
        await hit(request.app.state.queue, settings.redis.key_prefix, limit, who, clock.now())


def _errors(error: InvalidInput) -> dict[str, str]:
    return {e.field.split(".")[-1]: e.message for e in error.errors} or {"form": error.detail}


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await read_form(request)
    return {key: str(form.get(key, "")) for key in form}


class AccountPages(Controller):
    path = "/"
    include_in_schema = False
    cache_control = NO_STORE
    dependencies = SIGNED_IN_DEPENDENCIES
    exception_handlers = SIGNED_IN_HANDLERS

    # --- sign-up ---------------------------------------------------------------------------

    @get("/inscription")
    async def sign_up_form(self) -> Template:
        return page("account/sign_up.html", values={"kind": "employer"}, errors={})

    @post("/inscription", status_code=200)
    async def sign_up(
        self, request: Request[Any, Any, Any], settings: AppSettings, clock: CurrentClock
    ) -> Template:
        values = await _form(request)
        shown = {k: v for k, v in values.items() if k != "password"}
        try:
            await _limit(request, settings, clock, (SIGN_UP_PER_CLIENT, client_of(request)))
            refuse_marked(request)
            email = await flows.sign_up_and_send_check(
                values.get("email", ""),
                values.get("password", ""),
                values.get("name", ""),
                await _organisation(values),
                settings,
                clock.now(),
                request.app.state.queue,
            )
        except InvalidInput as error:
            return page(
                "account/sign_up.html", status_code=400, values=shown, errors=_errors(error)
            )
        except RateLimited as error:
            return problem_page(error)
        return page("account/check_inbox.html", email=email)

    @get("/inscription/confirmer")
    async def verify(
        self, token: LinkToken, settings: AppSettings, clock: CurrentClock
    ) -> Template:
        try:
            await users.verify_email(token, settings.site.secret_key, clock.now())
        except DomainError as error:
            return problem_page(error)
        return page("account/verified.html")

    # --- sign-in and sign-out -----------------------------------------------------------------

    @get("/connexion")
    async def sign_in_form(self, suivant: FromQuery[str | None] = None) -> Template:
        return page("account/sign_in.html", email="", error=None, next=safe_next(suivant))

    @post("/connexion", status_code=200)
    async def sign_in(
        self, request: Request[Any, Any, Any], settings: AppSettings, clock: CurrentClock
    ) -> Template | Redirect:
        values = await _form(request)
        email = values.get("email", "").strip()
        next_path = safe_next(values.get("next"))
        try:
            await _limit(
                request,
                settings,
                clock,
                (SIGN_IN_PER_CLIENT, client_of(request)),
                (SIGN_IN_PER_EMAIL, email),
            )
            refuse_marked(request)
            user = await users.authenticate(email, values.get("password", ""), clock.now())
        except RateLimited as error:
            return problem_page(error)
        except InvalidInput as error:  # a refused character, whatever the account
            return page(
                "account/sign_in.html",
                status_code=400,
                email=email,
                error=error.detail,
                next=next_path,
            )
        except users.SignInRefused as error:
            return page(
                "account/sign_in.html",
                status_code=401,
                email=email,
                error=error.detail,
                next=next_path,
            )
        start_session(request, user)
        return Redirect(next_path, status_code=303)

    @post("/deconnexion", status_code=303)
    async def sign_out(self, request: Request[Any, Any, Any]) -> Redirect:
        end_session(request)
        return Redirect("/", status_code=303)

    # --- password reset -----------------------------------------------------------------------

    @get("/mot-de-passe-oublie")
    async def forgot_form(self) -> Template:
        return page("account/forgot.html", sent=False, email="", errors={})

    @post("/mot-de-passe-oublie", status_code=200)
    async def forgot(
        self, request: Request[Any, Any, Any], settings: AppSettings, clock: CurrentClock
    ) -> Template:
        """The same answer and the same work whether the address has an account or not: one
        e-mail recorded either way (a link, or "no account at this address")."""
        email = (await _form(request)).get("email", "").strip()
        try:
            await _limit(
                request,
                settings,
                clock,
                (RESET_PER_CLIENT, client_of(request)),
                (RESET_PER_EMAIL, email),
            )
            refuse_marked(request)
            await flows.ask_for_reset(email, settings, clock.now(), request.app.state.queue)
        except RateLimited as error:
            return problem_page(error)
        except InvalidInput as error:
            shown = {"email": email, "errors": _errors(error)}
            return page("account/forgot.html", status_code=400, sent=False, **shown)
        return page("account/forgot.html", sent=True, email=email)

    @get("/mot-de-passe/nouveau")
    async def new_password_form(
        self, token: LinkToken, settings: AppSettings, clock: CurrentClock
    ) -> Template:
        """A used or expired link says so now, not after both passwords are typed."""
        try:
            await users.reset_link_user(token, settings.site.secret_key, clock.now())
        except DomainError as error:
            return problem_page(error)
        return page("account/new_password.html", token=token, errors={})

    @post("/mot-de-passe/nouveau", status_code=200)
    async def new_password(
        self,
        request: Request[Any, Any, Any],
        token: LinkToken,
        settings: AppSettings,
        clock: CurrentClock,
    ) -> Template | Redirect:
        values = await _form(request)
        if values.get("password") != values.get("confirmation"):
            errors = {"confirmation": "the two passwords differ"}
            return page("account/new_password.html", status_code=400, token=token, errors=errors)
        try:
            refuse_marked(request)
            await users.reset_password(
                token, values.get("password", ""), settings.site.secret_key, clock.now()
            )
        except InvalidInput as error:
            return page(
                "account/new_password.html", status_code=400, token=token, errors=_errors(error)
            )
        except DomainError as error:
            return problem_page(error)
        end_session(request)  # whoever was signed in here signs in again, under a new id
        return Redirect("/connexion?reinitialise=1", status_code=303)

    # --- invitations ----------------------------------------------------------------------------

    @get("/invitation")
    async def invitation_form(self, token: LinkToken, clock: CurrentClock) -> Template:
        try:
            invitation = await users.invitation_of(token, clock.now())
        except DomainError as error:
            return problem_page(error)
        newcomer = await users.by_email(invitation.email) is None
        return page(
            "account/invitation.html",
            invitation=invitation,
            token=token,
            newcomer=newcomer,
            errors={},
        )

    @post("/invitation", status_code=200)
    async def accept(
        self, request: Request[Any, Any, Any], token: LinkToken, clock: CurrentClock
    ) -> Template | Redirect:
        values = await _form(request)
        try:
            invitation = await users.invitation_of(token, clock.now())
            newcomer = await users.by_email(invitation.email) is None
            refuse_marked(request)
            await users.accept_invitation(
                token,
                values.get("password") if newcomer else None,
                values.get("name", ""),
                clock.now(),
            )
        except InvalidInput as error:
            return page(
                "account/invitation.html",
                status_code=400,
                invitation=invitation,
                token=token,
                newcomer=newcomer,
                errors=_errors(error),
            )
        except DomainError as error:
            return problem_page(error)
        renew_session(request)  # rights changed: a signed-in browser gets a new session id
        return Redirect("/connexion?bienvenue=1", status_code=303)

    # --- the space --------------------------------------------------------------------------------

    @get("/espace")
    async def space(self, member: SignedInMember, request: Request[Any, Any, Any]) -> Template:
        organisations = await users.organisations_of(member)
        members = {o.id: await users.members(o.id) for o in organisations}
        return page(
            "account/space.html",
            person=member,
            organisations=organisations,
            members=members,
            invited=request.query_params.get("invite"),
        )

    @post("/espace/equipe", status_code=200)
    async def invite(
        self,
        member: SignedInMember,
        request: Request[Any, Any, Any],
        settings: AppSettings,
        clock: CurrentClock,
    ) -> Template | Redirect:
        values = await _form(request)
        try:
            refuse_marked(request)
            invitation = await flows.invite(
                int(values.get("organisation", "0")),
                values.get("email", ""),
                member,
                settings,
                clock.now(),
                request.app.state.queue,
            )
        except (ValueError, NotFound):  # not a number, or not an organisation of theirs
            return not_found_page()
        except DomainError as error:
            return problem_page(
                error, said=_invitation_in_french(error), back=("/espace", "Retour à mon espace")
            )
        return Redirect(f"/espace?invite={invitation.email}", status_code=303)


def _invitation_in_french(error: DomainError) -> str | None:
    """A refused invitation said in French (the API keeps the English detail)."""
    if isinstance(error, RefusedCharacter):
        return error.detail  # each field's French message
    if isinstance(error, Conflict):
        return "Cette personne fait déjà partie de l'organisation."
    if isinstance(error, InvalidInput):
        return "Cette adresse e-mail n'est pas valide : vérifiez-la et renvoyez l'invitation."
    return None


async def _organisation(values: dict[str, str]) -> OrganisationCreate:
    """The organisation part of the sign-up form, checked like the API checks it."""
    place = None
    typed = values.get("place", "").strip()
    if typed:
        found = await places.find(typed, limit=1)
        if not found:
            raise InvalidInput.one("place", f"no resort or village named {typed!r}")
        place = found[0].slug
    try:
        return msgspec.convert(
            {
                "kind": values.get("kind", ""),
                "name": values.get("organisation", "").strip(),
                # The address the organisation chose to publish, never the login one as such.
                "contact_email": values.get("contact_email", "").strip(),
                "place": place,
            },
            OrganisationCreate,
        )
    except msgspec.ValidationError as exc:
        message = str(exc)
        field = (
            "contact_email"
            if "contact_email" in message
            else ("organisation" if "name" in message else "kind")
        )
        raise InvalidInput.one(field, str(exc)) from exc
