"""Shared types for request parameters and bodies, bounded so bad input is a 400, never a 500."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.params import PathParameter, QueryParameter
from msgspec import Meta

MAX_ID = 2_147_483_647  # PostgreSQL integer
# PostgreSQL text cannot hold NUL characters: refuse them at the door.
NO_NUL = r"^[^\x00]*$"
ROME_CODE = r"^[A-Za-z][0-9]{4}$"
SLUG = r"^[a-z0-9][a-z0-9-]{0,119}$"

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
