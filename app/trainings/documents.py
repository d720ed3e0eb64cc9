"""The training sessions' search documents: which are public, their rows, their documents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from app.core.clock import timestamp
from app.core.vocabulary import SessionStatus
from app.organisations.tables import IS_PUBLIC_SQL, is_public
from app.outbox.searchable import Changed, Document, Row, Searchable
from app.outbox.services import Entity
from app.places.documents import PLACE_COLUMNS, place_fields
from app.search_indexes import SESSIONS
from app.trades.tables import Trade
from app.trainings.tables import TrainingSession

PUBLIC_SESSION_STATUSES = (SessionStatus.OPEN.value, SessionStatus.FULL.value)


def session_is_public(row: Row, now: datetime | None = None) -> bool:
    """Open or full, and its school public (verified by staff)."""
    return row["status"] in PUBLIC_SESSION_STATUSES and bool(row["organisation_public"])


def session_document(row: Row, trade_labels: dict[str, str]) -> Document:
    """The document of a session row of `load_sessions`."""
    codes = list(row["trade_codes"])
    start: date = row["start_date"]
    price = row["price_incl_vat"]
    return {
        "id": row["id"],
        "training_id": row["training_id"],
        "training_slug": row["training_slug"],
        "training_title": row["training_title"],
        "description": row["description"],
        "certification_code": row["certification_code"],
        "certification_title": row["certification_title"],
        "modality": row["modality"],
        "duration_hours": row["duration_hours"],
        "funding": list(row["funding"]),
        "price_incl_vat": float(price) if price is not None else None,
        "trade_codes": codes,
        "trade_labels": [trade_labels.get(c, c) for c in codes],
        "organisation_id": row["organisation_id"],
        "organisation_slug": row["organisation_slug"],
        "organisation_name": row["organisation_name"],
        **place_fields(row),
        "start_date": timestamp(start),
        "end_date": timestamp(row["end_date"]),
        "registration_deadline": timestamp(row["registration_deadline"]),
        "start_day": start.isoformat(),
        "end_day": row["end_date"].isoformat(),
        "deadline_day": row["registration_deadline"].isoformat(),
        "month": start.strftime("%Y-%m"),
        "seats_total": row["seats_total"],
        "seats_left": max(row["seats_total"] - row["seats_taken"], 0),
        "status": row["status"],
    }


SESSION_ROWS = (
    "SELECT s.id, s.start_date, s.end_date, s.registration_deadline, s.seats_total, "
    "s.seats_taken, s.status, tr.id AS training_id, tr.slug AS training_slug, "
    "tr.title AS training_title, tr.description, tr.certification_code, "
    "tr.certification_title, tr.modality, tr.duration_hours, tr.funding, tr.price_incl_vat, "
    "tr.trade_codes, g.id AS organisation_id, g.slug AS organisation_slug, "
    f"g.name AS organisation_name, {IS_PUBLIC_SQL.format('g')} AS organisation_public, "
    f"{PLACE_COLUMNS} "
    "FROM training_session s JOIN training tr ON tr.id = s.training "
    "JOIN organisation g ON g.id = tr.organisation JOIN place p ON p.id = s.place "
    "WHERE s.id = ANY({})"
)


async def load_sessions(ids: Iterable[int]) -> list[Row]:
    """The sessions' rows with their training, organisation and place, in one statement."""
    wanted = list(set(ids))
    if not wanted:
        return []
    rows: list[Row] = await TrainingSession.raw(SESSION_ROWS, wanted)
    return rows


async def session_documents(rows: Sequence[Row]) -> list[Document]:
    codes = {c for r in rows for c in r["trade_codes"]}
    labels: dict[str, str] = {}
    if codes:
        for trade in await Trade.select(Trade.code, Trade.label, Trade.mountain_label).where(
            Trade.code.is_in(list(codes))
        ):
            labels[trade["code"]] = trade["mountain_label"] or trade["label"]
    return [session_document(r, labels) for r in rows]


async def public_session_ids(now: datetime) -> list[int]:
    rows = (
        await TrainingSession.select(TrainingSession.id)
        .where(
            TrainingSession.status.is_in(list(PUBLIC_SESSION_STATUSES))
            & is_public(TrainingSession.training._.organisation._)
        )
        .order_by(TrainingSession.id)
    )
    return [r["id"] for r in rows]


async def affected_sessions(changed: Changed) -> set[int]:
    """The sessions named, and those of the trainings and organisations named."""
    ids = set(changed.get(Entity.SESSION, ()))
    organisations = changed.get(Entity.ORGANISATION)
    if organisations:
        rows = await TrainingSession.select(TrainingSession.id).where(
            TrainingSession.training._.organisation.is_in(list(organisations))
        )
        ids.update(r["id"] for r in rows)
    trainings = changed.get(Entity.TRAINING)
    if trainings:
        rows = await TrainingSession.select(TrainingSession.id).where(
            TrainingSession.training.is_in(list(trainings))
        )
        ids.update(r["id"] for r in rows)
    return ids


SEARCHABLE = Searchable(
    spec=SESSIONS,
    entities=frozenset({Entity.SESSION, Entity.TRAINING, Entity.ORGANISATION}),
    affected=affected_sessions,
    load=load_sessions,
    is_public=session_is_public,
    documents=session_documents,
    public_ids=public_session_ids,
)
