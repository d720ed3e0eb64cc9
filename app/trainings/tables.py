from piccolo.columns import (
    Array,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.organisations.tables import Organisation
from app.places.tables import Place


class Training(Table):
    """A school's course (LHEO "formation" and "action"), leading to a certification."""

    id: Serial = Serial(primary_key=True)

    organisation = ForeignKey(references=Organisation, null=False, index=True)
    title = Varchar(length=200)
    slug = Varchar(length=160, unique=True, index=True)
    description = Text()
    trade_codes = Array(base_column=Varchar(length=5))
    certification_code = Varchar(length=12, null=True, default=None)
    certification_title = Varchar(length=300, null=True, default=None)
    duration_hours = Integer()
    modality = Varchar(length=10)
    price_excl_vat = Numeric(digits=(10, 2), null=True, default=None)
    price_incl_vat = Numeric(digits=(10, 2), null=True, default=None)
    entry_requirements = Text(default="")
    funding = Array(base_column=Varchar(length=16), default=list)
    # The one-time key of the site form that made it: a double submit makes one record.
    creation_key = Varchar(length=64, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class TrainingSession(Table):
    """One dated run of a training (LHEO "session")."""

    id: Serial = Serial(primary_key=True)

    training = ForeignKey(references=Training, null=False, index=True)
    place = ForeignKey(references=Place, null=False, index=True, on_delete=OnDelete.restrict)
    start_date = Date()
    end_date = Date()
    seats_total = Integer()
    seats_taken = Integer(default=0)
    registration_deadline = Date()
    status = Varchar(length=10, default="open", index=True)
    # The one-time key of the site form that made it: a double submit makes one record.
    creation_key = Varchar(length=64, null=True, default=None, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
