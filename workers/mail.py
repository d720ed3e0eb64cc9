"""Email: templates rendered to text and HTML, sent over SMTP or captured as .eml files.

One folder per email under app/templates/email/<name>/ with subject.txt, body.txt and
body.html. With SMTP_URL set, mail goes out through aiosmtplib; without it (make run, a
newcomer's machine) every message is written to MAIL_CAPTURE_DIR and listed at /dev/mail.
With DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY set, every message is DKIM-signed
(dkimpy) over the exact bytes that are sent or captured.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
import dkim
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.config import DkimSettings, MailSettings, Settings
from app.core.delivery import TryLater, Undeliverable

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


class TemporaryMailError(MailError, TryLater):
    """The server is down or said 4xx: try again later."""


class PermanentMailError(MailError, Undeliverable):
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
    name: str,
    context: Mapping[str, Any],
    to: str,
    headers: Mapping[str, str] | None = None,
    message_id: str | None = None,
) -> Email:
    """The email `name` rendered for `to`; a missing context value is an error, not a blank.
    `message_id` when a re-send must carry the same Message-ID (else the sender picks one)."""
    values = {"to": to, **context}
    subject = _environment.get_template(f"email/{name}/subject.txt").render(values)
    return Email(
        to=to,
        subject=" ".join(subject.split()),
        text=_environment.get_template(f"email/{name}/body.txt").render(values),
        html=_environment.get_template(f"email/{name}/body.html").render(values),
        headers=dict(headers or {}),
        message_id=message_id,
    )


class _WirePolicy(EmailPolicy):
    """RFC 5322 / MIME limits for every header but the List-Unsubscribe pair, written as
    they are: RFC 8058's one-click URL must stay one token in angle brackets, which folding
    would turn into an encoded word mail clients do not read as a URL."""

    def fold(self, name: str, value: str) -> str:
        line = _verbatim(name, value)
        return line + self.linesep if line is not None else super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        line = _verbatim(name, value)
        if line is None:
            return super().fold_binary(name, value)
        return (line + self.linesep).encode("ascii")


VERBATIM_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})


def _verbatim(name: str, value: str) -> str | None:
    """The header line unfolded, when it is one of ours and fits RFC 5322's hard limit."""
    if name.lower() not in VERBATIM_HEADERS:
        return None
    line = f"{name}: {value}"
    if not line.isascii() or "\r" in line or "\n" in line or len(line) > 998:
        return None  # folded (or encoded) as any other header
    return line


# Messages as they go on the wire: CRLF, 7-bit (French text is quoted-printable, so any server
# takes it), folded at 76 so that quoted-printable body lines stay within RFC 2045's 76 and
# a subject's encoded words within RFC 2047's 75 (the text parts' encoding is fixed when the
# content is set, with the message's policy: hence this one from the start). aiosmtplib's
# send_message would re-flatten the message with its own policy, hence `wire` and sendmail.
MAX_LINE = 76
MESSAGE_POLICY = _WirePolicy(linesep="\r\n", max_line_length=MAX_LINE, cte_type="7bit")
# Headers DKIM signs when present (RFC 6376 §5.4 and RFC 8058 §4).
SIGNED_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "Reply-To",
    "MIME-Version",
    "Content-Type",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
)


def wire(message: EmailMessage, settings: MailSettings) -> tuple[str, list[str], bytes]:
    """Envelope sender, recipients and the exact bytes to send: the message as flattened for
    SMTP, DKIM-signed (relaxed/relaxed) over those bytes when settings.dkim is set."""
    sender = parseaddr(str(message["From"]))[1]
    recipients = [parseaddr(str(message["To"]))[1]]
    data = message.as_bytes(policy=MESSAGE_POLICY)
    if settings.dkim is not None:
        data = dkim_signature(data, settings.dkim) + data
    return sender, recipients, data


def dkim_signature(data: bytes, key: DkimSettings) -> bytes:
    """The DKIM-Signature header line(s) for `data`, CRLF-terminated (RFC 6376)."""
    head = data.split(b"\r\n\r\n", 1)[0]
    present = {name.lower() for name in re.findall(rb"^([!-9;-~]+):", head, re.M)}
    signed = [name.encode() for name in SIGNED_HEADERS if name.lower().encode() in present]
    signature: bytes = dkim.sign(
        data,
        key.selector.encode("ascii"),
        key.domain.encode("ascii"),
        key.private_key,
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=signed,
        linesep=b"\r\n",
    )
    return signature


def build_message(
    email: Email, settings: MailSettings, now: datetime | None = None
) -> EmailMessage:
    """A MIME message: text/plain and text/html alternatives (quoted-printable unless plain
    ASCII in short lines), sender and reply-to from settings."""
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["From"] = settings.sender
    message["To"] = email.to
    message["Reply-To"] = settings.reply_to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(now or datetime.now(UTC))
    # Short enough never to be folded (make_msgid's ids are long enough to be).
    message["Message-ID"] = email.message_id or f"<{secrets.token_hex(12)}@{settings.domain}>"
    message["Auto-Submitted"] = "auto-generated"
    for key, value in email.headers.items():
        message[key] = value
    message.set_content(email.text, cte=_transfer_encoding(email.text))
    message.add_alternative(email.html, subtype="html", cte=_transfer_encoding(email.html))
    return message


def _transfer_encoding(text: str) -> str:
    """7bit for ASCII in short lines, else quoted-printable (readable, unlike base64, which
    the email package would pick for accent-heavy text and spam filters frown upon)."""
    if text.isascii() and all(len(line) <= MAX_LINE for line in text.splitlines()):
        return "7bit"
    return "quoted-printable"


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
            sender, recipients, data = wire(message, self.settings)
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
        partial.write_bytes(wire(message, self.settings)[2])  # as SMTP would send it
        os.replace(partial, target)


def mailer_from_settings(settings: Settings) -> Mailer:
    if settings.mail.smtp_url:
        return SmtpMailer(settings.mail.smtp_url, settings.mail)
    log.info("no SMTP_URL: emails are captured in %s", settings.mail.capture_dir)
    return CaptureMailer(settings.mail.capture_dir, settings.mail)
