"""Who is calling: anonymous, an organisation's API token, or the admin token."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import Forbidden, Unauthorized


@dataclass(frozen=True)
class Principal:
    """The caller behind a bearer token."""

    organisation_id: int | None
    admin: bool = False
    token_id: int | None = None

    def may_act_for(self, organisation_id: int) -> bool:
        return self.admin or self.organisation_id == organisation_id


def require_writer(principal: Principal | None) -> Principal:
    if principal is None:
        raise Unauthorized("A bearer API token is required (header: Authorization: Bearer …)")
    return principal


def require_admin(principal: Principal | None) -> Principal:
    principal = require_writer(principal)
    if not principal.admin:
        raise Forbidden("Only the admin token may do this")
    return principal


def require_owner(principal: Principal | None, organisation_id: int) -> Principal:
    principal = require_writer(principal)
    if not principal.may_act_for(organisation_id):
        raise Forbidden("This token belongs to another organisation")
    return principal
