"""`Staff` is its own type: a StaffMember exists only for a member of staff."""

from __future__ import annotations

import asyncio

import pytest

from app.accounts.users import SignedIn
from app.web.session import StaffMember, StaffOnly, provide_staff

PERSON = SignedIn(
    user_id=7, email="a@example.org", name="Alice", staff=False, organisation_ids=(3,)
)


def test_a_person_who_is_not_staff_is_never_a_staff_member() -> None:
    with pytest.raises(StaffOnly):
        asyncio.run(provide_staff(PERSON))
    with pytest.raises(StaffOnly):
        StaffMember(
            user_id=7, email="a@example.org", name="Alice", staff=False, organisation_ids=()
        )


def test_a_member_of_staff_keeps_every_field() -> None:
    staff = SignedIn(
        user_id=7, email="a@example.org", name="Alice", staff=True, organisation_ids=(3,)
    )
    made = asyncio.run(provide_staff(staff))
    assert type(made) is StaffMember
    assert (made.user_id, made.email, made.name, made.staff, made.organisation_ids) == (
        7,
        "a@example.org",
        "Alice",
        True,
        (3,),
    )
