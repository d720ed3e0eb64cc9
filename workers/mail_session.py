"""Many emails over one connection to the mail server (alert runs send thousands at once).

The same options and the same errors as workers.mail.SmtpMailer, without a TCP connection, an
EHLO, a TLS handshake and a login per message. The connection opens at the first message and
again after the server dropped it; a message is never sent twice by this module (a failure
is raised, and the caller decides).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Protocol

import aiosmtplib

from app.core.delivery import MailServerDown
from workers.mail import (
    Email,
    Mailer,
    SmtpMailer,
    TemporaryMailError,
    build_message,
    refusal,
    wire,
)


class SmtpUnreachable(TemporaryMailError, MailServerDown):
    """No usable connection to the mail server could be opened."""


class MailSession(Protocol):
    async def send(self, email: Email) -> str:
        """Send one email; returns its Message-ID."""
        ...


class SmtpSession:
    """One kept-open SMTP connection, opened when first needed."""

    def __init__(self, mailer: SmtpMailer) -> None:
        self.settings = mailer.settings
        self.options = mailer.options()
        self.client: aiosmtplib.SMTP | None = None

    @property
    def server(self) -> str:
        return f"{self.options['hostname']}:{self.options['port']}"

    async def _connected(self) -> aiosmtplib.SMTP:
        if self.client is not None and self.client.is_connected:
            return self.client
        client = aiosmtplib.SMTP(**self.options)
        try:
            await client.connect()
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # Refused, timed out, or a bad login: no fault of any recipient's.
            raise SmtpUnreachable(f"SMTP server {self.server} unusable: {exc}") from exc
        self.client = client
        return client

    async def send(self, email: Email) -> str:
        message = build_message(email, self.settings)
        client = await self._connected()
        try:
            await client.sendmail(*wire(message, self.settings))
        except (aiosmtplib.SMTPRecipientsRefused, aiosmtplib.SMTPResponseException) as exc:
            raise refusal(exc) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            self.client = None  # whatever state it is in, the next message starts afresh
            client.close()
            raise TemporaryMailError(f"SMTP server {self.server}: {exc}") from exc
        return str(message["Message-ID"])

    async def close(self) -> None:
        client, self.client = self.client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError, TimeoutError):
            client.close()


@asynccontextmanager
async def open_session(mailer: Mailer) -> AsyncIterator[MailSession]:
    """A session over SMTP when the mailer sends by SMTP; otherwise the mailer itself (the
    captured .eml files of development need no connection)."""
    if not isinstance(mailer, SmtpMailer):
        yield mailer
        return
    session = SmtpSession(mailer)
    try:
        yield session
    finally:
        await session.close()
