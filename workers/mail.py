"""Email: templates rendered to text and HTML, sent over SMTP or captured as .eml files.

One folder per email under app/templates/email/<name>/ with subject.txt, body.txt and
body.html. With SMTP_URL set, mail goes out through aiosmtplib; without it (make run, a
newcomer's machine) every message is written to MAIL_CAPTURE_DIR and listed at /dev/mail.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.config import MailSettings, Settings

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent.parent / "app" / "templates"
SMTP_TIMEOUT = 30.0

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


class MailError(Exception):
    """A message could not be sent."""


class TemporaryMailError(MailError):
    """The server is down or said 4xx: try again later."""


class PermanentMailError(MailError):
    """The server refused the message for good (5xx): retrying will not help."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str
    headers: Mapping[str, str] = field(default_factory=dict)
    # Set by the sender when a re-send must carry the same id (outbox rows, alert digests).
    message_id: str | None = None


def render(
    name: str, context: Mapping[str, Any], to: str, headers: Mapping[str, str] | None = None
) -> Email:
    """The email `name` rendered for `to`; a missing context value is an error, not a blank."""
    values = {"to": to, **context}
    subject = _environment.get_template(f"email/{name}/subject.txt").render(values)
    return Email(
        to=to,
        subject=" ".join(subject.split()),
        text=_environment.get_template(f"email/{name}/body.txt").render(values),
        html=_environment.get_template(f"email/{name}/body.html").render(values),
        headers=dict(headers or {}),
    )


# Messages as they go on the wire (CRLF, 7-bit: French text is quoted-printable, so any
# server takes it), folded at RFC 5322's own line limit: a long header made of one token (the
# List-Unsubscribe URL) is then sent as it is. At the usual 78 the email package makes it an
# encoded word, which mail clients do not read as a URL (RFC 8058 one-click unsubscribe);
# aiosmtplib's send_message re-flattens at 78, hence `wire` and sendmail with these bytes.
MESSAGE_POLICY = policy.SMTP.clone(max_line_length=998, cte_type="7bit")


def wire(message: EmailMessage) -> tuple[str, list[str], bytes]:
    """Envelope sender, recipients and the bytes of the message, for SMTP."""
    sender = parseaddr(str(message["From"]))[1]
    recipients = [parseaddr(str(message["To"]))[1]]
    return sender, recipients, message.as_bytes(policy=MESSAGE_POLICY)


def build_message(
    email: Email, settings: MailSettings, now: datetime | None = None
) -> EmailMessage:
    """A MIME message: text/plain and text/html alternatives, sender and reply-to from settings."""
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = settings.sender
    message["To"] = email.to
    message["Reply-To"] = settings.reply_to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "emploi-montagne.localhost"
    # Short enough never to be folded (make_msgid's ids are long enough to be).
    message["Message-ID"] = email.message_id or f"<{secrets.token_hex(12)}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"
    for key, value in email.headers.items():
        message[key] = value
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


class Mailer(Protocol):
    async def send(self, email: Email) -> str:
        """Send one email; returns its Message-ID."""
        ...


def refusal(
    exc: aiosmtplib.SMTPRecipientsRefused | aiosmtplib.SMTPResponseException,
) -> MailError:
    """What the server's refusal means: 4xx try again later, 5xx never."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [error.code for error in exc.recipients]
        if all(400 <= code < 500 for code in codes):
            return TemporaryMailError(f"recipient deferred: {exc}")
        return PermanentMailError(f"recipient refused: {exc}")
    if 400 <= exc.code < 500:
        return TemporaryMailError(f"SMTP {exc.code}: {exc.message}")
    return PermanentMailError(f"SMTP {exc.code}: {exc.message}")


@dataclass(frozen=True)
class SmtpMailer:
    """SMTP through aiosmtplib: smtp:// (STARTTLS when offered) or smtps:// (implicit TLS)."""

    url: str
    settings: MailSettings
    timeout: float = SMTP_TIMEOUT

    def options(self) -> dict[str, Any]:
        """aiosmtplib's connection options for the URL (also used by workers.mail_session)."""
        parts = urlsplit(self.url)
        implicit_tls = parts.scheme == "smtps"
        options: dict[str, Any] = {
            "hostname": parts.hostname or "127.0.0.1",
            "port": parts.port or (465 if implicit_tls else 25),
            "use_tls": implicit_tls,
            "timeout": self.timeout,
        }
        if parts.username:
            options["username"] = unquote(parts.username)
            options["password"] = unquote(parts.password or "")
        if implicit_tls:
            options["tls_context"] = ssl.create_default_context()
        return options

    async def send(self, email: Email) -> str:
        message = build_message(email, self.settings)
        options = self.options()
        try:
            sender, recipients, data = wire(message)
            await aiosmtplib.send(data, sender=sender, recipients=recipients, **options)
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPResponseException) as exc:
            raise refusal(exc) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            host = f"{options['hostname']}:{options['port']}"
            raise TemporaryMailError(f"SMTP server {host} unreachable: {exc}") from exc
        return str(message["Message-ID"])


@dataclass(frozen=True)
class CaptureMailer:
    """Writes each message as an .eml file (atomically) instead of sending it."""

    folder: Path
    settings: MailSettings

    async def send(self, email: Email) -> str:
        message = build_message(email, self.settings)
        await asyncio.to_thread(self._write, message)
        return str(message["Message-ID"])

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        target = self.folder / f"{stamp}-{secrets.token_hex(3)}.eml"
        partial = target.with_suffix(".part")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, target)


def mailer_from_settings(settings: Settings) -> Mailer:
    if settings.mail.smtp_url:
        return SmtpMailer(settings.mail.smtp_url, settings.mail)
    log.info("no SMTP_URL: emails are captured in %s", settings.mail.capture_dir)
    return CaptureMailer(settings.mail.capture_dir, settings.mail)
