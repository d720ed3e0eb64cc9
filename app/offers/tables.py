from piccolo.columns import (
    Array,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Real,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.organisations.tables import Organisation
from app.places.tables import Place
from app.trades.tables import Trade


class Offer(Table):
    """A job offer of an employer."""

    id: Serial = Serial(primary_key=True)

    organisation = ForeignKey(references=Organisation, null=False, index=True)
    title = Varchar(length=200)
    slug = Varchar(length=160, unique=True, index=True)
    description = Text()
    trade = ForeignKey(references=Trade, null=False, index=True, on_delete=OnDelete.restrict)
    place = ForeignKey(references=Place, null=False, index=True, on_delete=OnDelete.restrict)
    seasons = Array(base_column=Varchar(length=12))
    contract = Varchar(length=20)
    start_date = Date()
    end_date = Date(null=True, default=None)
    hours_per_week = Real(null=True, default=None)
    pay_min = Numeric(digits=(10, 2), null=True, default=None)
    pay_max = Numeric(digits=(10, 2), null=True, default=None)
    pay_period = Varchar(length=10, null=True, default=None)
    housing = Varchar(length=10, default="none")
    meals = Boolean(default=False)
    languages = Array(base_column=Varchar(length=2), default=list)
    driving_licence = Boolean(default=False)
    experience = Varchar(length=12, default="none")
    positions = Integer(default=1)
    apply_email = Varchar(length=254, null=True, default=None)
    apply_url = Varchar(length=500, null=True, default=None)
    status = Varchar(length=10, default="draft", index=True)
    published_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None, index=True)
    # The one-time key of the site form that made it: a double submit makes one record.
    creation_key = Varchar(length=64, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class OfferView(Table):
    """How many times an offer's public page was served (one row per offer)."""

    id: Serial = Serial(primary_key=True)
    offer = ForeignKey(references=Offer, null=False, on_delete=OnDelete.cascade, unique=True)
    views = Integer(default=0)
    last_viewed_at = Timestamptz(null=True, default=None)
