from datetime import UTC, datetime

import pytest

from app.alerts.schemas import Frequency
from app.alerts.services import next_run


@pytest.mark.parametrize(
    ("frequency", "now", "expected"),
    [
        # Monday 23 November 2026, 10:00 in Paris (UTC+1).
        (Frequency.INSTANT, "2026-11-23T09:00:00+00:00", "2026-11-23T09:00:00+00:00"),
        (Frequency.DAILY, "2026-11-23T09:00:00+00:00", "2026-11-24T06:00:00+00:00"),
        (Frequency.WEEKLY, "2026-11-23T09:00:00+00:00", "2026-11-30T06:00:00+00:00"),
        # Sunday evening: the weekly one is next morning.
        (Frequency.WEEKLY, "2026-11-29T20:00:00+00:00", "2026-11-30T06:00:00+00:00"),
        # Summer time (UTC+2): still 07:00 in France.
        (Frequency.DAILY, "2027-07-01T12:00:00+00:00", "2027-07-02T05:00:00+00:00"),
        # The night the clocks go forward (28 March 2027).
        (Frequency.DAILY, "2027-03-27T12:00:00+00:00", "2027-03-28T05:00:00+00:00"),
    ],
)
def test_next_run_is_seven_in_the_morning_in_france(
    frequency: Frequency, now: str, expected: str
) -> None:
    result = next_run(frequency, datetime.fromisoformat(now))
    assert result == datetime.fromisoformat(expected)
    assert result.astimezone(UTC) == datetime.fromisoformat(expected).astimezone(UTC)
