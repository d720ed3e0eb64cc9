"""Finding rows by e-mail address: an exact equality that ignores case, nothing else.

Never a LIKE/ILIKE: `_` and `%` are legal in an address and would match other addresses
(`employeu_@…` found `employeur@…`). Tables looked up this way carry an index on
lower(<column>).
"""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw

from app.core.errors import InvalidInput
from app.core.validation import email_problem


def normalised_email(email: str, field: str = "email") -> str:
    """The address as stored: trimmed, its domain in lower case (the local part kept as
    typed). InvalidInput naming `field` when it is not an address."""
    email = email.strip()
    problem = email_problem(email)
    if problem:
        raise InvalidInput.one(field, problem)
    local, _, domain = email.partition("@")
    return f"{local}@{domain.lower()}"


def same_email(column: Column, email: str) -> WhereRaw:
    """`lower(<column>) = lower(<email>)`, the address passed as a query parameter."""
    name = column._meta.get_full_name(with_alias=False)
    return WhereRaw(f"lower({name}) = lower({{}})", email)
