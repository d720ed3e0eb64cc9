from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import msgspec
from msgspec import Meta

from app.core.params import ROME_CODE, SLUG, line
from app.core.vocabulary import Contract, Housing, Massif, Season
from search.contract import MAX_RADIUS_KM

Slugs = Annotated[list[Annotated[str, Meta(pattern=SLUG)]], Meta(max_length=20)]


class Frequency(StrEnum):
    INSTANT = "instant"
    DAILY = "daily"
    WEEKLY = "weekly"


class SavedSearch(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    """The parameters of GET /api/offers/search that an alert keeps."""

    q: Annotated[str, line(0, 200)] = ""
    massif: Annotated[list[Massif], Meta(max_length=7)] = msgspec.field(default_factory=list)
    season: Annotated[list[Season], Meta(max_length=3)] = msgspec.field(default_factory=list)
    trade: Annotated[list[Annotated[str, Meta(pattern=ROME_CODE)]], Meta(max_length=20)] = (
        msgspec.field(default_factory=list)
    )
    contract: Annotated[list[Contract], Meta(max_length=7)] = msgspec.field(default_factory=list)
    housing: Annotated[list[Housing], Meta(max_length=3)] = msgspec.field(default_factory=list)
    departement: Annotated[
        list[Annotated[str, Meta(pattern=r"^(?:[0-9]{2,3}|2[AaBb])$")]], Meta(max_length=20)
    ] = msgspec.field(default_factory=list)
    place: Slugs = msgspec.field(default_factory=list)
    organisation: Slugs = msgspec.field(default_factory=list)
    near: Annotated[str, Meta(pattern=SLUG)] | None = None
    lat: Annotated[float, Meta(ge=-90, le=90)] | None = None
    lon: Annotated[float, Meta(ge=-180, le=180)] | None = None
    radius_km: Annotated[float, Meta(gt=0, le=MAX_RADIUS_KM)] = 20.0
    start_from: date | None = None
    start_to: date | None = None
    pay_min: Annotated[float, Meta(ge=0, le=100_000)] | None = None


class AlertCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    email: Annotated[str, line(3, 254)]
    frequency: Frequency
    search: SavedSearch = msgspec.field(default_factory=SavedSearch)


class AlertUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    frequency: Frequency | msgspec.UnsetType = msgspec.UNSET
    search: SavedSearch | msgspec.UnsetType = msgspec.UNSET


class Alert(msgspec.Struct):
    id: int
    email: str
    frequency: Frequency
    search: SavedSearch
    confirmed: bool
    created_at: datetime
    next_run_at: datetime | None


class Subscribed(msgspec.Struct):
    """Deliberately the same answer whether the address was known or not."""

    status: str
    detail: str


class Unsubscribed(msgspec.Struct):
    deleted: int
