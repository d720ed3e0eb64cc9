"""Sessions' lifecycle: creating one, and every change locks its row and checks the state
it found.

Two changes of one session at once run one after the other (the second waits for the first's
row lock, then sees what it left): a cancelled session takes no change (409 naming it) and
never comes back. The outbox row is written in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import msgspec

from app.core.auth import Principal
from app.core.clock import Clock, today
from app.core.creation import create_once
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.validation import Checker
from app.core.vocabulary import SessionStatus
from app.outbox.services import Entity, Operation, record
from app.places import services as places
from app.trainings import schemas
from app.trainings.services._rows import get_session
from app.trainings.tables import Training, TrainingSession


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
    session_id = await create_once(
        row,
        owner=(TrainingSession.training._.organisation, training["organisation"]),
        also=lambda session_id: record(Entity.SESSION, session_id, Operation.UPSERT, now),
    )
    return await get_session(session_id)


async def _locked_change(
    session_id: int,
    principal: Principal | None,
    clock: Clock,
    change: Callable[[TrainingSession], dict[str, Any]],
) -> TrainingSession:
    """Lock the session's row, let `change(found)` check the state it found and say what to
    write, then write it (its status worked out again) with its outbox row: two changes at
    once run one after the other, the second on what the first left."""
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


async def close_registrations(
    session_id: int, principal: Principal, clock: Clock
) -> TrainingSession:
    """Stop registrations now: the deadline moves to yesterday, so the session is closed."""
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


async def refresh_statuses(clock: Clock) -> int:
    """Close sessions at their deadline or when full, reopen them when a seat frees before
    the deadline, archive past ones; each change goes through the outbox."""
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
