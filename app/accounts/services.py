"""API tokens: created for an organisation, shown once, stored as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from app.accounts.tables import ApiToken
from app.core.auth import Principal
from app.core.errors import NotFound

TOKEN_PREFIX = "em_"
# Writing last_used_at on every request would turn reads into writes; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(
    organisation_id: int | None, label: str, now: datetime
) -> tuple[str, ApiToken]:
    """A new token; the clear text is returned once and never stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        token_hash=hash_token(token),
        prefix=token[:10],
        organisation=organisation_id,
        label=label,
        created_at=now,
    )
    await row.save()
    return token, row


async def revoke_token(token_id: int, organisation_id: int | None, now: datetime) -> None:
    query = ApiToken.update({ApiToken.revoked_at: now}).where(
        (ApiToken.id == token_id) & ApiToken.revoked_at.is_null()
    )
    if organisation_id is not None:
        query = query.where(ApiToken.organisation == organisation_id)
    updated = await query.returning(ApiToken.id)
    if not updated:
        raise NotFound(f"No active token {token_id} for this organisation")


async def list_tokens(organisation_id: int) -> list[ApiToken]:
    return (
        await ApiToken.objects()
        .where((ApiToken.organisation == organisation_id) & ApiToken.revoked_at.is_null())
        .order_by(ApiToken.id)
    )


async def resolve(token: str, admin_token: str, now: datetime) -> Principal | None:
    """The principal behind a bearer token, or None when the token is unknown or revoked."""
    if hmac.compare_digest(token.encode(), admin_token.encode()):
        return Principal(organisation_id=None, admin=True)
    row = (
        await ApiToken.select(ApiToken.id, ApiToken.organisation, ApiToken.last_used_at)
        .where((ApiToken.token_hash == hash_token(token)) & ApiToken.revoked_at.is_null())
        .first()
    )
    if row is None:
        return None
    last_used = row["last_used_at"]
    if last_used is None or now - last_used > LAST_USED_PRECISION:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    if row["organisation"] is None:
        return Principal(organisation_id=None, admin=True, token_id=row["id"])
    return Principal(organisation_id=row["organisation"], token_id=row["id"])


async def tokens_of(organisation_id: int) -> list[ApiToken]:
    """Every token of an organisation, revoked ones included, newest first (its space)."""
    return (
        await ApiToken.objects()
        .where(ApiToken.organisation == organisation_id)
        .order_by(ApiToken.id, ascending=False)
    )
