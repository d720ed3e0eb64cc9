"""Trainings' rows: their API shapes, reading one, creating and changing a training.

Two trainings of one title at once get distinct slugs; a site form's one-time creation key
makes one record of a double submit.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec

from app.core.auth import Principal
from app.core.creation import create_once
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.core.text import slugify
from app.core.validation import Checker
from app.core.vocabulary import Funding, Modality, OrganisationKind, SessionStatus
from app.organisations.schemas import OrganisationRef
from app.organisations.services import place_ref
from app.organisations.tables import Organisation
from app.outbox.services import Entity, Operation, record
from app.trades.tables import Trade
from app.trainings import schemas
from app.trainings.tables import Training, TrainingSession

SESSION_RELATED = (
    TrainingSession.training,
    TrainingSession.training._.organisation,
    TrainingSession.place,
)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 2)))


def to_schema(row: Training) -> schemas.Training:
    return schemas.Training(
        id=row.id,
        slug=row.slug,
        title=row.title,
        description=row.description,
        organisation=OrganisationRef(
            id=row.organisation.id, slug=row.organisation.slug, name=row.organisation.name
        ),
        trade_codes=list(row.trade_codes),
        certification_code=row.certification_code,
        certification_title=row.certification_title,
        duration_hours=row.duration_hours,
        modality=Modality(row.modality),
        price_excl_vat=_float(row.price_excl_vat),
        price_incl_vat=_float(row.price_incl_vat),
        entry_requirements=row.entry_requirements,
        funding=[Funding(f) for f in row.funding],
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def session_to_schema(row: TrainingSession) -> schemas.Session:
    place = place_ref(row.place)
    assert place is not None
    training = row.training
    return schemas.Session(
        id=row.id,
        training=schemas.TrainingRef(
            id=training.id,
            slug=training.slug,
            title=training.title,
            organisation=OrganisationRef(
                id=training.organisation.id,
                slug=training.organisation.slug,
                name=training.organisation.name,
            ),
        ),
        place=place,
        start_date=row.start_date,
        end_date=row.end_date,
        seats_total=row.seats_total,
        seats_taken=row.seats_taken,
        seats_left=max(row.seats_total - row.seats_taken, 0),
        registration_deadline=row.registration_deadline,
        status=SessionStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def _check_training(values: dict[str, Any]) -> None:
    checker = Checker()
    codes = [c.upper() for c in values["trade_codes"]]
    checker.require(len(codes) >= 1, "trade_codes", "name at least one ROME code")
    if codes:
        known = {r["code"] for r in await Trade.select(Trade.code).where(Trade.code.is_in(codes))}
        unknown = sorted(set(codes) - known)
        checker.require(not unknown, "trade_codes", f"unknown ROME codes: {', '.join(unknown)}")
    excl, incl = values.get("price_excl_vat"), values.get("price_incl_vat")
    checker.require(
        excl is None or incl is None or incl >= excl,
        "price_incl_vat",
        "must not be lower than price_excl_vat",
    )
    checker.require(
        values.get("certification_title") is None or values.get("certification_code") is not None,
        "certification_code",
        "required with certification_title (an RNCP or RS code)",
    )
    checker.require(bool(values["title"].strip()), "title", "expected a non-blank title")
    checker.raise_if_any()


async def _school_for(organisation_id: int | None, principal: Principal) -> int:
    organisation_id = organisation_id or principal.organisation_id
    if organisation_id is None:
        raise InvalidInput.one("organisation_id", "required with the admin token")
    if not principal.may_act_for(organisation_id):
        raise Forbidden("This token belongs to another organisation")
    kind = (
        await Organisation.select(Organisation.kind)
        .where(Organisation.id == organisation_id)
        .first()
    )
    if kind is None:
        raise InvalidInput.one("organisation_id", f"no organisation {organisation_id}")
    if kind["kind"] != OrganisationKind.SCHOOL:
        raise InvalidInput.one("organisation_id", "only a school can offer trainings")
    return organisation_id


async def create_training(
    data: schemas.TrainingCreate,
    principal: Principal,
    now: datetime,
    creation_key: str | None = None,
) -> Training:
    """A new training. Two of the same title at once get distinct slugs; with a site form's
    one-time `creation_key`, a second request makes nothing and returns the first's training."""
    organisation_id = await _school_for(data.organisation_id, principal)
    await _check_training(msgspec.structs.asdict(data))
    row = Training(
        organisation=organisation_id,
        title=data.title.strip(),
        creation_key=creation_key,
        description=data.description,
        trade_codes=sorted({c.upper() for c in data.trade_codes}),
        certification_code=data.certification_code,
        certification_title=data.certification_title,
        duration_hours=data.duration_hours,
        modality=data.modality.value,
        price_excl_vat=_money(data.price_excl_vat),
        price_incl_vat=_money(data.price_incl_vat),
        entry_requirements=data.entry_requirements,
        funding=[f.value for f in data.funding],
        created_at=now,
        updated_at=now,
    )
    training_id = await create_once(
        row,
        owner=(Training.organisation, organisation_id),
        also=lambda training_id: record(Entity.TRAINING, training_id, Operation.UPSERT, now),
        slug_base=slugify(data.title, 110),
    )
    return await get_training(training_id)


async def update_training(
    training_id: int, data: schemas.TrainingUpdate, principal: Principal, now: datetime
) -> Training:
    row = await get_training(training_id)
    if not principal.may_act_for(row.organisation.id):
        raise Forbidden("This token belongs to another organisation")
    changes: dict[Any, Any] = {
        k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET
    }
    current = {
        "title": row.title,
        "trade_codes": list(row.trade_codes),
        "price_excl_vat": _float(row.price_excl_vat),
        "price_incl_vat": _float(row.price_incl_vat),
        "certification_code": row.certification_code,
        "certification_title": row.certification_title,
    }
    await _check_training({**current, **changes})
    if "trade_codes" in changes:
        changes["trade_codes"] = sorted({c.upper() for c in changes["trade_codes"]})
    for key in ("price_excl_vat", "price_incl_vat"):
        if key in changes:
            changes[key] = _money(changes[key])
    if "modality" in changes:
        changes["modality"] = changes["modality"].value
    if "funding" in changes:
        changes["funding"] = [f.value for f in changes["funding"]]
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    changes["updated_at"] = now
    async with Training._meta.db.transaction():
        # Session documents carry the training's title and trades: the sync refreshes them.
        await record(Entity.TRAINING, training_id, Operation.UPSERT, now)
        await Training.update(changes).where(Training.id == training_id)
    return await get_training(training_id)


async def get_training(training_id: int) -> Training:
    row = await Training.objects(Training.organisation).where(Training.id == training_id).first()
    if row is None:
        raise NotFound(f"No training {training_id}")
    return row


async def get_session(session_id: int) -> TrainingSession:
    row = (
        await TrainingSession.objects(*SESSION_RELATED)
        .where(TrainingSession.id == session_id)
        .first()
    )
    if row is None:
        raise NotFound(f"No session {session_id}")
    return row
