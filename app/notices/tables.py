from piccolo.columns import ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.offers.tables import Offer


class OfferNotice(Table):
    """An email to an employer about one offer's expiry; one per (offer, kind, expiry)."""

    id: Serial = Serial(primary_key=True)
    offer = ForeignKey(references=Offer, null=False, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=10)  # reminder | expired
    expires_at = Timestamptz()
    claimed_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
