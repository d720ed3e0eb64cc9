"""The one clock: services ask it for the time, so tests move time instead of sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

import msgspec

# Where the offers, trainings and their readers are: calendar days are French days.
FRANCE = ZoneInfo("Europe/Paris")


@runtime_checkable
class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to (tests, benchmarks, replays)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware datetime")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def day_in_france(moment: datetime) -> date:
    """The calendar day in France at this (timezone-aware) moment."""
    return moment.astimezone(FRANCE).date()


def today(clock: Clock) -> date:
    """The calendar day in France, where the offers are."""
    return day_in_france(clock.now())


def timestamp(day: date | datetime | None) -> int | None:
    """Seconds since the epoch (a day counts from midnight in France): the form of the
    search documents' dates, compared by range filters."""
    if day is None:
        return None
    if isinstance(day, datetime):
        return int(day.timestamp())
    return int(datetime.combine(day, time(0), tzinfo=FRANCE).timestamp())


AWARE_EXAMPLE = "2026-12-31T12:00:00+01:00"  # the form shown in the API docs and its 400s
# Every date-time the API reads: with a UTC offset or Z, never a bare local time (which
# would be read as UTC, an hour or two off French time). A bare one is refused with a 400
# naming the field and showing the expected form.
AwareDateTime = Annotated[
    datetime,
    msgspec.Meta(
        tz=True,
        description=f"A date-time with a UTC offset or Z, e.g. {AWARE_EXAMPLE}",
        examples=[AWARE_EXAMPLE],
    ),
]
