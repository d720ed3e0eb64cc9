from __future__ import annotations

from litestar import Controller, delete, get, patch, post
from litestar.params import FromQuery, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from app.accounts import services as accounts
from app.core.auth import require_admin, require_owner
from app.core.dependencies import Caller, CurrentClock, Paging
from app.core.pagination import Page
from app.core.params import Id
from app.core.vocabulary import Massif, OrganisationKind
from app.organisations import schemas, services

SECURITY: list[dict[str, list[str]]] = [{"BearerToken": []}]


class OrganisationController(Controller):
    path = "/api/organisations"
    tags = ["organisations"]

    @get("/", operation_id="listOrganisations")
    async def list_organisations(
        self,
        pagination: Paging,
        principal: Caller,
        kind: FromQuery[OrganisationKind | None] = None,
        massif: FromQuery[list[Massif] | None] = None,
        verified: FromQuery[bool | None] = None,
    ) -> Page[schemas.Organisation]:
        """Employers and schools, by name. Those pending verification are listed to the admin
        token only (`verified=false` finds none for anyone else)."""
        return await services.list_page(
            pagination, kind=kind, massif=massif, verified=verified, principal=principal
        )

    @get("/{organisation_id:int}", operation_id="getOrganisation")
    async def get_organisation(
        self, organisation_id: Id, principal: Caller
    ) -> schemas.Organisation:
        """One organisation; one pending verification is found by the admin token and its own
        tokens only (404 for anyone else)."""
        return services.to_schema(await services.get_visible(organisation_id, principal))

    @post("/", operation_id="createOrganisation", security=SECURITY)
    async def create_organisation(
        self,
        data: JSONBody[schemas.OrganisationCreate],
        principal: Caller,
        clock: CurrentClock,
    ) -> schemas.Organisation:
        """Register an employer or a school (admin token)."""
        require_admin(principal)
        return services.to_schema(await services.create(data, clock.now()))

    @patch("/{organisation_id:int}", operation_id="updateOrganisation", security=SECURITY)
    async def update_organisation(
        self,
        organisation_id: Id,
        data: JSONBody[schemas.OrganisationUpdate],
        principal: Caller,
        clock: CurrentClock,
    ) -> schemas.Organisation:
        owner = require_owner(principal, organisation_id)
        row = await services.update(organisation_id, data, owner, clock.now())
        return services.to_schema(row)

    @get("/{organisation_id:int}/tokens", operation_id="listTokens", security=SECURITY)
    async def list_tokens(self, organisation_id: Id, principal: Caller) -> list[schemas.Token]:
        require_owner(principal, organisation_id)
        await services.get(organisation_id)
        return [
            schemas.Token(
                id=t.id,
                label=t.label,
                prefix=t.prefix,
                created_at=t.created_at,
                last_used_at=t.last_used_at,
            )
            for t in await accounts.list_tokens(organisation_id)
        ]

    @post("/{organisation_id:int}/tokens", operation_id="createToken", security=SECURITY)
    async def create_token(
        self,
        organisation_id: Id,
        data: JSONBody[schemas.TokenCreate],
        principal: Caller,
        clock: CurrentClock,
    ) -> schemas.TokenCreated:
        """A new API token for the organisation; its value is shown this once only."""
        require_owner(principal, organisation_id)
        await services.get(organisation_id)
        token, row = await accounts.create_token(organisation_id, data.label, clock.now())
        return schemas.TokenCreated(
            id=row.id, label=row.label, token=token, created_at=row.created_at
        )

    @delete(
        "/{organisation_id:int}/tokens/{token_id:int}",
        operation_id="revokeToken",
        security=SECURITY,
        status_code=HTTP_204_NO_CONTENT,
    )
    async def revoke_token(
        self,
        organisation_id: Id,
        token_id: Id,
        principal: Caller,
        clock: CurrentClock,
    ) -> None:
        require_owner(principal, organisation_id)
        await accounts.revoke_token(token_id, organisation_id, clock.now())
