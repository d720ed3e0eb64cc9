"""Trainings and their sessions: a school's courses and their dated runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg
import msgspec

from app.core.auth import Principal
from app.core.clock import Clock
from app.core.creation import broke, insert_with_slug
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.pagination import Page, PageRequest
from app.core.text import slugify
from app.core.validation import Checker
from app.core.vocabulary import Funding, Massif, Modality, OrganisationKind, SessionStatus
from app.organisations.schemas import OrganisationRef
from app.organisations.services import place_ref
from app.organisations.tables import Organisation
from app.outbox.services import Entity, Operation, record
from app.places import services as places
from app.trades.tables import Trade
from app.trainings import schemas
from app.trainings.tables import Training, TrainingSession

SESSION_RELATED = (
    TrainingSession.training,
    TrainingSession.training._.organisation,
    TrainingSession.place,
)


@dataclass(frozen=True)
class TrainingFilters:
    organisation: list[int] | None = None
    trade: list[str] | None = None
    modality: list[Modality] | None = None


@dataclass(frozen=True)
class SessionFilters:
    training: list[int] | None = None
    organisation: list[int] | None = None
    status: list[SessionStatus] | None = None
    massif: list[Massif] | None = None
    trade: list[str] | None = None


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


# --- trainings -------------------------------------------------------------------------------


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

    async def insert(slug: str) -> int:
        row.slug = slug
        await row.save()
        await record(Entity.TRAINING, row.id, Operation.UPSERT, now)
        return int(row.id)

    try:
        training_id = await insert_with_slug(insert, slugify(data.title, 110), "training_slug_key")
    except asyncpg.UniqueViolationError as exc:
        if creation_key is None or not broke(exc, "training_creation_key_key"):
            raise
        training_id = await _made_with(Training, creation_key, organisation_id)
    return await get_training(training_id)


async def _made_with(table: type[Training] | type[TrainingSession], key: str, owner: int) -> int:
    """The training or session a first submit of this creation key made (for this school)."""
    if table is Training:
        query = Training.select(Training.id, Training.organisation.as_alias("owner"))
    else:
        query = TrainingSession.select(
            TrainingSession.id, TrainingSession.training._.organisation.as_alias("owner")
        )
    made = await query.where(table.creation_key == key).first()
    if made is None or made["owner"] != owner:
        raise Conflict("creation_key: already used; reload the form")
    return int(made["id"])


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


async def list_trainings(page: PageRequest, filters: TrainingFilters) -> Page[schemas.Training]:
    conditions: list[Any] = []
    if filters.organisation:
        conditions.append(Training.organisation.is_in(filters.organisation))
    if filters.modality:
        conditions.append(Training.modality.is_in([m.value for m in filters.modality]))
    if filters.trade:
        trade_condition: Any = None
        for code in filters.trade:
            one = Training.trade_codes.any(code.upper())
            trade_condition = one if trade_condition is None else trade_condition | one
        conditions.append(trade_condition)
    query = Training.objects(Training.organisation)
    count = Training.count()
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.order_by(Training.title).limit(page.page_size).offset(page.offset)
    return Page.of([to_schema(r) for r in rows], int(await count), page)


# --- sessions --------------------------------------------------------------------------------


def session_status(
    current: SessionStatus,
    seats_total: int,
    seats_taken: int,
    deadline: date,
    end: date,
    today: date,
) -> SessionStatus:
    """Where a session stands: cancelled stays cancelled; then archived, full, closed or open."""
    if current == SessionStatus.CANCELLED:
        return current
    if end < today:
        return SessionStatus.ARCHIVED
    if seats_taken >= seats_total:
        return SessionStatus.FULL
    if deadline < today:
        return SessionStatus.CLOSED
    return SessionStatus.OPEN


def _check_session(values: dict[str, Any]) -> None:
    checker = Checker()
    checker.require(
        values["end_date"] >= values["start_date"], "end_date", "must be on or after start_date"
    )
    checker.require(
        values["registration_deadline"] <= values["start_date"],
        "registration_deadline",
        "must be on or before start_date",
    )
    checker.require(
        values["seats_taken"] <= values["seats_total"],
        "seats_taken",
        "must not exceed seats_total",
    )
    checker.raise_if_any()


async def create_session(
    data: schemas.SessionCreate,
    principal: Principal,
    clock: Clock,
    creation_key: str | None = None,
) -> TrainingSession:
    """A new session; with a site form's one-time `creation_key`, a second request makes
    nothing and returns the session the first made."""
    from app.core.clock import today

    training = (
        await Training.select(Training.organisation).where(Training.id == data.training_id).first()
    )
    if training is None:
        raise InvalidInput.one("training_id", f"no training {data.training_id}")
    if not principal.may_act_for(training["organisation"]):
        raise Forbidden("This token belongs to another organisation")
    _check_session(msgspec.structs.asdict(data))
    place = await places.resolve_slug(data.place, "place")
    now = clock.now()
    status = session_status(
        SessionStatus.OPEN,
        data.seats_total,
        data.seats_taken,
        data.registration_deadline,
        data.end_date,
        today(clock),
    )
    row = TrainingSession(
        training=data.training_id,
        place=place.id,
        start_date=data.start_date,
        end_date=data.end_date,
        seats_total=data.seats_total,
        seats_taken=data.seats_taken,
        registration_deadline=data.registration_deadline,
        status=status.value,
        creation_key=creation_key,
        created_at=now,
        updated_at=now,
    )
    try:
        async with TrainingSession._meta.db.transaction():
            await row.save()
            await record(Entity.SESSION, row.id, Operation.UPSERT, now)
    except asyncpg.UniqueViolationError as exc:
        if creation_key is None or not broke(exc, "training_session_creation_key_key"):
            raise
        return await get_session(
            await _made_with(TrainingSession, creation_key, training["organisation"])
        )
    return await get_session(row.id)


async def _locked_change(
    session_id: int,
    principal: Principal | None,
    clock: Clock,
    change: Callable[[TrainingSession], dict[str, Any]],
) -> TrainingSession:
    """Lock the session's row, let `change(found)` check the state it found and say what to
    write, then write it (its status worked out again) with its outbox row: two changes at
    once run one after the other, the second on what the first left."""
    from app.core.clock import today

    now = clock.now()
    async with TrainingSession._meta.db.transaction():
        found = (
            await TrainingSession.objects()
            .where(TrainingSession.id == session_id)
            .lock_rows()
            .first()
        )
        if found is None:
            raise NotFound(f"No session {session_id}")
        if principal is not None:
            training = (
                await Training.select(Training.organisation)
                .where(Training.id == found.training)
                .first()
            )
            assert training is not None
            if not principal.may_act_for(training["organisation"]):
                raise Forbidden("This token belongs to another organisation")
        changes: dict[Any, Any] = change(found)
        merged = {
            "seats_total": found.seats_total,
            "seats_taken": found.seats_taken,
            "registration_deadline": found.registration_deadline,
            "end_date": found.end_date,
            **changes,
        }
        changes["status"] = session_status(
            SessionStatus(changes.get("status", found.status)),
            merged["seats_total"],
            merged["seats_taken"],
            merged["registration_deadline"],
            merged["end_date"],
            today(clock),
        ).value
        changes["updated_at"] = now
        await TrainingSession.update(changes).where(TrainingSession.id == session_id)
        await record(Entity.SESSION, session_id, Operation.UPSERT, now)
    return await get_session(session_id)


def _refuse_if_over(found: TrainingSession) -> None:
    if found.status in (SessionStatus.CANCELLED, SessionStatus.ARCHIVED):
        raise Conflict(f"status: this session is {found.status}", found=found.status)


async def update_session(
    session_id: int, data: schemas.SessionUpdate, principal: Principal, clock: Clock
) -> TrainingSession:
    """Change a session's dates, place or seats; its status follows (open, full, closed).
    409 naming the state when it is cancelled or archived."""
    changes: dict[str, Any] = {
        k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET
    }
    if "place" in changes:
        changes["place"] = (await places.resolve_slug(changes["place"], "place")).id

    def change(found: TrainingSession) -> dict[str, Any]:
        _refuse_if_over(found)
        _check_session(
            {
                "start_date": found.start_date,
                "end_date": found.end_date,
                "seats_total": found.seats_total,
                "seats_taken": found.seats_taken,
                "registration_deadline": found.registration_deadline,
                **changes,
            }
        )
        return dict(changes)

    return await _locked_change(session_id, principal, clock, change)


async def cancel_session(session_id: int, principal: Principal, clock: Clock) -> TrainingSession:
    """Cancel for good; 409 naming the state when already cancelled or archived."""

    def change(found: TrainingSession) -> dict[str, Any]:
        _refuse_if_over(found)
        return {"status": SessionStatus.CANCELLED.value}

    return await _locked_change(session_id, principal, clock, change)


async def get_session(session_id: int) -> TrainingSession:
    row = (
        await TrainingSession.objects(*SESSION_RELATED)
        .where(TrainingSession.id == session_id)
        .first()
    )
    if row is None:
        raise NotFound(f"No session {session_id}")
    return row


async def list_sessions(page: PageRequest, filters: SessionFilters) -> Page[schemas.Session]:
    conditions: list[Any] = []
    if filters.training:
        conditions.append(TrainingSession.training.is_in(filters.training))
    if filters.organisation:
        conditions.append(TrainingSession.training._.organisation.is_in(filters.organisation))
    if filters.status:
        conditions.append(TrainingSession.status.is_in([s.value for s in filters.status]))
    if filters.massif:
        conditions.append(TrainingSession.place._.massif.is_in([m.value for m in filters.massif]))
    if filters.trade:
        trade_condition: Any = None
        for code in filters.trade:
            one = TrainingSession.training._.trade_codes.any(code.upper())
            trade_condition = one if trade_condition is None else trade_condition | one
        conditions.append(trade_condition)
    query = TrainingSession.objects(*SESSION_RELATED)
    count = TrainingSession.count()
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    rows = (
        await query.order_by(TrainingSession.start_date)
        .order_by(TrainingSession.id)
        .limit(page.page_size)
        .offset(page.offset)
    )
    return Page.of([session_to_schema(r) for r in rows], int(await count), page)


async def refresh_statuses(clock: Clock) -> int:
    """Close sessions at their deadline or when full, reopen them when a seat frees before
    the deadline, archive past ones; each change goes through the outbox."""
    from app.core.clock import today

    day = today(clock)
    changed = 0
    rows = await TrainingSession.select(
        TrainingSession.id,
        TrainingSession.status,
        TrainingSession.seats_total,
        TrainingSession.seats_taken,
        TrainingSession.registration_deadline,
        TrainingSession.end_date,
    ).where(TrainingSession.status.not_in([SessionStatus.CANCELLED, SessionStatus.ARCHIVED]))
    for row in rows:
        status = session_status(
            SessionStatus(row["status"]),
            row["seats_total"],
            row["seats_taken"],
            row["registration_deadline"],
            row["end_date"],
            day,
        )
        if status != row["status"]:
            # Locked and worked out again: a cancel or a seats change since the read wins.
            after = await _locked_change(row["id"], None, clock, lambda found: {})
            changed += after.status != row["status"]
    return changed


# --- public pages ------------------------------------------------------------------------------

LISTED_STATUSES = (SessionStatus.OPEN.value, SessionStatus.FULL.value)


def shown_status(row: TrainingSession, day: date) -> SessionStatus:
    """The status a public page shows: the stored one, brought up to date for `day`.

    The cron refreshes statuses twice an hour; a page never says "open" past the deadline.
    """
    return session_status(
        SessionStatus(row.status),
        row.seats_total,
        row.seats_taken,
        row.registration_deadline,
        row.end_date,
        day,
    )


async def get_training_by_slug(slug: str) -> Training:
    """A training and its school, for the training's public page."""
    row = await Training.objects(Training.organisation).where(Training.slug == slug).first()
    if row is None:
        raise NotFound(f"No training with slug {slug!r}")
    return row


