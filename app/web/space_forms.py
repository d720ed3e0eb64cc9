"""The forms of the organisation space: what was typed, shown back as typed, and turned into
the API's own schemas, so that a form and an API call are checked by the same rules."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
from litestar.datastructures import FormMultiDict

from app.core.errors import FieldError, InvalidInput
from app.offers import schemas as offer_schemas
from app.offers.tables import Offer
from app.organisations.schemas import TokenCreate
from app.places import services as places
from app.places.tables import Place
from app.trainings import schemas as training_schemas
from app.trainings.tables import Training

# Shown back as typed: text for most fields, lists for check boxes, booleans for flags.
Shown = dict[str, Any]

OFFER_TEXT = (
    "title",
    "description",
    "trade",
    "contract",
    "start_date",
    "end_date",
    "hours_per_week",
    "pay_min",
    "pay_max",
    "pay_period",
    "housing",
    "experience",
    "positions",
    "apply_email",
    "apply_url",
)
OFFER_LISTS = ("seasons", "languages")
OFFER_FLAGS = ("meals", "driving_licence")
OFFER_REQUIRED = ("title", "description", "trade", "place", "seasons", "contract", "start_date")
KEPT_AS_TYPED = ("description", "entry_requirements")  # line breaks and spacing matter
NUMBERS = (
    "hours_per_week",
    "pay_min",
    "pay_max",
    "positions",
    "seats_total",
    "seats_taken",
    "duration_hours",
    "price_excl_vat",
    "price_incl_vat",
)
# Languages an employer ticks on the form (the API accepts a few more).
FORM_LANGUAGES = ("fr", "en", "de", "it", "es")

TRAINING_TEXT = (
    "title",
    "description",
    "duration_hours",
    "modality",
    "certification_code",
    "certification_title",
    "price_excl_vat",
    "price_incl_vat",
    "entry_requirements",
)
TRAINING_LISTS = ("trade_codes", "funding")
TRAINING_REQUIRED = ("title", "description", "duration_hours", "modality")

SESSION_TEXT = ("start_date", "end_date", "registration_deadline", "seats_total", "seats_taken")
SESSION_REQUIRED = ("place", "start_date", "end_date", "registration_deadline", "seats_total")

_AT = re.compile(r"at `\$\.([a-z_]+)")
_MISSING = re.compile(r"field `([a-z_]+)`")
_LINE_BREAK = re.compile(r"[\n\r\x0b\x0c\x85\u2028\u2029]")
# The message of a single-line field refused for a line break (the page says it in French).
ONE_LINE = "one_line"


@dataclass
class FormErrors:
    """Errors by field, in the words of the validation (the page adds the French)."""

    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, message)

    def extend(self, error: InvalidInput) -> None:
        for one in error.errors:
            self.add(one.field.split(".")[-1], one.message)
        if not error.errors:
            self.add("form", error.detail)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise InvalidInput([FieldError(k, v) for k, v in self.by_field.items()])


def errors_of(error: InvalidInput) -> dict[str, str]:
    found = FormErrors()
    found.extend(error)
    return found.by_field


def _field_of(exc: msgspec.ValidationError, default: str) -> str:
    message = str(exc)
    at = _AT.search(message) or _MISSING.search(message)
    return at.group(1) if at else default


def _message(exc: msgspec.ValidationError, value: Any = None) -> str:
    """The validation's message without its JSON path: the page shows it next to the field;
    ONE_LINE when a single-line field (app.core.params.line()) was refused for a line break,
    so that the page says so instead of the field's usual message."""
    message = str(exc).split(" - at ")[0]
    if "matching regex" in message and isinstance(value, str) and _LINE_BREAK.search(value):
        return ONE_LINE
    return message


def _number(text: str) -> str:
    """French writing welcome: "1 850,50" is 1850.50."""
    return re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")


def _check_each(values: Mapping[str, Any], schema: type[Any], errors: FormErrors) -> None:
    """Check every field on its own, so that every bad field is named at once."""
    for name, value in values.items():
        try:
            msgspec.convert({name: value}, schema, strict=False)
        except msgspec.ValidationError as exc:
            errors.add(name, _message(exc, value))


