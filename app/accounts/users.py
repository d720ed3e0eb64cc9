"""People who sign in: sign-up with an email check, sign-in with lock-out, password reset,
invitations to an organisation. Passwords are hashed with argon2id.

Nothing here tells whether an address has an account: sign-in says "address or password
incorrect", reset and sign-up answer the same whatever the address.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from piccolo.engine import engine_finder

from app.accounts.tables import AuditEvent, Invitation, Membership, User
from app.core.creation import atomic
from app.core.email_lookup import normalised_email, same_email
from app.core.errors import Conflict, DomainError, FieldError, InvalidInput, NotFound
from app.core.signing import BadLink, BadSignature, sign, unsign
from app.organisations import services as organisations
from app.organisations.schemas import OrganisationCreate
from app.organisations.tables import Organisation

HASHER = PasswordHasher()
# Verified against when the address is unknown, so that both answers take as long.
_DUMMY_PASSWORD = secrets.token_hex(16)
_DUMMY_HASH = HASHER.hash(_DUMMY_PASSWORD)
MIN_PASSWORD = 12
MAX_PASSWORD = 200
LOCK_AFTER = 5
MAX_LOCK = timedelta(hours=1)
VERIFY_LIFETIME = timedelta(days=3)
RESET_LIFETIME = timedelta(hours=1)
INVITATION_LIFETIME = timedelta(days=7)


# One wording for every failing branch, a lock included: the answer tells nothing apart.
SIGN_IN_REFUSED = (
    "email address or password incorrect, or too many attempts: try again in a few minutes"
)


class SignInRefused(DomainError):
    status = 401
    kind = "sign-in-refused"
    title = "Sign-in refused"


@dataclass(frozen=True)
class SignedIn:
    """The person behind a site session."""

    user_id: int
    email: str
    name: str
    staff: bool
    organisation_ids: tuple[int, ...]

    def may_act_for(self, organisation_id: int) -> bool:
        return self.staff or organisation_id in self.organisation_ids


def check_password(password: str, email: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput.one(field, f"at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput.one(field, f"at most {MAX_PASSWORD} characters")
    if password.strip().lower() == email.strip().lower():
        raise InvalidInput.one(field, "must not be the email address")


def fingerprint(user: User) -> str:
    """Changes with the password: signed links and sessions made before a change stop working."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


async def audit(
    action: str,
    target_type: str,
    target_id: int | None,
    now: datetime,
    actor: SignedIn | None = None,
    actor_label: str | None = None,
    detail: str = "",
) -> None:
    await AuditEvent(
        at=now,
        actor=actor.user_id if actor else None,
        actor_label=actor_label or (actor.email if actor else "system"),
        action=action,
        target_type=target_type,
        target_id=target_id,
        detail=detail,
    ).save()


async def by_email(email: str) -> User | None:
    """The user of this exact address, whatever its case (no pattern: `_` and `%` are
    characters like any other); served by the unique index on lower(email)."""
    return await User.objects().where(same_email(User.email, email)).first()


def _same_work(password: str | None) -> None:
    """Hash as a new account would, on branches that make none: no timing tells them apart."""
    HASHER.hash(password or _DUMMY_PASSWORD)


async def create_user(email: str, password: str, name: str, now: datetime) -> User:
    check_password(password, email)
    user = User(
        email=email,
        name=name.strip()[:120],
        password_hash=HASHER.hash(password),
        created_at=now,
        updated_at=now,
    )
    await user.save()
    return user


async def sign_up(
    email: str, password: str, name: str, organisation: OrganisationCreate, now: datetime
) -> User | None:
    """A new user, owner of a new organisation pending verification by staff; None when the
    address is taken (the caller answers the same; the address's owner is told instead)."""
    email = normalised_email(email)
    check_password(password, email)
    if await by_email(email) is not None:
        _same_work(password)  # the new-account branch hashes: so does this one
        return None
    try:
        # A savepoint inside the caller's transaction (the site's e-mail transaction): a
        # unique violation undoes this block only, and the caller goes on to the e-mail.
        async with atomic():
            created = await organisations.create(
                msgspec.structs.replace(organisation, verified=False), now
            )
            user = await create_user(email, password, name, now)
            await Membership(user=user.id, organisation=created.id, role="owner").save()
            await audit("sign-up", "organisation", created.id, now, actor_label=email)
    except asyncpg.UniqueViolationError as exc:
        # A double-clicked sign-up: the other request took the address a moment ago, so
        # this one is the "address taken" branch (nothing of it was kept).
        if exc.constraint_name not in ("app_user_email_key", "app_user_email_lower"):
            raise
        return None
    return user


