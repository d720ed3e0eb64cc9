"""Who is signed in on the site: a server-side session (Redis) holding the user's id and the
fingerprint of their password, so that changing the password signs every session out."""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.di import NamedDependency, Provide
from litestar.response import Redirect
from litestar.types import ExceptionHandlersMap

from app.accounts import users
from app.accounts.tables import User
from app.web.pages import not_found_page, uncached

# Only these pages use sessions and CSRF tokens; public pages stay cookie-free and cacheable.
ACCOUNT_PREFIXES = (
    "espace",
    "connexion",
    "deconnexion",
    "inscription",
    "mot-de-passe",
    "mot-de-passe-oublie",
    "invitation",
    "moderation",
)
_PREFIXES = "|".join(ACCOUNT_PREFIXES)
ACCOUNT_PAGES = re.compile(rf"^/(?:{_PREFIXES})(?:/|$)")
NOT_ACCOUNT_PAGES = rf"^/(?!(?:{_PREFIXES})(?:/|$))"  # a string: Litestar's `exclude` takes it
# A session lasts 14 days; the CSRF cookie as long, so a form restored after a browser
# restart (a phone reopening its tabs) can still be sent.
SESSION_MAX_AGE = 14 * 24 * 3600


def _session(request: Request[Any, Any, Any]) -> dict[str, Any]:
    data = request.scope.get("session")
    return data if isinstance(data, dict) else {}


async def current_person(request: Request[Any, Any, Any]) -> users.SignedIn | None:
    session = _session(request)
    user_id, print_ = session.get("uid"), session.get("fp")
    if not isinstance(user_id, int) or not isinstance(print_, str):
        return None
    person = await users.signed_in(user_id, print_)
    if person is None:  # the account is gone or its password changed
        request.clear_session()
    return person


def start_session(request: Request[Any, Any, Any], user: User) -> None:
    """Sign in: a new session id (the old record is deleted, see app.web.session_backend)."""
    request.clear_session()
    request.set_session({"uid": user.id, "fp": users.fingerprint(user)})


def renew_session(request: Request[Any, Any, Any]) -> None:
    """The same session under a new id, after a change of rights (e.g. joining an
    organisation); nothing when the browser has no session."""
    data = dict(_session(request))
    request.clear_session()
    if data:
        request.set_session(data)


def end_session(request: Request[Any, Any, Any]) -> None:
    """Sign out: the record is deleted and the cookie expired (Max-Age=0)."""
    request.clear_session()


def to_sign_in(request: Request[Any, Any, Any]) -> Redirect:
    """To the sign-in page, then back here (a page, not a form's POST-only address)."""
    back = request.url.path if request.method == "GET" else "/espace"
    return Redirect(f"/connexion?suivant={quote(back)}", status_code=303)


def safe_next(value: str | None) -> str:
    """Only a path of the account space: never another site (open redirect)."""
    if value and value.startswith("/espace") and "//" not in value and "\\" not in value:
        return value
    return "/espace"


# --- sign-in and staff checks, as dependencies ---------------------------------------------


class SignInRequired(Exception):
    """Raised by the `member` dependency for a signed-out browser: answered by to_sign_in."""


class StaffOnly(Exception):
    """Raised by the `staff` dependency for a person who is not staff: "not found", as if the
    page did not exist."""


async def provide_member(request: Request[Any, Any, Any]) -> users.SignedIn:
    person = await current_person(request)
    if person is None:
        raise SignInRequired
    return person


@dataclasses.dataclass(frozen=True)
class StaffMember(users.SignedIn):
    """A signed-in member of staff: there is no other kind (made by `provide_staff`)."""

    def __post_init__(self) -> None:
        if not self.staff:
            raise StaffOnly


async def provide_staff(member: SignedInMember) -> StaffMember:
    return StaffMember(**{f.name: getattr(member, f.name) for f in dataclasses.fields(member)})


def _sign_in_handler(request: Request[Any, Any, Any], _: SignInRequired) -> Response[Any]:
    return uncached(to_sign_in(request))


def _staff_only_handler(_: Request[Any, Any, Any], __: StaffOnly) -> Response[Any]:
    return not_found_page()


# A handler that takes `member: SignedInMember` (or `staff: Staff`) runs only for a signed-in
# person (a member of staff); other browsers go to the sign-in page (get "not found").
# Litestar injects by parameter name but checks the value against the type: a `Staff`
# parameter holds a StaffMember (checked when made) or the call fails, whatever its name.
SignedInMember = NamedDependency[users.SignedIn]
Staff = NamedDependency[StaffMember]
SIGNED_IN_DEPENDENCIES = {
    "member": Provide(provide_member),
    "staff": Provide(provide_staff),
}
SIGNED_IN_HANDLERS: ExceptionHandlersMap = {
    SignInRequired: _sign_in_handler,
    StaffOnly: _staff_only_handler,
}
