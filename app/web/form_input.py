"""The one way the site's handlers read a form, and how a refused character is told.

InputLimits (app.core.limits) cleans every site form before any handler sees it: the
characters no text may hold are removed and the fields that held one are recorded in the
request's scope. A handler reads the form with `read_form()` and, first thing inside the
`try` whose `except InvalidInput` shows the form again, calls `refuse_marked()`: the form
comes back (400) with every value kept (without the invisible character) and the French
message next to the field, and nothing is stored.

    form = await read_form(request)
    shown = forms.read_offer(form)
    try:
        refuse_marked(request)
        ...  # convert, store
    except InvalidInput as error:
        return the_form_again(shown, errors_of(error))
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.datastructures import FormMultiDict

from app.core.errors import FieldError, InvalidInput
from app.core.limits import REFUSED_FIELDS
from app.web.pages import FIELD_NAMES

_CODE_POINT = re.compile(r"U\+[0-9A-F]{4,6}")


class InFrench(str):
    """A field's error already in French: the form templates show it as it is (`is french`),
    instead of the field's usual French message with the validation's English words."""


def refusal_in_french(problem: FieldError) -> InFrench:
    """« description » contient un caractère invisible (U+0001) : supprimez-le. The field by
    its French label (app.web.pages.FIELD_NAMES), never by a name the request chose."""
    name = FIELD_NAMES.get(problem.field)
    field = f"« {name} »" if name else "Un champ du formulaire"
    at = _CODE_POINT.search(problem.message)
    if at is None:  # bytes that are not UTF-8
        return InFrench(f"{field} contient du texte illisible (pas en UTF-8) : retapez-le.")
    return InFrench(f"{field} contient un caractère invisible ({at.group()}) : supprimez-le.")


class RefusedCharacter(InvalidInput):
    """Fields of a site form that held a character no text may hold; the detail, as each
    field's message, is in French (pages that show one message show the detail)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors)
        self.detail = " ".join(e.message for e in errors)


async def read_form(request: Request[Any, Any, Any]) -> FormMultiDict:
    """The form as InputLimits cleaned it: the characters no text may hold already removed."""
    return await request.form()


def refused_fields(request: Request[Any, Any, Any]) -> list[FieldError]:
    """The fields of this request's form that held a refused character, messages in French."""
    marked: list[FieldError] = request.scope.get("state", {}).get(REFUSED_FIELDS, [])
    return [FieldError(one.field, refusal_in_french(one)) for one in marked]


def refuse_marked(request: Request[Any, Any, Any]) -> None:
    """RefusedCharacter (an InvalidInput) naming each field of the form that held a refused
    character; nothing when none did. Call it before anything is stored."""
    refused = refused_fields(request)
    if refused:
        raise RefusedCharacter(refused)
