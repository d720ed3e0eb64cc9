from piccolo.columns import JSONB, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class EmailOutbox(Table):
    """An e-mail the service promised someone: written in the transaction of the change that
    causes it, sent by a worker until the mail server accepts it (or its link expires)."""

    id: Serial = Serial(primary_key=True)
    template = Varchar(length=40)
    recipient = Varchar(length=254)
    # What the template needs; emptied once the mail has gone or been dropped (no live link
    # stays in the table longer than needed).
    context = JSONB()
    created_at = Timestamptz()
    next_attempt_at = Timestamptz()
    attempts = Integer(default=0)
    last_error = Text(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    message_id = Varchar(length=200, null=True, default=None)
    # When the link it carries stops working; null when it carries none that expires.
    expires_at = Timestamptz(null=True, default=None)
    dropped_at = Timestamptz(null=True, default=None)
    drop_reason = Text(null=True, default=None)
