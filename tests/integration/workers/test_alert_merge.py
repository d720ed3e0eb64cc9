"""The migration that merged duplicate saved searches (issue 14, item 4), run on old rows.

The rows are written as they were before canonical searches (raw SQL, past the service):
the same search with the massifs in another order, `q` capitalised and padded, the address in
another case, with send logs that overlap. The migration's forwards coroutine then runs on
the suite's database, after its backwards one put the old unique index back.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any

import asyncpg
import msgspec
import pytest
from httpx import AsyncClient

from app.alerts import services
from app.alerts.tables import Alert, AlertSend
from app.config import get_settings
from app.core.clock import FrozenClock
from tests.integration.conftest import Org, make_offer

MERGE: ModuleType = importlib.import_module("migrations.alerts.alerts_2026_11_30t12_00_00_000000")
JURA_VOSGES_SERVEUR = {"massif": ["jura", "vosges"], "q": "serveur"}


@pytest.fixture
async def before_merge(client: AsyncClient) -> AsyncIterator[None]:
    """The database as it was before the migration (its backwards step: the old index, no
    alert_merged); after the test, as after it (whatever the test left)."""
    async with Alert._meta.db.transaction():
        await MERGE.unmerge_index()
    yield
    await Alert.raw("TRUNCATE alert RESTART IDENTITY CASCADE")
    async with Alert._meta.db.transaction():
        await MERGE.unmerge_index()
        await MERGE.merge()


async def old_alert(
    email: str, frequency: str, search: dict[str, Any], created: datetime, confirmed: bool
) -> dict[str, Any]:
    [row] = await Alert.raw(
        "INSERT INTO alert (email, search, frequency, key, confirmed_at, confirmations_sent,"
        " created_at, updated_at) VALUES ({}, {}::jsonb, {}, md5(random()::text)::varchar(16),"
        " {}, 1, {}, {}) RETURNING id, key",
        email,
        msgspec.json.encode(search).decode(),
        frequency,
        created if confirmed else None,
        created,
        created,
    )
    return dict(row)


async def claim(alert: dict[str, Any], offer: int, at: datetime, message_id: str | None) -> None:
    await Alert.raw(
        "INSERT INTO alert_send (alert, offer, claimed_at, sent_at, message_id)"
        " VALUES ({}, {}, {}, {}, {})",
        alert["id"],
        offer,
        at,
        at if message_id else None,
        message_id,
    )


async def run_merge() -> None:
    async with Alert._meta.db.transaction():  # as Piccolo runs a migration
        await MERGE.merge()


async def send_log(alert_id: int) -> dict[int, tuple[Any, Any]]:
    rows = await AlertSend.select(AlertSend.offer, AlertSend.sent_at, AlertSend.message_id).where(
        AlertSend.alert == alert_id
    )
    return {r["offer"]: (r["sent_at"], r["message_id"]) for r in rows}


async def test_duplicates_merge_into_the_oldest_confirmed_with_sent_claims_winning(
    client: AsyncClient, employer: Org, clock: FrozenClock, before_merge: None
) -> None:
    t0 = clock.now() - timedelta(days=30)
    o1, o2, o3 = [
        (await make_offer(client, employer, title=f"Serveur {n}"))["id"] for n in (1, 2, 3)
    ]
    # The oldest is unconfirmed and already canonical; the oldest confirmed is the reviewer's
    # crash: rewritten in canonical form it equals the first while both still exist.
    first = await old_alert("lea@x.fr", "daily", JURA_VOSGES_SERVEUR, t0, confirmed=False)
    kept = await old_alert(
        "lea@x.fr",
        "daily",
        {"massif": ["vosges", "jura"], "q": "Serveur ", "radius_km": 20},
        t0 + timedelta(days=1),
        confirmed=True,
    )
    other_case = await old_alert(
        "LEA@X.fr",
        "daily",
        {"massif": ["jura", "vosges", "jura"], "q": "SERVEUR"},
        t0 + timedelta(days=2),
        confirmed=True,
    )
    weekly = await old_alert("lea@x.fr", "weekly", JURA_VOSGES_SERVEUR, t0, confirmed=True)
    paul = await old_alert("paul@x.fr", "daily", JURA_VOSGES_SERVEUR, t0, confirmed=True)

    day = t0 + timedelta(days=3)
    await claim(first, o1, day, "<first-o1@x.fr>")  # sent, where the kept one's is unsent
    await claim(first, o3, day, None)  # unsent and the lowest id for o3 ...
    await claim(kept, o1, day + timedelta(hours=1), None)
    await claim(kept, o2, day, "<kept-o2@x.fr>")
    await claim(other_case, o1, day, None)
    await claim(other_case, o2, day + timedelta(hours=2), "<other-o2@x.fr>")
    await claim(other_case, o3, day + timedelta(hours=3), "<other-o3@x.fr>")  # ... this wins

    await run_merge()

    rows = await Alert.select(Alert.id, Alert.search).order_by(Alert.id)
    assert [r["id"] for r in rows] == [kept["id"], weekly["id"], paul["id"]]
    assert all(msgspec.json.decode(r["search"]) == JURA_VOSGES_SERVEUR for r in rows)
    assert await send_log(kept["id"]) == {
        o1: (day, "<first-o1@x.fr>"),
        o2: (day, "<kept-o2@x.fr>"),
        o3: (day + timedelta(hours=3), "<other-o3@x.fr>"),
    }
    assert await AlertSend.count() == 3
    merged = await Alert.raw("SELECT old_id, old_key, into_id FROM alert_merged ORDER BY old_id")
    assert [tuple(r.values()) for r in merged] == [
        (first["id"], first["key"], kept["id"]),
        (other_case["id"], other_case["key"], kept["id"]),
    ]

    # The unique index, on the lower-cased address as `subscribe` dedupes.
    [index] = await Alert.raw(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'alert_one_per_search'"
    )
    assert "lower((email)::text)" in index["indexdef"]
    assert "UNIQUE" in index["indexdef"]
    with pytest.raises(asyncpg.UniqueViolationError):
        await old_alert("Lea@X.FR", "daily", JURA_VOSGES_SERVEUR, day, confirmed=False)


async def test_old_links_of_a_merged_alert_act_on_the_surviving_one(
    client: AsyncClient, clock: FrozenClock, before_merge: None
) -> None:
    t0 = clock.now() - timedelta(days=30)
    first = await old_alert("lea@x.fr", "daily", JURA_VOSGES_SERVEUR, t0, confirmed=False)
    later = t0 + timedelta(days=1)
    kept = await old_alert("Lea@x.fr", "daily", {"massif": ["vosges", "jura"]}, later, True)
    other = await old_alert("lea@x.fr", "daily", {"q": " Serveur", "massif": ["jura"]}, t0, True)
    merged = await old_alert("LEA@x.fr", "daily", {"massif": ["jura", "vosges"]}, later, True)
    await run_merge()
    assert await Alert.count() == 3  # first, kept (merged into), other

    settings, now = get_settings(), clock.now()

    def unsubscribe_path(alert: dict[str, Any], key: str | None = None) -> str:
        links = services.digest_links(alert["id"], key or alert["key"], "", settings, now)
        return links["unsubscribe"].removeprefix(settings.site.base_url)

    # A forged key on a merged id leads nowhere.
    forged = unsubscribe_path(merged, "0" * 16)
    api = await client.post(forged.replace("/alertes/desabonner", "/api/alerts/unsubscribe"))
    assert api.json() == {"deleted": 0}
    assert await Alert.count() == 3

    # The e-mails of the merged-away alert: their one-click link deletes the surviving one.
    response = await client.post(
        unsubscribe_path(merged),
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert "désabonn" in response.text
    remaining = await Alert.select(Alert.id).order_by(Alert.id)
    assert [r["id"] for r in remaining] == [first["id"], other["id"]]
    assert kept["id"] not in [r["id"] for r in remaining]
    assert await Alert.raw("SELECT * FROM alert_merged") == []  # gone with the alert
    again = await client.post(unsubscribe_path(merged))
    assert again.status_code == 200  # a second click is harmless
    assert await Alert.count() == 2


async def test_a_merged_alerts_confirmation_link_confirms_the_surviving_one(
    client: AsyncClient, clock: FrozenClock, before_merge: None
) -> None:
    t0 = clock.now() - timedelta(days=2)
    kept = await old_alert("lea@x.fr", "weekly", {"q": "moniteur"}, t0, confirmed=False)
    merged = await old_alert("lea@x.fr", "weekly", {"q": " Moniteur "}, t0, confirmed=False)
    await run_merge()
    token = services.confirm_token(
        Alert(id=merged["id"], key=merged["key"]), get_settings(), clock.now()
    )
    response = await client.get("/api/alerts/confirm", params={"token": token})
    assert response.status_code == 200, response.text
    assert (response.json()["id"], response.json()["confirmed"]) == (kept["id"], True)
