"""Input limits and text checks at the door, before anything parses a request.

One ASGI middleware, outermost of the app's own, so that:
- a path holding a control character, NUL or percent-encoded invalid UTF-8 is a 404, and such a
  query string a 400 (they made static files and parsers raise, hence 500s);
- a site form (any body outside /api) over its byte limit or `FORM_MAX_FIELDS` fields is a 413
  before a byte of it is parsed (a 10 MB form of 2.5 M fields held the process for seconds):
  `FORM_MAX_BYTES` for the small forms (sign-in, sign-up, reset, alert) and any other path,
  `SPACE_FORM_MAX_BYTES` for the organisation space's forms, whose longest texts must fit;
  an API body over `API_MAX_BYTES` too;
- every text of every JSON body and of every form, whatever its field, is checked once by
  `split_text()`: CRLF, vertical tab, form feed and NEL become "\\n"; other control characters
  (C0, DEL, C1), U+FFFE/U+FFFF and lone surrogates are refused. The API answers 400 naming
  the field. A site form goes on, without those characters, and the fields that held one are
  recorded in `scope["state"][REFUSED_FIELDS]`: the site's one form reader
  (app.web.form_input.read_form) raises them as InvalidInput inside each form's own error
  path, so the form comes back with every value kept and the message next to the field, and
  nothing is stored. A JSON body nested deeper than `JSON_MAX_DEPTH` is a 400, not a
  RecursionError.
The cleaned body replaces the one received, so handlers and schemas see clean text only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes, urlencode

import msgspec
from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPRequestEvent, Receive, ReceiveMessage, Scope, Send

from app.core.errors import DomainError, FieldError, InvalidInput, NotFound
from app.core.paths import WRITE_METHODS, is_api_path
from app.core.validation import clean_text, split_text

API_MAX_BYTES = 1024 * 1024
FORM_MAX_BYTES = 64 * 1024
# The space's longest field holds 20 000 characters; percent-encoded UTF-8 takes 9 bytes for
# each at worst (a 3-byte character as %XX%XX%XX), and the other fields fit in the margin.
SPACE_FORM_MAX_BYTES = 256 * 1024
SPACE_FORMS = "/espace/"
FORM_MAX_FIELDS = 200
# Where InputLimits records, in the ASGI scope's state, the fields of a site form that held a
# refused character: a list of FieldError.
REFUSED_FIELDS = "refused_fields"
JSON_MAX_DEPTH = 32
FORM = "application/x-www-form-urlencoded"


class TooLarge(DomainError):
    status = 413
    kind = "too-large"
    title = "Payload too large"


def _decoded(raw: bytes, *, plus: bool) -> str:
    """Percent-decoded UTF-8; UnicodeDecodeError when the bytes are not UTF-8."""
    if plus:
        raw = raw.replace(b"+", b" ")
    return unquote_to_bytes(raw).decode("utf-8")


def check_target(scope: Scope) -> None:
    """404 for a path, 400 for a query string, that no route could mean."""
    raw_path: bytes | None = scope.get("raw_path")
    try:
        path = _decoded(raw_path, plus=False) if raw_path else scope["path"]
    except UnicodeDecodeError as exc:
        raise NotFound("The path is not valid UTF-8") from exc
    if any(ord(c) < 0x20 or c == "\x7f" for c in path) or any(
        ord(c) < 0x20 or c == "\x7f" for c in scope["path"]
    ):
        raise NotFound("No page has a control character in its path")
    query: bytes = scope.get("query_string", b"")
    if not query:
        return
    for pair in query.split(b"&"):
        for part in pair.split(b"=", 1):
            try:
                text = _decoded(part, plus=True)
            except UnicodeDecodeError as exc:
                raise InvalidInput.one("query", "the query string is not valid UTF-8") from exc
            if "\x00" in text:
                raise InvalidInput.one("query", "the query string holds a NUL character")


def _json_path(parent: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{parent}[{key}]"
    return f"{parent}.{key}" if parent else key


def _clean_json(value: Any, path: str, depth: int, errors: list[FieldError]) -> Any:
    if depth > JSON_MAX_DEPTH:
        raise InvalidInput.one(path or "body", f"nested deeper than {JSON_MAX_DEPTH} levels")
    if isinstance(value, str):
        try:
            return clean_text(value)
        except ValueError as exc:
            errors.append(FieldError(_field(path), str(exc)))
            return value
    if isinstance(value, list):
        return [_clean_json(v, _json_path(path, i), depth + 1, errors) for i, v in enumerate(value)]
    if isinstance(value, dict):
        cleaned: dict[str, Any] = {}
        for key, item in value.items():
            key_path = _json_path(path, key)
            cleaned[_clean_json(key, key_path, depth + 1, errors)] = _clean_json(
                item, key_path, depth + 1, errors
            )
        return cleaned
    return value


def _field(path: str) -> str:
    """`seasons[0]` names the field "seasons", as validation errors do."""
    name = ".".join(part.split("[")[0] for part in path.split("."))
    return name or "body"


def clean_json_body(body: bytes) -> bytes:
    """The JSON body with every string cleaned; InvalidInput naming each bad field. A body
    that is not JSON is left for the handler to refuse in its own words."""
    try:
        data = msgspec.json.decode(body)
    except RecursionError as exc:
        raise InvalidInput.one("body", f"nested deeper than {JSON_MAX_DEPTH} levels") from exc
    except msgspec.DecodeError:
        # msgspec refuses a lone surrogate (`"\\ud800"`) without naming the field; Python's
        # decoder reads it, so the walk below can name it.
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return body
    errors: list[FieldError] = []
    cleaned = _clean_json(data, "", 0, errors)
    if errors:
        raise InvalidInput(errors)
    return body if cleaned == data else msgspec.json.encode(cleaned)


def _form_pairs(body: bytes) -> Iterator[tuple[str, str, bool]]:
    """(name, value, is UTF-8) of each pair; bytes that are not UTF-8 read as U+FFFD."""
    for pair in body.split(b"&"):
        if not pair:
            continue
        name, _, value = pair.partition(b"=")
        try:
            yield _decoded(name, plus=True), _decoded(value, plus=True), True
        except UnicodeDecodeError:
            name, value = name.replace(b"+", b" "), value.replace(b"+", b" ")
            yield (
                unquote_to_bytes(name).decode("utf-8", "replace"),
                unquote_to_bytes(value).decode("utf-8", "replace"),
                False,
            )


def clean_form_body(body: bytes) -> tuple[bytes, list[FieldError]]:
    """The url-encoded form with every text cleaned and the refused characters removed, and
    a FieldError for each field that held one; TooLarge over `FORM_MAX_FIELDS` fields."""
    if body.count(b"&") + 1 > FORM_MAX_FIELDS:
        raise TooLarge(f"a form holds {FORM_MAX_FIELDS} fields at most")
    errors: list[FieldError] = []
    pairs: list[tuple[str, str]] = []
    cleaned: list[tuple[str, str]] = []
    for raw_name, raw_value, utf8 in _form_pairs(body):
        pairs.append((raw_name, raw_value))
        name, name_problem = split_text(raw_name)
        value, value_problem = split_text(raw_value)
        cleaned.append((name, value))
        problem = value_problem or name_problem or (None if utf8 else "is not valid UTF-8")
        if problem:
            errors.append(FieldError(name, problem))
    if cleaned == pairs and not errors:
        return body, errors
    return urlencode(cleaned).encode(), errors


def form_limit(path: str) -> int:
    """The byte limit of a site form posted to `path`."""
    return SPACE_FORM_MAX_BYTES if path.startswith(SPACE_FORMS) else FORM_MAX_BYTES


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(scope: Scope, receive: Receive, limit: int, what: str) -> bytes:
    length = _header(scope, b"content-length")
    if length is not None and length.strip().isdigit() and int(length) > limit:
        raise TooLarge(f"{what} is {length} bytes; {limit} at most")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return b""
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"{what} is over {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> ReceiveMessage:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return HTTPRequestEvent(type="http.request", body=body, more_body=False)

    return replay


def _with_length(scope: Scope, length: int) -> None:
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(length).encode()))
    scope["headers"] = headers


class InputLimits:
    """The ASGI middleware described in the module's docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        check_target(scope)
        if scope["method"] in WRITE_METHODS:
            path = scope["path"]
            api = is_api_path(path)
            limit, what = (API_MAX_BYTES, "the body") if api else (form_limit(path), "the form")
            body = await _read_body(scope, receive, limit, what)
            media_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
            if body and api and media_type not in (FORM, "multipart/form-data"):
                body = clean_json_body(body)
            elif body and not api and media_type == FORM:
                body, refused = clean_form_body(body)
                if refused:
                    scope.setdefault("state", {})[REFUSED_FIELDS] = refused
            _with_length(scope, len(body))
            receive = _replay(body, receive)
        await self.app(scope, receive, send)
