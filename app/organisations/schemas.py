from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from app.core.params import SLUG, line, text
from app.core.vocabulary import Massif, OrganisationKind

Name = Annotated[str, line(2, 200)]
Description = Annotated[str, text(0, 20000)]
Email = Annotated[str, line(0, 254)]
Url = Annotated[str, line(0, 500)]
Phone = Annotated[str, line(0, 30)]
Siret = Annotated[str, line(0, 14)]
Nda = Annotated[str, line(0, 11)]
Slug = Annotated[str, Meta(pattern=SLUG)]


class PlaceRef(msgspec.Struct):
    slug: str
    name: str
    massif: Massif
    departement_code: str


class OrganisationRef(msgspec.Struct):
    id: int
    slug: str
    name: str


class Organisation(msgspec.Struct):
    id: int
    kind: OrganisationKind
    name: str
    slug: str
    description: str
    website: str | None
    contact_email: str
    phone: str | None
    place: PlaceRef | None
    siret: str | None
    nda: str | None
    verified: bool
    created_at: datetime
    updated_at: datetime


class OrganisationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: OrganisationKind
    name: Name
    contact_email: Email
    description: Description = ""
    website: Url | None = None
    phone: Phone | None = None
    place: Slug | None = None
    siret: Siret | None = None
    nda: Nda | None = None
    verified: bool = False


class OrganisationUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name | UnsetType = UNSET
    contact_email: Email | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    website: Url | UnsetType | None = UNSET
    phone: Phone | UnsetType | None = UNSET
    place: Slug | UnsetType | None = UNSET
    siret: Siret | UnsetType | None = UNSET
    nda: Nda | UnsetType | None = UNSET
    verified: bool | UnsetType = UNSET


class TokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    label: Annotated[str, line(1, 100)]


class TokenCreated(msgspec.Struct):
    id: int
    label: str
    token: str
    created_at: datetime


class Token(msgspec.Struct):
    id: int
    label: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
