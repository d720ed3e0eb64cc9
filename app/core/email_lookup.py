"""Finding rows by e-mail address: an exact equality that ignores case, nothing else.

Never a LIKE/ILIKE: `_` and `%` are legal in an address and would match other addresses
(`employeu_@…` found `employeur@…`). Tables looked up this way carry an index on
lower(<column>).
"""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.columns.combination import WhereRaw


def same_email(column: Column, email: str) -> WhereRaw:
    """`lower(<column>) = lower(<email>)`, the address passed as a query parameter."""
    name = column._meta.get_full_name(with_alias=False)
    return WhereRaw(f"lower({name}) = lower({{}})", email)