def verify_token(user: User, secret: str, now: datetime) -> str:
    return sign(secret, "verify-email", {"u": user.id}, now + VERIFY_LIFETIME)


async def verify_email(token: str, secret: str, now: datetime) -> User:
    payload = _unsign(secret, "verify-email", token, now)
    user = await User.objects().where(User.id == payload.get("u")).first()
    if user is None:
        raise BadLink("this account no longer exists")
    verified: Any = user.email_verified_at  # nullable, typed as not null
    if verified is None:
        await User.update({User.email_verified_at: now, User.updated_at: now}).where(
            User.id == user.id
        )
    return user


def _unsign(secret: str, purpose: str, token: str, now: datetime) -> dict[str, Any]:
    try:
        return unsign(secret, purpose, token, now)
    except BadSignature as exc:
        raise BadLink(str(exc)) from exc


def _verify_dummy(password: str) -> None:
    with contextlib.suppress(VerificationError):
        HASHER.verify(_DUMMY_HASH, password)


def _lock_for(failures: int) -> timedelta:
    """1 minute after the 5th failure, then doubling, at most an hour."""
    if failures < LOCK_AFTER:
        return timedelta(0)
    return min(timedelta(minutes=2 ** (failures - LOCK_AFTER)), MAX_LOCK)


async def authenticate(email: str, password: str, now: datetime) -> User:
    """The user, or SignInRefused with one message for every reason before the password
    (unknown or malformed address, wrong password, locked account even with the right one)."""
    refused = SignInRefused(SIGN_IN_REFUSED)
    try:
        email = normalised_email(email)
    except InvalidInput:
        _verify_dummy(password)
        raise refused from None
    user = await by_email(email)
    if user is None:
        _verify_dummy(password)
        raise refused
    locked: Any = user.locked_until
    if locked is not None and locked > now:
        # Verified all the same (and the answer ignored): a lock answers no faster.
        with contextlib.suppress(VerificationError, InvalidHashError):
            HASHER.verify(user.password_hash, password)
        raise refused
    try:
        HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        failures = user.failed_sign_ins + 1
        lock = _lock_for(failures)
        await User.update(
            {User.failed_sign_ins: failures, User.locked_until: now + lock if lock else None}
        ).where(User.id == user.id)
        raise refused from None
    changes: dict[Any, Any] = {
        User.failed_sign_ins: 0,
        User.locked_until: None,
        User.last_sign_in_at: now,
    }
    if HASHER.check_needs_rehash(user.password_hash):
        changes[User.password_hash] = HASHER.hash(password)
    await User.update(changes).where(User.id == user.id)
    verified: Any = user.email_verified_at
    if verified is None:
        raise SignInRefused("confirm your email address first: follow the link we sent you")
    return await User.objects().where(User.id == user.id).first() or user


async def signed_in(user_id: int, print_: str) -> SignedIn | None:
    """The session's person, if the account still exists with the same password."""
    user = await User.objects().where(User.id == user_id).first()
    if user is None or not secrets.compare_digest(fingerprint(user), print_):
        return None
    rows = await Membership.select(Membership.organisation).where(Membership.user == user_id)
    return SignedIn(
        user_id=user.id,
        email=user.email,
        name=user.name,
        staff=user.staff,
        organisation_ids=tuple(r["organisation"] for r in rows),
    )


def reset_token(user: User, secret: str, now: datetime) -> str:
    return sign(
        secret, "password-reset", {"u": user.id, "f": fingerprint(user)}, now + RESET_LIFETIME
    )


async def reset_link_user(token: str, secret: str, now: datetime) -> User:
    """The account a reset link is for, while the link still works: BadLink when it was
    altered, has expired, or was used (the password, hence the fingerprint, changed)."""
    payload = _unsign(secret, "password-reset", token, now)
    user = await User.objects().where(User.id == payload.get("u")).first()
    if user is None or not secrets.compare_digest(fingerprint(user), str(payload.get("f"))):
        raise BadLink("this link has already been used")
    return user


