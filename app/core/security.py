"""Security headers on every response: CSP without inline scripts, framing, referrer, HSTS."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from app.config import Settings

# Inline <script> never runs; JSON-LD data blocks are not scripts. Captured e-mails shown at
# /dev/mail carry inline styles, as e-mails do, in a sandboxed frame.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
CSP_MAILBOX = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "frame-ancestors 'none'", "frame-ancestors 'self'; frame-src 'self'"
)
# The API's documentation pages (Swagger UI, Scalar) load their own scripts and styles.
UNGUARDED_PREFIXES = ("/api/docs",)


def security_headers(settings: Settings) -> BeforeMessageSendHookHandler:
    """A `before_send` hook: it sees every response the app sends, the ones Litestar makes
    before any middleware runs included (unrouted 404, 405, errors of the router)."""
    hsts = settings.site.base_url.startswith("https://")

    async def add_headers(message: Message, scope: Scope) -> None:
        if scope["type"] != ScopeType.HTTP or message["type"] != "http.response.start":
            return
        path: str = scope["path"]
        headers = MutableScopeHeaders.from_message(message)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["Permissions-Policy"] = "geolocation=(), camera=(), microphone=()"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if not path.startswith(UNGUARDED_PREFIXES):
            mailbox = path.startswith("/dev/mail")
            headers["Content-Security-Policy"] = CSP_MAILBOX if mailbox else CSP
            headers["X-Frame-Options"] = "SAMEORIGIN" if mailbox else "DENY"
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    return add_headers
