"""The log filter: what it redacts, and what it leaves readable."""

from __future__ import annotations

import logging

import pytest

from app.core.redact import RedactSecrets, redact
from app.core.signing import sign

SIGNED = sign("k" * 32, "password-reset", {"u": 7, "f": "abcdef"}, None)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"https://site/mot-de-passe/nouveau?token={SIGNED}", SIGNED),
        (f"link {SIGNED} in the middle", SIGNED),
        ("https://site/invitation?token=Zx9_abc-DEF123&next=1", "Zx9_abc-DEF123"),
        ("{'url': 'x', 'password': 'neige-fraiche-2026'}", "neige-fraiche-2026"),
        ('{"password": "neige \\" fraiche"}', "neige"),
        ("password=neige-fraiche-2026&confirmation=neige-fraiche-2026", "neige-fraiche-2026"),
        ("Cookie: em_session=3f9a0c1d2e; other=1", "3f9a0c1d2e"),
        ("em_session=3f9a0c1d2e4b5a6978", "3f9a0c1d2e4b5a6978"),
        ("Authorization: Bearer org_s3cr3t-token.value", "org_s3cr3t-token.value"),
        ("{'authorization': 'Bearer abc123def'}", "abc123def"),
        ("smtp://mailer:hunter2-pass@smtp.example:587", "hunter2-pass"),
    ],
)
def test_secrets_are_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text)
    assert "[redacted]" in redact(text)


def test_plain_text_stays_readable() -> None:
    line = "e-mail 12 (password_reset) deferred (attempt 3, next in 20 s): SMTP 451"
    assert redact(line) == line


def test_the_filter_rewrites_message_arguments_and_traceback() -> None:
    try:
        raise ValueError(f"bad link https://x/?token={SIGNED}")
    except ValueError as exc:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "job %s(%r)", ("send", {"password": "pw-1"}), None
        )
        record.exc_info = (type(exc), exc, exc.__traceback__)
    assert RedactSecrets().filter(record)
    assert "[redacted]" in record.getMessage()
    assert "pw-1" not in record.getMessage()
    assert SIGNED not in (record.exc_text or "")
    assert "ValueError" in (record.exc_text or "")


def test_uvicorn_access_lines_keep_their_arguments() -> None:
    """uvicorn's access formatter unpacks the record's arguments itself: they must stay a
    tuple of five, with the secret of the path redacted and the status still a number."""
    from uvicorn.logging import AccessFormatter

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", f"/alertes/confirmer?token={SIGNED}", "1.1", 200),
        None,
    )
    RedactSecrets().filter(record)
    assert isinstance(record.args, tuple)
    assert len(record.args) == 5
    line = AccessFormatter(
        "%(client_addr)s %(request_line)s %(status_code)s", use_colors=False
    ).format(record)
    assert SIGNED not in line
    assert line == "127.0.0.1:5000 GET /alertes/confirmer?token=[redacted] HTTP/1.1 200 OK"


def test_a_secret_across_message_and_argument_is_redacted() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "reset link token=%s", ("Zx9abcDEF123",), None
    )
    RedactSecrets().filter(record)
    assert "Zx9abcDEF123" not in record.getMessage()
