"""Reading trainings and sessions: API lists, public pages, the sitemap and a school's space.

The public sees the trainings and sessions of public schools only (verified by staff); a
school's tokens see all of its own as well, the admin token everything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.auth import Principal
from app.core.errors import NotFound
from app.core.pagination import Page, PageRequest
from app.core.vocabulary import Massif, Modality, SessionStatus
from app.organisations.tables import is_public, row_is_public
from app.trainings import schemas
from app.trainings.services._lifecycle import session_status
from app.trainings.services._rows import (
    SESSION_RELATED,
    get_session,
    get_training,
    session_to_schema,
    to_schema,
)
from app.trainings.tables import Training, TrainingSession


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


def _visible(school: Any, principal: Principal | None) -> Any | None:
    """The condition on a training's school (a join to it) for what the caller may see; None
    for the admin token, who sees everything."""
    if principal is None:
        return is_public(school)
    if principal.admin:
        return None
    return is_public(school) | (school.id == principal.organisation_id)


async def list_trainings(
    page: PageRequest, filters: TrainingFilters, principal: Principal | None
) -> Page[schemas.Training]:
    """Trainings by title, those the caller may see."""
    conditions: list[Any] = []
    visible = _visible(Training.organisation._, principal)
    if visible is not None:
        conditions.append(visible)
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


async def list_sessions(
    page: PageRequest, filters: SessionFilters, principal: Principal | None
) -> Page[schemas.Session]:
    """Sessions by start date, those the caller may see."""
    conditions: list[Any] = []
    visible = _visible(TrainingSession.training._.organisation._, principal)
    if visible is not None:
        conditions.append(visible)
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


def _may_see(school: Any, principal: Principal | None) -> bool:
    return row_is_public(school) or (principal is not None and principal.may_act_for(school.id))


async def get_training_visible_to(training_id: int, principal: Principal | None) -> Training:
    """One training, if the caller may see it (NotFound otherwise)."""
    row = await get_training(training_id)
    if not _may_see(row.organisation, principal):
        raise NotFound(f"No training {training_id}")
    return row


async def get_session_visible_to(session_id: int, principal: Principal | None) -> TrainingSession:
    """One session, if the caller may see it (NotFound otherwise)."""
    row = await get_session(session_id)
    if not _may_see(row.training.organisation, principal):
        raise NotFound(f"No session {session_id}")
    return row


async def get_training_by_slug(slug: str) -> Training:
    """A training and its school, for the training's public page (a public school's only)."""
    row = (
        await Training.objects(Training.organisation)
        .where((Training.slug == slug) & is_public(Training.organisation._))
        .first()
    )
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
    """The open or full sessions of public schools starting on or after `day`: training slug,
    school slug and the times they last changed (one row per session; the sitemap groups
    them)."""
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
            & is_public(TrainingSession.training._.organisation._)
        )
        .order_by(TrainingSession.training._.slug)
    )


async def trainings_of(organisation_id: int) -> list[Training]:
    """A school's trainings by title, for its space."""
    return (
        await Training.objects()
        .where(Training.organisation == organisation_id)
        .order_by(Training.title)
        .order_by(Training.id)
    )
