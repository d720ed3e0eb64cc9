from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from app.core.clock import AwareDateTime
from app.core.params import ROME_CODE, SLUG, IdValue, line, text
from app.core.vocabulary import (
    Contract,
    Experience,
    Housing,
    Language,
    Massif,
    OfferStatus,
    PayPeriod,
    Season,
)
from app.organisations.schemas import OrganisationRef, PlaceRef

Title = Annotated[str, line(3, 200)]
Description = Annotated[str, text(20, 20000)]
RomeCode = Annotated[str, Meta(pattern=ROME_CODE)]
Slug = Annotated[str, Meta(pattern=SLUG)]
Seasons = Annotated[list[Season], Meta(min_length=1, max_length=3)]
Hours = Annotated[float, Meta(gt=0, le=60)]
Pay = Annotated[float, Meta(ge=0, le=1_000_000)]
Positions = Annotated[int, Meta(ge=1, le=500)]
Languages = Annotated[list[Language], Meta(max_length=9)]
Email = Annotated[str, line(0, 254)]
Url = Annotated[str, line(0, 500)]


class TradeRef(msgspec.Struct):
    code: str
    label: str


class Offer(msgspec.Struct):
    id: int
    slug: str
    title: str
    description: str
    organisation: OrganisationRef
    trade: TradeRef
    place: PlaceRef
    seasons: list[Season]
    contract: Contract
    start_date: date
    end_date: date | None
    hours_per_week: float | None
    pay_min: float | None
    pay_max: float | None
    pay_period: PayPeriod | None
    housing: Housing
    meals: bool
    languages: list[Language]
    driving_licence: bool
    experience: Experience
    positions: int
    apply_email: str | None
    apply_url: str | None
    status: OfferStatus
    published_at: datetime | None
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


class OfferCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Title
    description: Description
    trade: RomeCode
    place: Slug
    seasons: Seasons
    contract: Contract
    start_date: date
    organisation_id: IdValue | None = None
    end_date: date | None = None
    hours_per_week: Hours | None = None
    pay_min: Pay | None = None
    pay_max: Pay | None = None
    pay_period: PayPeriod | None = None
    housing: Housing = Housing.NONE
    meals: bool = False
    languages: Languages = msgspec.field(default_factory=list)
    driving_licence: bool = False
    experience: Experience = Experience.NONE
    positions: Positions = 1
    apply_email: Email | None = None
    apply_url: Url | None = None


class OfferUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Title | UnsetType = UNSET
    description: Description | UnsetType = UNSET
    trade: RomeCode | UnsetType = UNSET
    place: Slug | UnsetType = UNSET
    seasons: Seasons | UnsetType = UNSET
    contract: Contract | UnsetType = UNSET
    start_date: date | UnsetType = UNSET
    end_date: date | UnsetType | None = UNSET
    hours_per_week: Hours | UnsetType | None = UNSET
    pay_min: Pay | UnsetType | None = UNSET
    pay_max: Pay | UnsetType | None = UNSET
    pay_period: PayPeriod | UnsetType | None = UNSET
    housing: Housing | UnsetType = UNSET
    meals: bool | UnsetType = UNSET
    languages: Languages | UnsetType = UNSET
    driving_licence: bool | UnsetType = UNSET
    experience: Experience | UnsetType = UNSET
    positions: Positions | UnsetType = UNSET
    apply_email: Email | UnsetType | None = UNSET
    apply_url: Url | UnsetType | None = UNSET


class Publication(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Publish or renew: the new expiry (default: the configured offer lifetime from now)."""

    expires_at: AwareDateTime | None = None


class FacetCount(msgspec.Struct):
    value: str
    label: str
    count: int


class HitOrganisation(msgspec.Struct):
    slug: str
    name: str


class HitPlace(msgspec.Struct):
    slug: str
    name: str
    massif: Massif
    departement: str


class OfferHit(msgspec.Struct):
    id: int
    slug: str
    title: str
    organisation: HitOrganisation
    trade: TradeRef
    place: HitPlace
    seasons: list[Season]
    contract: Contract
    start_date: date
    end_date: date | None
    pay_min: float | None
    pay_max: float | None
    pay_period: PayPeriod | None
    housing: Housing
    published_at: datetime
    highlight: dict[str, str]
    distance_km: float | None = None


class OfferFacets(msgspec.Struct):
    massif: list[FacetCount]
    season: list[FacetCount]
    trade: list[FacetCount]
    contract: list[FacetCount]
    housing: list[FacetCount]


class OfferSearchResult(msgspec.Struct):
    hits: list[OfferHit]
    total: int
    page: int
    page_size: int
    pages: int
    facets: OfferFacets


class FacetValue(msgspec.Struct):
    value: str
    label: str
    count: int
