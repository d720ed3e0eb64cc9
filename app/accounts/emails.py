"""The e-mails of accounts, one small function each: its context, recorded in the e-mail
outbox. Call inside the transaction of the change that causes it."""

from __future__ import annotations

from datetime import datetime

from app.accounts import users
from app.accounts.tables import Invitation, User
from app.config import Settings
from app.emails import services as emails


async def account_exists(email: str, settings: Settings, now: datetime) -> None:
    """To the owner of an address someone tried to sign up with again."""
    base = settings.site.base_url
    context = {"sign_in_url": f"{base}/connexion", "reset_url": f"{base}/mot-de-passe-oublie"}
    await emails.queue("account_exists", email, context, now)


async def account_verify(user: User, organisation: str, settings: Settings, now: datetime) -> None:
    """The address check of a new account."""
    token = users.verify_token(user, settings.site.secret_key, now)
    context = {
        "name": user.name,
        "organisation": organisation,
        "url": f"{settings.site.base_url}/inscription/confirmer?token={token}",
    }
    expires_at = now + users.VERIFY_LIFETIME
    await emails.queue("account_verify", user.email, context, now, expires_at=expires_at)


async def password_reset(user: User, settings: Settings, now: datetime) -> None:
    token = users.reset_token(user, settings.site.secret_key, now)
    context = {"url": f"{settings.site.base_url}/mot-de-passe/nouveau?token={token}"}
    expires_at = now + users.RESET_LIFETIME
    await emails.queue("password_reset", user.email, context, now, expires_at=expires_at)


async def password_reset_unknown(email: str, settings: Settings, now: datetime) -> None:
    """To an address someone asked a reset for that has no account: recorded as a reset is,
    so that no branch of the form does less work than another (RESET_PER_EMAIL keeps it
    from being used to flood an inbox)."""
    base = settings.site.base_url
    context = {"sign_in_url": f"{base}/connexion", "sign_up_url": f"{base}/inscription"}
    await emails.queue("password_reset_unknown", email, context, now)


async def invitation(
    invitation: Invitation,
    token: str,
    inviter: str,
    organisation: str,
    settings: Settings,
    now: datetime,
) -> None:
    context = {
        "inviter": inviter,
        "organisation": organisation,
        "url": f"{settings.site.base_url}/invitation?token={token}",
    }
    await emails.queue(
        "invitation", invitation.email, context, now, expires_at=invitation.expires_at
    )
