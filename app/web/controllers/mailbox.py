"""/dev/mail: the captured emails, when no SMTP server is configured (never in production)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import PathParameter
from litestar.response import Template

from app.core.dependencies import AppSettings
from app.web import mailbox
from app.web.pages import page


def _folder_or_404(settings: AppSettings) -> None:
    if settings.site.production or settings.mail.smtp_url:
        raise NotFoundException("no local mailbox: mail goes out through SMTP")


class MailboxPages(Controller):
    path = "/dev/mail"
    include_in_schema = False

    @get("/")
    async def inbox(self, settings: AppSettings) -> Template:
        _folder_or_404(settings)
        return page(
            "mailbox/inbox.html",
            messages=mailbox.captured(settings.mail.capture_dir),
            folder=str(settings.mail.capture_dir),
        )

    @get("/{name:str}")
    async def message(
        self, name: Annotated[str, PathParameter(max_length=100)], settings: AppSettings
    ) -> Template:
        _folder_or_404(settings)
        found = mailbox.one(settings.mail.capture_dir, name)
        if found is None:
            raise NotFoundException(f"no captured message {name}")
        return page("mailbox/message.html", message=found)
