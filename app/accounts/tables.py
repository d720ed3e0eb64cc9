from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from app.organisations.tables import Organisation


class ApiToken(Table):
    """A bearer token for an organisation's integrations; only its SHA-256 is stored."""

    id: Serial = Serial(primary_key=True)

    token_hash = Varchar(length=64, unique=True, index=True)
    prefix = Varchar(length=12)
    organisation = ForeignKey(references=Organisation, null=True, default=None, index=True)
    label = Varchar(length=100)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class User(Table, tablename="app_user"):
    """A person who signs in: a member of one or more organisations, or staff."""

    id: Serial = Serial(primary_key=True)
    email = Varchar(length=254, unique=True, index=True)
    name = Varchar(length=120, default="")
    password_hash = Varchar(length=200)
    email_verified_at = Timestamptz(null=True, default=None)
    staff = Boolean(default=False)
    failed_sign_ins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    last_sign_in_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Membership(Table):
    """A user belongs to an organisation (unique per pair)."""

    id: Serial = Serial(primary_key=True)
    user = ForeignKey(references=User, null=False, on_delete=OnDelete.cascade, index=True)
    organisation = ForeignKey(
        references=Organisation, null=False, on_delete=OnDelete.cascade, index=True
    )
    role = Varchar(length=10, default="member")  # owner | member
    created_at = Timestamptz(default=TimestamptzNow())


class Invitation(Table):
    """An invitation to join an organisation, sent by email; only the token's hash is kept."""

    id: Serial = Serial(primary_key=True)
    organisation = ForeignKey(
        references=Organisation, null=False, on_delete=OnDelete.cascade, index=True
    )
    email = Varchar(length=254)
    invited_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    token_hash = Varchar(length=64, unique=True)
    expires_at = Timestamptz()
    accepted_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class AuditEvent(Table):
    """Who did what: staff decisions, sign-ups, memberships, tokens, offers unpublished."""

    id: Serial = Serial(primary_key=True)
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.set_null)
    actor_label = Varchar(length=254)
    action = Varchar(length=60, index=True)
    target_type = Varchar(length=30)
    target_id = Integer(null=True, default=None)
    detail = Text(default="")
