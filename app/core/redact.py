"""No secret in any log line: one filter redacts tokens, signed links, passwords, session ids
and bearer tokens from every log record (message, arguments and traceback).

`install()` (at the start of the web app and of the worker) puts the filter in the log record
factory, so every record is redacted when it is made: whichever logger emits it (ours,
arq's, Litestar's, a library's) and whichever handler receives it.
"""

from __future__ import annotations

import logging
import re
import traceback
from typing import Any

REDACTED = "[redacted]"

# Names whose value is a secret, in a query string, a form, a cookie or a dict's repr.
_SECRET_NAMES = (
    r"token|password|passwd|pwd|secret|signature|sig|api[_-]?key|csrf[_-]?token|"
    r"[\w-]*session(?:[_-]?id)?|authorization|confirmation"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Our signed links' tokens (app.core.signing): base64url of '{"…' dot base64url MAC.
    (re.compile(r"eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{16,}"), REDACTED),
    # Authorization: Bearer <token> (and Basic), wherever it appears.
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]+"), rf"\1\2{REDACTED}"),
    # Cookie / Set-Cookie headers: every value.
    (re.compile(r"(?i)\b((?:set-)?cookie['\"]?\s*[:=,]\s*['\"]?)[^'\"\r\n]+"), rf"\1{REDACTED}"),
    # name=value in URLs, forms and cookies: token=…, password=…, em_session=…
    (re.compile(rf"(?i)\b({_SECRET_NAMES})=([^&\s'\"<>;,)]+)"), rf"\1={REDACTED}"),
    # 'name': 'value' and "name": "value" in reprs and JSON.
    (
        re.compile(rf"(?i)(['\"](?:{_SECRET_NAMES})['\"]\s*:\s*)(['\"])(?:\\.|(?!\2).)*\2"),
        rf"\1\2{REDACTED}\2",
    ),
    # URLs with credentials: smtp://user:password@host, redis://:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@"), rf"\1{REDACTED}@"),
)


def redact(text: str) -> str:
    """The text with every secret the patterns know replaced by [redacted]."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redacted_arg(value: object) -> object:
    """One format argument without secrets; numbers and clean objects are kept as they are,
    so that formatters that read the arguments themselves (uvicorn's access log) still can."""
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    shown = repr(value)
    if redact(text) != text or redact(shown) != shown:
        return redact(text)
    return value


class RedactSecrets(logging.Filter):
    """Rewrites a record so that its message, arguments and traceback carry no secret.

    The arguments keep their shape (a tuple stays a tuple of the same length, a mapping keeps
    its keys): only a secret that spans the message and an argument makes the record's
    message the redacted text with no arguments.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "redacted", False):
            return True
        args = record.args
        if isinstance(args, tuple):
            record.args = tuple(_redacted_arg(a) for a in args)
        elif isinstance(args, dict):
            record.args = {k: _redacted_arg(v) for k, v in args.items()}
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what can be kept, redacted
            record.msg, record.args = redact(f"{record.msg!r} % {args!r}"), None
        else:
            if redact(message) != message:  # a secret across the message and its arguments
                record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record.redacted = True
        return True


_FILTER = RedactSecrets()


def install() -> None:
    """Redact every log record of this process from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts", False):
        return

    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        _FILTER.filter(record)
        return record

    make_record.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)
