"""The local mailbox: the .eml files the capture mailer wrote, for a newcomer to read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path

NAME = re.compile(r"^[0-9A-Za-z_-]{1,80}\.eml$")
LIMIT = 200


@dataclass(frozen=True)
class CapturedMail:
    name: str
    to: str
    subject: str
    date: datetime | None
    text: str
    html: str
    headers: list[tuple[str, str]]


def _read(path: Path) -> CapturedMail:
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(message, EmailMessage)
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    date = message.get("Date")
    return CapturedMail(
        name=path.name,
        to=str(message.get("To", "")),
        subject=str(message.get("Subject", "")),
        date=parsedate_to_datetime(str(date)) if date else None,
        text=text.get_content() if text is not None else "",
        html=html.get_content() if html is not None else "",
        headers=[(k, str(v)) for k, v in message.items()],
    )


def captured(folder: Path) -> list[CapturedMail]:
    """The newest captured messages first (file names start with their time)."""
    if not folder.is_dir():
        return []
    paths = sorted((p for p in folder.glob("*.eml") if NAME.match(p.name)), reverse=True)
    return [_read(p) for p in paths[:LIMIT]]


def one(folder: Path, name: str) -> CapturedMail | None:
    if not NAME.match(name):
        return None
    path = folder / name
    return _read(path) if path.is_file() else None
