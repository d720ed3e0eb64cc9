"""Shared types for request parameters and bodies, bounded so bad input is a 400, never a 500."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

from app.core.validation import ONE_LINE
from search.contract import MAX_RADIUS_KM

MAX_ID = 2_147_483_647  # PostgreSQL integer
# PostgreSQL text cannot hold NUL characters: refuse them at the door.
NO_NUL = r"^[^\x00]*$"
ROME_CODE = r"^[A-Za-z][0-9]{4}$"
SLUG = r"^[a-z0-9][a-z0-9-]{0,119}$"
DEPARTEMENT = r"^(?:[0-9]{2,3}|2[AaBb])$"
MONTH = r"^20[0-9]{2}-(?:0[1-9]|1[0-2])$"

IdValue = Annotated[int, Meta(ge=1, le=MAX_ID)]
Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
Slug = Annotated[str, PathParameter(pattern=SLUG)]
RomeCode = Annotated[str, PathParameter(pattern=ROME_CODE)]
IdFilter = Annotated[list[IdValue] | None, QueryParameter(description="Ids; repeat for any of")]
RomeFilter = Annotated[
    list[Annotated[str, Meta(pattern=ROME_CODE)]] | None,
    QueryParameter(description="ROME codes, e.g. G1204; repeat for any of"),
]


def text(min_length: int = 0, max_length: int = 200, **extra: Any) -> Any:
    """A string body field of bounded length, without NUL characters."""
    return Meta(min_length=min_length, max_length=max_length, pattern=NO_NUL, **extra)


def line(min_length: int = 0, max_length: int = 200, **extra: Any) -> Any:
    """A single-line string body field (a title, a name, an address): text() that refuses any
    line break (LF, CR, VT, FF, NEL, U+2028, U+2029) with a 400 naming the field."""
    return Meta(min_length=min_length, max_length=max_length, pattern=ONE_LINE, **extra)


# --- search parameters, shared by the offer and session searches ---

OfferSort = Annotated[
    Literal["relevance", "recent", "start", "pay", "distance"] | None,
    QueryParameter(description="Order: relevance (with q), recent, start, pay, distance"),
]
SearchText = Annotated[str, QueryParameter(max_length=200, pattern=NO_NUL, description="Words")]
Slugs = Annotated[list[Annotated[str, Meta(pattern=SLUG)]] | None, QueryParameter()]
Departements = Annotated[
    list[Annotated[str, Meta(pattern=DEPARTEMENT)]] | None,
    QueryParameter(description="Département codes: 73, 2A …"),
]
NearSlug = Annotated[str | None, QueryParameter(pattern=SLUG, description="A place's slug")]
Latitude = Annotated[float | None, QueryParameter(ge=-90, le=90)]
Longitude = Annotated[float | None, QueryParameter(ge=-180, le=180)]
Radius = Annotated[
    float, QueryParameter(gt=0, le=MAX_RADIUS_KM, description="Kilometres around near")
]
PayMin = Annotated[
    float | None, QueryParameter(ge=0, le=100_000, description="Gross € a month, at least")
]
PageNumber = Annotated[int, QueryParameter(ge=1, le=1000)]
PageSize = Annotated[int, QueryParameter(ge=1, le=50)]


SessionSort = Annotated[
    Literal["relevance", "start", "deadline", "price", "distance"] | None,
    QueryParameter(description="Order: relevance (with q), start, deadline, price, distance"),
]
Months = Annotated[
    list[Annotated[str, Meta(pattern=MONTH)]] | None,
    QueryParameter(description="Months the session starts in: 2027-01 …"),
]
TypeAheadFacet = Literal["trade", "place"]