async def _place_slug(typed: str, known_slug: str, errors: FormErrors) -> str | None:
    """The place typed by name; the place the form was shown with when the name is unchanged
    (two places may share a name)."""
    typed = typed.strip()
    if not typed:
        errors.add("place", "required")
        return None
    if known_slug:
        known = await Place.objects().where(Place.slug == known_slug).first()
        if known is not None and known.name == typed:
            return known.slug
    found = await places.find(typed, limit=1)
    if not found:
        errors.add("place", f"no resort or village named {typed!r}")
        return None
    return found[0].slug


def _convert(payload: dict[str, Any], schema: type[Any]) -> Any:
    try:
        return msgspec.convert(payload, schema, strict=False)
    except msgspec.ValidationError as exc:  # only when the rules of a schema change
        name = _field_of(exc, "form")
        raise InvalidInput.one(name, _message(exc, payload.get(name))) from exc


# --- offers ----------------------------------------------------------------------------------


def read_offer(form: FormMultiDict) -> Shown:
    shown: Shown = {name: str(form.get(name, "")) for name in OFFER_TEXT}
    shown["place"] = str(form.get("place", ""))
    shown["place_slug"] = str(form.get("place_slug", ""))
    for name in OFFER_LISTS:
        shown[name] = [str(v) for v in form.getall(name, [])]
    for name in OFFER_FLAGS:
        shown[name] = bool(form.get(name))
    return shown


async def _offer_payload(shown: Shown) -> dict[str, Any]:
    """The offer as the API would receive it, or InvalidInput naming every bad field."""
    errors = FormErrors()
    payload: dict[str, Any] = {}
    for name in OFFER_TEXT:
        text = shown[name].replace("\r\n", "\n")
        text = text if name in KEPT_AS_TYPED else text.strip()
        if name in NUMBERS:
            text = _number(text)
        if not text.strip():
            if name in OFFER_REQUIRED:
                errors.add(name, "required")
            else:
                payload[name] = None
            continue
        payload[name] = text
    for name in OFFER_LISTS:
        payload[name] = shown[name]
    if not shown["seasons"]:
        errors.add("seasons", "required")
    for name in OFFER_FLAGS:
        payload[name] = shown[name]
    _check_each(payload, offer_schemas.OfferUpdate, errors)
    place = await _place_slug(shown["place"], shown["place_slug"], errors)
    errors.raise_if_any()
    payload["place"] = place
    return payload


async def offer_create(shown: Shown, organisation_id: int) -> offer_schemas.OfferCreate:
    payload = await _offer_payload(shown)
    created: offer_schemas.OfferCreate = _convert(
        {**payload, "organisation_id": organisation_id}, offer_schemas.OfferCreate
    )
    return created


async def offer_update(shown: Shown) -> offer_schemas.OfferUpdate:
    """Every field of the form: what was left empty is cleared."""
    update: offer_schemas.OfferUpdate = _convert(
        await _offer_payload(shown), offer_schemas.OfferUpdate
    )
    return update


def _plain(value: float | Decimal | None) -> str:
    """35.0 -> "35", Decimal("1850.50") -> "1850.5"."""
    if value is None:
        return ""
    number = float(value)
    return str(int(number)) if number.is_integer() else str(number)


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def offer_shown(row: Offer) -> Shown:
    """An offer's fields as its form shows them."""
    return {
        "title": row.title,
        "description": row.description,
        "trade": row.trade.code,
        "place": row.place.name,
        "place_slug": row.place.slug,
        "seasons": list(row.seasons),
        "contract": row.contract,
        "start_date": _day(row.start_date),
        "end_date": _day(row.end_date),
        "hours_per_week": _plain(row.hours_per_week),
        "pay_min": _plain(row.pay_min),
        "pay_max": _plain(row.pay_max),
        "pay_period": row.pay_period or "",
        "housing": row.housing,
        "meals": row.meals,
        "languages": list(row.languages),
        "driving_licence": row.driving_licence,
        "experience": row.experience,
        "positions": str(row.positions),
        "apply_email": row.apply_email or "",
        "apply_url": row.apply_url or "",
    }


def blank_offer(contact_email: str) -> Shown:
    return {
        **dict.fromkeys(OFFER_TEXT, ""),
        "place": "",
        "place_slug": "",
        "seasons": [],
        "languages": [],
        "meals": False,
        "driving_licence": False,
        "contract": "seasonal",
        "housing": "none",
        "experience": "none",
        "positions": "1",
        "apply_email": contact_email,
    }