async def _sessions_with_places(training_ids: list[int], condition: Any) -> list[TrainingSession]:
    if not training_ids:
        return []
    return (
        await TrainingSession.objects(TrainingSession.place)
        .where(TrainingSession.training.is_in(training_ids) & condition)
        .order_by(TrainingSession.start_date)
        .order_by(TrainingSession.id)
    )


async def sessions_not_over(training_ids: list[int], day: date) -> list[TrainingSession]:
    """The sessions of these trainings that end on or after `day`, by start date, with places."""
    return await _sessions_with_places(training_ids, TrainingSession.end_date >= day)


async def school_catalogue(
    organisation_id: int, day: date
) -> list[tuple[Training, list[TrainingSession]]]:
    """A school's trainings by title, each with its upcoming sessions (starting on or after
    `day`, not cancelled)."""
    trainings = (
        await Training.objects()
        .where(Training.organisation == organisation_id)
        .order_by(Training.title)
        .order_by(Training.id)
    )
    sessions = await _sessions_with_places(
        [t.id for t in trainings],
        (TrainingSession.start_date >= day)
        & (TrainingSession.status != SessionStatus.CANCELLED.value),
    )
    by_training: dict[int, list[TrainingSession]] = {t.id: [] for t in trainings}
    for session in sessions:
        by_training[session.training].append(session)
    return [(t, by_training[t.id]) for t in trainings]


