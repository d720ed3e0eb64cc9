from piccolo.columns import ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.organisations.tables import Organisation


class ApiToken(Table):
    """A bearer token for an organisation's integrations; only its SHA-256 is stored."""

    id: Serial = Serial(primary_key=True)

    token_hash = Varchar(length=64, unique=True, index=True)
    prefix = Varchar(length=12)
    organisation = ForeignKey(references=Organisation, null=True, default=None, index=True)
    label = Varchar(length=100)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)
