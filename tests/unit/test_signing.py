from datetime import UTC, datetime, timedelta

import pytest

from app.core.signing import BadSignature, sign, unsign

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SECRET = "a-secret-key-of-the-tests-0123456789"


def test_round_trip_until_it_expires() -> None:
    token = sign(SECRET, "alert-confirm", {"a": 7}, NOW + timedelta(days=7))
    assert unsign(SECRET, "alert-confirm", token, NOW) == {"a": 7}
    with pytest.raises(BadSignature, match="expired"):
        unsign(SECRET, "alert-confirm", token, NOW + timedelta(days=7, seconds=1))


@pytest.mark.parametrize(
    ("secret", "purpose", "mangle"),
    [
        ("another-secret-key-0123456789-0123", "alert-confirm", lambda t: t),
        (SECRET, "alert-unsubscribe", lambda t: t),
        (SECRET, "alert-confirm", lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB")),
        (SECRET, "alert-confirm", lambda t: "x" + t),
        (SECRET, "alert-confirm", lambda t: t.partition(".")[0]),
        (SECRET, "alert-confirm", lambda t: "%%%.@@@"),
    ],
)
def test_altered_or_misused_tokens_are_refused(secret: str, purpose: str, mangle: object) -> None:
    token = sign(SECRET, "alert-confirm", {"a": 7}, None)
    assert callable(mangle)
    with pytest.raises(BadSignature):
        unsign(secret, purpose, mangle(token), NOW)
