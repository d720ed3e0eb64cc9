"""Signed, expiring links: HMAC-SHA256 over a small payload, with the secret key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from app.core.errors import DomainError


class BadSignature(ValueError):
    """The link was altered, is for another purpose, or has expired."""


class BadLink(DomainError):
    """A signed link that does not hold: 400 on the API, a readable page on the site."""

    status = 400
    kind = "bad-link"
    title = "Invalid or expired link"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret: str, purpose: str, payload: dict[str, Any], expires: datetime | None) -> str:
    body = {"p": purpose, **payload}
    if expires is not None:
        body["x"] = int(expires.timestamp())
    raw = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(secret.encode(), raw.encode(), hashlib.sha256).digest()
    return f"{raw}.{_b64(mac)}"


def unsign(secret: str, purpose: str, token: str, now: datetime) -> dict[str, Any]:
    """The payload of a token signed for `purpose`, or BadSignature."""
    raw, _, mac = token.partition(".")
    try:
        given = _unb64(mac)
        expected = hmac.new(secret.encode(), raw.encode(), hashlib.sha256).digest()
        if not mac or not hmac.compare_digest(given, expected):
            raise BadSignature("this link is not valid")
        body: dict[str, Any] = json.loads(_unb64(raw))
    except (ValueError, TypeError) as exc:
        raise BadSignature("this link is not valid") from exc
    if body.pop("p", None) != purpose:
        raise BadSignature("this link is for something else")
    expires = body.pop("x", None)
    if expires is not None and now.timestamp() > expires:
        raise BadSignature("this link has expired")
    return body
