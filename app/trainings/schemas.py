from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from app.core.params import ROME_CODE, SLUG, IdValue, line, text
from app.core.vocabulary import Funding, Modality, SessionStatus
from app.offers.schemas import FacetCount, HitOrganisation, HitPlace
from app.organisations.schemas import OrganisationRef, PlaceRef

Title = Annotated[str, line(3, 200)]
Description = Annotated[str, text(20, 20000)]
RomeCodes = Annotated[list[Annotated[str, Meta(pattern=ROME_CODE)]], Meta(max_length=10)]
Certification = Annotated[str, Meta(pattern=r"^(RNCP|RS)[0-9]{3,6}$")]
CertificationTitle = Annotated[str, line(0, 300)]
Hours = Annotated[int, Meta(ge=1, le=10000)]
Price = Annotated[float, Meta(ge=0, le=1_000_000)]
Requirements = Annotated[str, text(0, 5000)]
FundingList = Annotated[list[Funding], Meta(max_length=6)]
Slug = Annotated[str, Meta(pattern=SLUG)]
Seats = Annotated[int, Meta(ge=1, le=10000)]
SeatsTaken = Annotated[int, Meta(ge=0, le=10000)]


class Training(msgspec.Struct):
    id: int
    slug: str
    title: str
    description: str
    organisation: OrganisationRef
    trade_codes: list[str]
    certification_code: str | None
    certification_title: str | None
    duration_hours: int
    modality: Modality
    price_excl_vat: float | None
    price_incl_vat: float | None
    entry_requirements: str
    funding: list[Funding]
    created_at: datetime
    updated_at: datetime


class TrainingCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Title
    description: Description
    trade_codes: RomeCodes
    duration_hours: Hours
    modality: Modality
    organisation_id: IdValue | None = None
    certification_code: Certification | None = None
    certification_title: CertificationTitle | None = None
    price_excl_vat: Price | None = None
    price_incl_vat: Price | None = None
    entry_requirements: Requirements = ""
    funding: FundingList = msgspec.field(default_factory=list)


class TrainingUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Title | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    trade_codes: RomeCodes | UnsetType = UNSET
    duration_hours: Hours | UnsetType = UNSET
    modality: Modality | UnsetType = UNSET
    certification_code: Certification | UnsetType | None = UNSET
    certification_title: CertificationTitle | UnsetType | None = UNSET
    price_excl_vat: Price | UnsetType | None = UNSET
    price_incl_vat: Price | UnsetType | None = UNSET
    entry_requirements: Requirements | UnsetType = UNSET
    funding: FundingList | UnsetType = UNSET


class TrainingRef(msgspec.Struct):
    id: int
    slug: str
    title: str
    organisation: OrganisationRef


class Session(msgspec.Struct):
    id: int
    training: TrainingRef
    place: PlaceRef
    start_date: date
    end_date: date
    seats_total: int
    seats_taken: int
    seats_left: int
    registration_deadline: date
    status: SessionStatus
    created_at: datetime
    updated_at: datetime


class SessionCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    training_id: IdValue
    place: Slug
    start_date: date
    end_date: date
    seats_total: Seats
    registration_deadline: date
    seats_taken: SeatsTaken = 0


class SessionUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    place: Slug | UnsetType = UNSET
    start_date: date | UnsetType = UNSET
    end_date: date | UnsetType = UNSET
    seats_total: Seats | UnsetType = UNSET
    seats_taken: SeatsTaken | UnsetType = UNSET
    registration_deadline: date | UnsetType = UNSET


class SessionHitTraining(msgspec.Struct):
    id: int
    slug: str
    title: str


class SessionHit(msgspec.Struct):
    id: int
    training: SessionHitTraining
    organisation: HitOrganisation
    place: HitPlace
    trade_codes: list[str]
    modality: Modality
    start_date: date
    end_date: date
    registration_deadline: date
    seats_left: int
    status: SessionStatus
    price_incl_vat: float | None
    highlight: dict[str, str]
    distance_km: float | None = None


class SessionFacets(msgspec.Struct):
    massif: list[FacetCount]
    trade: list[FacetCount]
    modality: list[FacetCount]
    month: list[FacetCount]
    status: list[FacetCount]


class SessionSearchResult(msgspec.Struct):
    hits: list[SessionHit]
    total: int
    page: int
    page_size: int
    pages: int
    facets: SessionFacets
