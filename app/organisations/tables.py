from typing import Any

from piccolo.columns import Boolean, ForeignKey, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.places.tables import Place


class Organisation(Table):
    """An employer or a school (training provider)."""

    id: Serial = Serial(primary_key=True)

    kind = Varchar(length=10, index=True)
    name = Varchar(length=200)
    slug = Varchar(length=120, unique=True, index=True)
    description = Text(default="")
    website = Varchar(length=500, null=True, default=None)
    contact_email = Varchar(length=254)
    phone = Varchar(length=30, null=True, default=None)
    place = ForeignKey(references=Place, null=True, default=None, on_delete=OnDelete.set_null)
    siret = Varchar(length=14, null=True, default=None)
    nda = Varchar(length=11, null=True, default=None)
    verified = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


def is_public(organisation: Any = Organisation) -> Any:
    """The one rule of who is public: an organisation staff have verified. Until then neither
    it nor its offers, trainings or sessions are shown to anyone but staff and its own
    members. A Piccolo condition on the table or on a join to it: `is_public()`,
    `is_public(Offer.organisation._)`, `is_public(TrainingSession.training._.organisation._)`.
    """
    return organisation.verified.eq(True)


# The same rule in raw SQL, on the organisation's alias: `IS_PUBLIC_SQL.format("g")`.
IS_PUBLIC_SQL = "{}.verified"


def row_is_public(organisation: Organisation) -> bool:
    """The same rule, for an organisation already loaded."""
    return bool(organisation.verified)