async def listed_training_sessions(day: date) -> list[dict[str, Any]]:
    """The open or full sessions starting on or after `day`: training slug, school slug and
    the times they last changed (one row per session; the sitemap groups them)."""
    return await (
        TrainingSession.select(
            TrainingSession.training._.slug.as_alias("training_slug"),
            TrainingSession.training._.updated_at.as_alias("training_updated_at"),
            TrainingSession.updated_at,
            TrainingSession.training._.organisation._.slug.as_alias("organisation_slug"),
            TrainingSession.training._.organisation._.updated_at.as_alias(
                "organisation_updated_at"
            ),
        )
        .where(
            TrainingSession.status.is_in(list(LISTED_STATUSES))
            & (TrainingSession.start_date >= day)
        )
        .order_by(TrainingSession.training._.slug)
    )


# --- the organisation space ------------------------------------------------------------------


async def trainings_of(organisation_id: int) -> list[Training]:
    """A school's trainings by title, for its space."""
    return (
        await Training.objects()
        .where(Training.organisation == organisation_id)
        .order_by(Training.title)
        .order_by(Training.id)
    )


async def close_registrations(
    session_id: int, principal: Principal, clock: Clock
) -> TrainingSession:
    """Stop registrations now: the deadline moves to yesterday, so the session is closed."""
    from app.core.clock import today

    yesterday = today(clock) - timedelta(days=1)

    def change(found: TrainingSession) -> dict[str, Any]:
        if found.status not in (SessionStatus.OPEN, SessionStatus.FULL) or (
            found.registration_deadline <= yesterday
        ):
            raise Conflict(
                f"status: registrations are already closed; this session is {found.status}",
                found=found.status,
            )
        return {"registration_deadline": yesterday}

    return await _locked_change(session_id, principal, clock, change)