# --- trainings ------------------------------------------------------------------------------


def read_training(form: FormMultiDict) -> Shown:
    shown: Shown = {name: str(form.get(name, "")) for name in TRAINING_TEXT}
    for name in TRAINING_LISTS:
        shown[name] = [str(v) for v in form.getall(name, [])]
    return shown


def _training_payload(shown: Shown) -> dict[str, Any]:
    """The training as the API would receive it, or InvalidInput naming every bad field."""
    errors = FormErrors()
    payload: dict[str, Any] = {}
    for name in TRAINING_TEXT:
        text = shown[name].replace("\r\n", "\n")
        text = text if name in KEPT_AS_TYPED else text.strip()
        if name in NUMBERS:
            text = _number(text)
        elif name == "certification_code":
            text = re.sub(r"\s", "", text).upper()  # "rncp 37735" is RNCP37735
        if not text.strip():
            if name in TRAINING_REQUIRED:
                errors.add(name, "required")
            else:
                # Requirements are text, never null; the other optional fields are cleared.
                payload[name] = "" if name == "entry_requirements" else None
            continue
        payload[name] = text
    for name in TRAINING_LISTS:
        payload[name] = shown[name]
    if not shown["trade_codes"]:
        errors.add("trade_codes", "required")
    _check_each(payload, training_schemas.TrainingUpdate, errors)
    errors.raise_if_any()
    return payload


def training_create(shown: Shown, organisation_id: int) -> training_schemas.TrainingCreate:
    created: training_schemas.TrainingCreate = _convert(
        {**_training_payload(shown), "organisation_id": organisation_id},
        training_schemas.TrainingCreate,
    )
    return created


def training_update(shown: Shown) -> training_schemas.TrainingUpdate:
    """Every field of the form: what was left empty is cleared."""
    update: training_schemas.TrainingUpdate = _convert(
        _training_payload(shown), training_schemas.TrainingUpdate
    )
    return update


def training_shown(row: Training) -> Shown:
    """A training's fields as its form shows them."""
    return {
        "title": row.title,
        "description": row.description,
        "trade_codes": list(row.trade_codes),
        "duration_hours": str(row.duration_hours),
        "modality": row.modality,
        "certification_code": row.certification_code or "",
        "certification_title": row.certification_title or "",
        "price_excl_vat": _plain(row.price_excl_vat),
        "price_incl_vat": _plain(row.price_incl_vat),
        "entry_requirements": row.entry_requirements,
        "funding": list(row.funding),
    }


def blank_training() -> Shown:
    return {
        **dict.fromkeys(TRAINING_TEXT, ""),
        "trade_codes": [],
        "funding": [],
        "modality": "on-site",
    }


# --- training sessions -----------------------------------------------------------------------


def read_session(form: FormMultiDict) -> Shown:
    shown: Shown = {name: str(form.get(name, "")).strip() for name in SESSION_TEXT}
    shown["place"] = str(form.get("place", ""))
    return shown


async def session_create(shown: Shown, training_id: int) -> training_schemas.SessionCreate:
    errors = FormErrors()
    payload: dict[str, Any] = {}
    for name in SESSION_TEXT:
        text = _number(shown[name]) if name in NUMBERS else shown[name]
        if text:
            payload[name] = text
        elif name in SESSION_REQUIRED:
            errors.add(name, "required")
    _check_each(payload, training_schemas.SessionUpdate, errors)
    place = await _place_slug(shown["place"], "", errors)
    errors.raise_if_any()
    created: training_schemas.SessionCreate = _convert(
        {**payload, "place": place, "training_id": training_id}, training_schemas.SessionCreate
    )
    return created


def seats_update(typed: str) -> training_schemas.SessionUpdate:
    text = _number(typed)
    if not text:
        raise InvalidInput.one("seats_taken", "required")
    update: training_schemas.SessionUpdate = _convert(
        {"seats_taken": text}, training_schemas.SessionUpdate
    )
    return update


def blank_session() -> Shown:
    return {**dict.fromkeys(SESSION_TEXT, ""), "place": "", "seats_taken": "0"}


# --- API tokens ------------------------------------------------------------------------------


def token_label(typed: str) -> str:
    created: TokenCreate = _convert({"label": typed.strip()}, TokenCreate)
    return created.label
