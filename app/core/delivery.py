"""What services that send e-mail need to know of delivery, without knowing how mail is sent:
why a send failed. The mailers' errors (workers.mail) are these, so a service catches them
as they come and no worker translates one into the other."""


class Undeliverable(Exception):
    """The mail server refused the message for good (5xx): retrying will not help."""


class TryLater(Exception):
    """The message could not go now (the server deferred it with a 4xx, or could not be
    reached): it may go if tried again later."""


class MailServerDown(TryLater):
    """No usable connection to the mail server: every message would fail alike, so a run
    stops sending and leaves them all for later."""
