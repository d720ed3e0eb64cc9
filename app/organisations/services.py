"""Organisations: employers and schools; their slugs, contact details and checks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from app.core.auth import Principal
from app.core.creation import insert_with_slug
from app.core.errors import Forbidden, NotFound
from app.core.pagination import Page, PageRequest
from app.core.text import slugify
from app.core.validation import (
    Checker,
    email_problem,
    nda_problem,
    phone_problem,
    siret_problem,
    url_problem,
)
from app.core.vocabulary import Massif, OrganisationKind
from app.organisations import schemas
from app.organisations.tables import Organisation, is_public, row_is_public
from app.outbox.services import Entity, Operation, record
from app.places import services as places
from app.places.tables import Place


def place_ref(place: Place | None) -> schemas.PlaceRef | None:
    if place is None or place.id is None:
        return None
    return schemas.PlaceRef(
        slug=place.slug,
        name=place.name,
        massif=Massif(place.massif),
        departement_code=place.departement_code,
    )


def to_schema(row: Organisation) -> schemas.Organisation:
    return schemas.Organisation(
        id=row.id,
        kind=OrganisationKind(row.kind),
        name=row.name,
        slug=row.slug,
        description=row.description,
        website=row.website,
        contact_email=row.contact_email,
        phone=row.phone,
        place=place_ref(row.place),
        siret=row.siret,
        nda=row.nda,
        verified=row.verified,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _check(values: dict[str, Any], kind: OrganisationKind) -> None:
    checker = Checker()
    checker.check("contact_email", email_problem(values["contact_email"]))
    if values.get("website"):
        checker.check("website", url_problem(values["website"]))
    if values.get("phone"):
        checker.check("phone", phone_problem(values["phone"]))
    if values.get("siret"):
        checker.check("siret", siret_problem(values["siret"]))
    if values.get("nda"):
        checker.require(kind == OrganisationKind.SCHOOL, "nda", "only schools have an NDA")
        checker.check("nda", nda_problem(values["nda"]))
    checker.require(bool(values["name"].strip()), "name", "expected a non-blank name")
    checker.raise_if_any()


async def create(data: schemas.OrganisationCreate, now: datetime) -> Organisation:
    values = msgspec.structs.asdict(data)
    _check(values, data.kind)
    place = await places.resolve_slug(data.place, "place") if data.place else None
    row = Organisation(
        kind=data.kind.value,
        name=data.name.strip(),
        description=data.description,
        website=data.website,
        contact_email=data.contact_email,
        phone=data.phone,
        place=place.id if place else None,
        siret=data.siret,
        nda=data.nda,
        verified=data.verified,
        created_at=now,
        updated_at=now,
    )

    async def insert(slug: str) -> int:
        row.slug = slug
        await row.save()
        return int(row.id)

    # Two of the same name at once: the second's insert breaks the unique slug and is tried
    # again with a suffix (in a savepoint when the caller, e.g. sign-up, holds a transaction).
    base = slugify(data.name, 100)
    return await get(await insert_with_slug(insert, base, "organisation_slug_key"))


async def update(
    organisation_id: int, data: schemas.OrganisationUpdate, principal: Principal, now: datetime
) -> Organisation:
    row = await get(organisation_id)
    changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    if "verified" in changes and not principal.admin:
        raise Forbidden("Only staff may change the verified flag")
    current = {
        "name": row.name,
        "contact_email": row.contact_email,
        "website": row.website,
        "phone": row.phone,
        "siret": row.siret,
        "nda": row.nda,
    }
    _check({**current, **changes}, OrganisationKind(row.kind))
    if "place" in changes:
        slug = changes.pop("place")
        row.place = (await places.resolve_slug(slug, "place")).id if slug else None
    for key, value in changes.items():
        setattr(row, key, value.strip() if key == "name" else value)
    row.updated_at = now
    async with Organisation._meta.db.transaction():
        # Offers and sessions show the organisation's name: the search sync refreshes them.
        await record(Entity.ORGANISATION, row.id, Operation.UPSERT, now)
        await row.save()
    return await get(organisation_id)


async def get(organisation_id: int) -> Organisation:
    row = (
        await Organisation.objects(Organisation.place)
        .where(Organisation.id == organisation_id)
        .first()
    )
    if row is None:
        raise NotFound(f"No organisation {organisation_id}")
    return row


async def get_visible(organisation_id: int, principal: Principal | None) -> Organisation:
    """One organisation, if the caller may see it: a public one to anyone, one pending
    verification to the admin token and its own tokens only (NotFound for anyone else)."""
    row = await get(organisation_id)
    if row_is_public(row) or (principal is not None and principal.may_act_for(row.id)):
        return row
    raise NotFound(f"No organisation {organisation_id}")


async def get_by_slug(slug: str) -> Organisation:
    row = await Organisation.objects(Organisation.place).where(Organisation.slug == slug).first()
    if row is None:
        raise NotFound(f"No organisation with slug {slug!r}")
    return row


async def list_page(
    page: PageRequest,
    kind: OrganisationKind | None = None,
    massif: list[Massif] | None = None,
    verified: bool | None = None,
    principal: Principal | None = None,
) -> Page[schemas.Organisation]:
    """Organisations by name; those pending verification are listed to the admin token only:
    to anyone else they do not exist, so `verified=False` finds none."""
    staff = principal is not None and principal.admin
    where = [] if staff else [is_public()]
    if kind is not None:
        where.append(Organisation.kind == kind.value)
    if massif:
        where.append(Organisation.place._.massif.is_in([m.value for m in massif]))
    if verified is not None:
        where.append(Organisation.verified.eq(verified))
    query = Organisation.objects(Organisation.place)
    count = Organisation.count()
    for condition in where:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.order_by(Organisation.name).limit(page.page_size).offset(page.offset)
    return Page.of([to_schema(r) for r in rows], int(await count), page)


async def get_public(slug: str, kind: OrganisationKind) -> Organisation:
    """The organisation behind a public page: an employer's on /employeurs/, a school's on
    /ecoles/ (the other kind is not found there)."""
    row = (
        await Organisation.objects(Organisation.place)
        .where(
            (Organisation.slug == slug)
            & (Organisation.kind == kind.value)
            & is_public()  # a pending sign-up has no public page
        )
        .first()
    )
    if row is None:
        raise NotFound(f"No {kind.value} with slug {slug!r}")
    return row
