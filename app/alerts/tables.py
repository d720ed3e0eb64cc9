from piccolo.columns import (
    JSONB,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.offers.tables import Offer


class Alert(Table):
    """A saved search, an email address and a frequency; double opt-in."""

    id: Serial = Serial(primary_key=True)
    email = Varchar(length=254, index=True)
    search = JSONB()
    frequency = Varchar(length=10)
    # Random per alert and part of every signed link: deleting the alert voids its links.
    key = Varchar(length=32)
    confirmed_at = Timestamptz(null=True, default=None)
    confirmations_sent = Integer(default=0)
    confirmation_sent_at = Timestamptz(null=True, default=None)
    last_run_at = Timestamptz(null=True, default=None)
    next_run_at = Timestamptz(null=True, default=None, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class AlertSend(Table):
    """The send log: each (alert, offer) pair is emailed at most once, ever."""

    id: Serial = Serial(primary_key=True)
    alert = ForeignKey(references=Alert, null=False, on_delete=OnDelete.cascade, index=True)
    offer = ForeignKey(references=Offer, null=False, on_delete=OnDelete.cascade)
    claimed_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    message_id = Varchar(length=200, null=True, default=None)
