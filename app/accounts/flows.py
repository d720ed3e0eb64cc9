"""The account changes that promise an e-mail: the change and its e-mail commit together
(or not at all), and a worker is asked to send it once committed (app.emails.transaction).
The site's "check your inbox" is then always true.

`jobs` is the arq pool the request holds (None when Redis is down: the sweep sends it)."""

from __future__ import annotations

from datetime import datetime

from arq.connections import ArqRedis

from app.accounts import emails as account_emails
from app.accounts import users
from app.accounts.tables import Invitation
from app.config import Settings
from app.core.email_lookup import normalised_email
from app.emails import services as emails
from app.organisations import services as organisations
from app.organisations.schemas import OrganisationCreate


async def sign_up_and_send_check(
    email: str,
    password: str,
    name: str,
    organisation: OrganisationCreate,
    settings: Settings,
    now: datetime,
    jobs: ArqRedis | None,
) -> str:
    """Sign up (users.sign_up) and record the address check; when the address has an account,
    record an "account exists" e-mail to its owner instead, and answer the same. Returns the
    normalised address. InvalidInput naming the field (email, password)."""
    async with emails.transaction(jobs):
        user = await users.sign_up(email, password, name, organisation, now)
        address = normalised_email(email)
        if user is None:
            await account_emails.account_exists(address, settings, now)
        else:
            await account_emails.account_verify(user, organisation.name, settings, now)
    return address


async def ask_for_reset(
    email: str, settings: Settings, now: datetime, jobs: ArqRedis | None
) -> None:
    """Record a reset link, or to an address without an account a "no account here" notice:
    one e-mail either way, the same work. InvalidInput when `email` is not an address."""
    address = normalised_email(email)
    async with emails.transaction(jobs):
        user = await users.by_email(address)
        if user is None:
            await account_emails.password_reset_unknown(address, settings, now)
        else:
            await account_emails.password_reset(user, settings, now)


async def invite(
    organisation_id: int,
    email: str,
    by: users.SignedIn,
    settings: Settings,
    now: datetime,
    jobs: ArqRedis | None,
) -> Invitation:
    """Invite `email` to the organisation (users.invite) and record the invitation e-mail.
    NotFound when `by` may not act for it or it does not exist; Conflict when the address is
    a member's already; InvalidInput for a bad address."""
    async with emails.transaction(jobs):
        invitation, token = await users.invite(organisation_id, email, by, now)
        organisation = await organisations.get(organisation_id)  # staff belong to none
        inviter = by.name or by.email
        await account_emails.invitation(
            invitation, token, inviter, organisation.name, settings, now
        )
    return invitation
