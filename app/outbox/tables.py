from piccolo.columns import BigInt, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class OutboxEvent(Table):
    """A change the search sync must apply; written in the transaction of the change."""

    id: Serial = Serial(primary_key=True)

    entity = Varchar(length=20)
    entity_id = BigInt()
    operation = Varchar(length=10)
    created_at = Timestamptz(default=TimestamptzNow())
    processed_at = Timestamptz(null=True, default=None, index=True)
    attempts = Integer(default=0)
    last_error = Text(null=True, default=None)