async def reset_password(token: str, password: str, secret: str, now: datetime) -> User:
    """Set a new password from a reset link; the link works once (the fingerprint changes)."""
    user = await reset_link_user(token, secret, now)
    check_password(password, user.email)
    await User.update(
        {
            User.password_hash: HASHER.hash(password),
            User.failed_sign_ins: 0,
            User.locked_until: None,
            # Following the emailed link proves the address too.
            User.email_verified_at: user.email_verified_at or now,
            User.updated_at: now,
        }
    ).where(User.id == user.id)
    await audit("password-reset", "user", user.id, now, actor_label=user.email)
    found = await User.objects().where(User.id == user.id).first()
    assert found is not None
    return found


# --- invitations -------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite(
    organisation_id: int, email: str, by: SignedIn, now: datetime
) -> tuple[Invitation, str]:
    """An invitation and its token (sent by email, never stored); Conflict when the address
    is already a member's. The same queries and writes whether the address has an account or
    not: one membership look-up by address, the invitation, its audit line (and its e-mail)."""
    if not by.may_act_for(organisation_id):
        raise NotFound(f"No organisation {organisation_id}")
    email = normalised_email(email)
    accounts = User.select(User.id).where(same_email(User.email, email))
    member = await Membership.exists().where(
        Membership.user.is_in(accounts) & (Membership.organisation == organisation_id)
    )
    if member:
        raise Conflict("email: this person is already a member")
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        organisation=organisation_id,
        email=email,
        invited_by=by.user_id,
        token_hash=_hash(token),
        expires_at=now + INVITATION_LIFETIME,
        created_at=now,
    )
    await invitation.save()
    await audit("invite", "organisation", organisation_id, now, actor=by, detail=email)
    return invitation, token


async def invitation_of(token: str, now: datetime) -> Invitation:
    row = (
        await Invitation.objects(Invitation.organisation)
        .where(Invitation.token_hash == _hash(token))
        .first()
    )
    accepted: Any = row.accepted_at if row else None
    if row is None or accepted is not None or row.expires_at <= now:
        raise BadLink("this invitation is not valid any more")
    return row


async def accept_invitation(token: str, password: str | None, name: str, now: datetime) -> User:
    """Join the organisation; a newcomer sets a password (the email proved the address).
    BadLink when the invitation is used (a double click's second request included), expired
    or unknown."""
    invitation = await invitation_of(token, now)
    db = engine_finder()
    assert db is not None
    async with db.transaction():
        # A double-clicked acceptance: the second waits for the first, then finds it used.
        still = (
            await Invitation.select(Invitation.accepted_at)
            .where(Invitation.id == invitation.id)
            .lock_rows()
            .first()
        )
        if still is None or still["accepted_at"] is not None:
            raise BadLink("this invitation is not valid any more")
        user = await by_email(invitation.email)
        if user is None:
            if password is None:
                raise InvalidInput([FieldError("password", "required to create the account")])
            user = await create_user(invitation.email, password, name, now)
            await User.update({User.email_verified_at: now}).where(User.id == user.id)
        else:
            _same_work(password)
        await Membership.insert(
            Membership(user=user.id, organisation=invitation.organisation.id, role="member")
        ).on_conflict(action="DO NOTHING")
        await Invitation.update({Invitation.accepted_at: now}).where(Invitation.id == invitation.id)
        await audit("join", "organisation", invitation.organisation.id, now, actor_label=user.email)
    return user


async def members(organisation_id: int) -> list[dict[str, Any]]:
    rows = (
        await Membership.select(
            Membership.user.email, Membership.user.name, Membership.role, Membership.created_at
        )
        .where(Membership.organisation == organisation_id)
        .order_by(Membership.created_at)
    )
    return list(rows)


async def organisations_of(person: SignedIn) -> list[Organisation]:
    if not person.organisation_ids:
        return []
    return (
        await Organisation.objects()
        .where(Organisation.id.is_in(list(person.organisation_ids)))
        .order_by(Organisation.name)
    )
