"""Trainings and their sessions: a school's courses and their dated runs.

Session lifecycle: open ⇄ full ⇄ closed (seats and registration deadline), → archived once
over, → cancelled for good. Every session change locks the row and checks the state it found
(409 naming it otherwise), with its outbox row in the same transaction.
"""

from app.trainings.services._lifecycle import (
    cancel_session,
    close_registrations,
    create_session,
    refresh_statuses,
    session_status,
    update_session,
)
from app.trainings.services._queries import (
    LISTED_STATUSES,
    SessionFilters,
    TrainingFilters,
    get_session_visible_to,
    get_training_by_slug,
    get_training_visible_to,
    list_sessions,
    list_trainings,
    listed_training_sessions,
    school_catalogue,
    sessions_not_over,
    shown_status,
    trainings_of,
)
from app.trainings.services._rows import (
    SESSION_RELATED,
    create_training,
    get_session,
    get_training,
    session_to_schema,
    to_schema,
    update_training,
)

__all__ = [
    "LISTED_STATUSES",
    "SESSION_RELATED",
    "SessionFilters",
    "TrainingFilters",
    "cancel_session",
    "close_registrations",
    "create_session",
    "create_training",
    "get_session",
    "get_session_visible_to",
    "get_training",
    "get_training_by_slug",
    "get_training_visible_to",
    "list_sessions",
    "list_trainings",
    "listed_training_sessions",
    "refresh_statuses",
    "school_catalogue",
    "session_status",
    "session_to_schema",
    "sessions_not_over",
    "shown_status",
    "to_schema",
    "trainings_of",
    "update_session",
    "update_training",
]
