"""Checks shared by the domains; each returns an error message, or None when the value is fine."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from app.core.errors import FieldError, InvalidInput

EMAIL = re.compile(
    r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
PHONE = re.compile(r"^\+?[0-9][0-9 .()\-]{5,19}$")


def email_problem(value: str) -> str | None:
    if len(value) > 254 or not EMAIL.match(value):
        return f"expected an email address like name@example.fr, got {value!r}"
    return None


def url_problem(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        return f"expected an http(s) URL, got {value!r}"
    return None


def phone_problem(value: str) -> str | None:
    if not PHONE.match(value):
        return f"expected a phone number like +33 4 79 00 00 00, got {value!r}"
    return None


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def siret_problem(value: str) -> str | None:
    if not (len(value) == 14 and value.isdigit()) or not luhn_ok(value):
        return "expected a SIRET: 14 digits with a valid check digit"
    return None


def nda_problem(value: str) -> str | None:
    if not (len(value) == 11 and value.isdigit()):
        return "expected a training-provider declaration number (NDA): 11 digits"
    return None


class Checker:
    """Collects field errors so one response names every bad field."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def check(self, field: str, problem: str | None) -> None:
        if problem:
            self.errors.append(FieldError(field, problem))

    def require(self, condition: bool, field: str, message: str) -> None:
        if not condition:
            self.errors.append(FieldError(field, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


# --- text that XML, e-mail and every page can carry ------------------------------------------

# The characters XML 1.0 cannot carry: C0 controls but tab, line feed and carriage return,
# the non-characters U+FFFE/U+FFFF and lone surrogates. Nobody types them on purpose.
# app/core/xml.py drops them from every output; clean_text() refuses them at the door.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Word's Shift+Enter pastes a vertical tab; a form feed is a page break; NEL (U+0085) is the
# line break of EBCDIC and some converted text: all three mean a new line.
LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\x85": "\n"})
# Input refuses a carriage return too, unless before a line feed (CRLF becomes "\n" first),
# and DEL and the C1 controls (U+007F-U+009F): XML carries them, but HTML forbids them and no
# keyboard types them.
_REFUSED = re.compile(f"{NOT_XML.pattern}|[\r\x7f-\x9f]")
# A single-line field (titles, names, e-mail addresses, links, labels) holds no line break of
# any kind: one is refused (400 naming the field), never turned into a space. The schemas
# declare such fields with app.core.params.line(); multi-line ones (descriptions) with text().
ONE_LINE = r"^[^\x00\n\r\x0b\x0c\x85\u2028\u2029]*$"


def _refusal(char: str, position: int) -> str:
    return (
        f"contains the invisible character U+{ord(char):04X} at position {position}: only tab "
        "and line breaks are allowed among control characters"
    )


def split_text(value: str) -> tuple[str, str | None]:
    """`value` with CRLF, vertical tab, form feed and NEL as "\\n" and every character no text
    may hold removed (other C0 controls, a lone CR, DEL, C1 controls, U+FFFE/U+FFFF, lone
    surrogates), and the problem with the first one removed (None when none was)."""
    value = value.replace("\r\n", "\n").translate(LINE_BREAKS)
    refused = _REFUSED.search(value)
    if refused is None:
        return value, None
    return _REFUSED.sub("", value), _refusal(refused.group(), refused.start())


def clean_text(value: str) -> str:
    """`value` with CRLF, vertical tab, form feed and NEL as "\\n"; ValueError naming the first
    character no text may hold (other C0 controls, a lone CR, DEL, C1 controls, U+FFFE/U+FFFF,
    lone surrogates).
    """
    cleaned, problem = split_text(value)
    if problem:
        raise ValueError(problem)
    return cleaned
