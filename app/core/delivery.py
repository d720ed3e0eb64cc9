"""What services that send email need to know of delivery, without knowing how mail is sent."""


class Undeliverable(Exception):
    """The mail server refused the message for good: retrying will not help."""
