"""The send log is pruned of what can never match again, and nothing is emailed twice for it:
not a renewed offer, not an offer a moderator put back to draft and its employer published
again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from httpx import AsyncClient

from app.accounts import users
from app.alerts.send_log import prune_send_log
from app.alerts.tables import Alert, AlertSend
from app.core.clock import FrozenClock
from app.moderation.services import unpublish_offer
from tests.integration.conftest import Org, confirmed_account, make_offer
from tests.integration.workers.conftest import RunWorker, listed_titles
from tests.integration.workers.test_alerts import LEA, confirm_from_email, subscribe
from tests.smtp_server import SmtpServer

COOK: dict[str, Any] = {"trade": "G1602", "place": "val-thorens", "housing": "provided"}


async def logged_offers() -> set[int]:
    return {row["offer"] for row in await AlertSend.select(AlertSend.offer)}


async def test_pruning_forgets_only_what_cannot_match_again(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org, clock: FrozenClock
) -> None:
    await subscribe(client)  # instant: runs after each sync
    await run_worker()
    await confirm_from_email(client, smtp)
    renewed = await make_offer(client, employer, title="Cuisinier de brigade, logé", **COOK)
    held = await make_offer(client, employer, title="Second de cuisine logé", **COOK)
    await run_worker()
    [first] = smtp.to(LEA)
    assert sorted(listed_titles(first.text)) == [
        "Cuisinier de brigade, logé",
        "Second de cuisine logé",
    ]
    # A moderator puts one back to draft.
    staff = await confirmed_account("moderation@emploi-montagne.example", clock, staff=True)
    moderator = users.SignedIn(staff.id, staff.email, "", True, ())
    await unpublish_offer(held["id"], "Annonce incomplète", moderator, clock.now())

    clock.advance(timedelta(days=31))
    await run_worker("prune_alert_send_log")
    # Sent long ago, but the alert has not run since: its next window still reaches them.
    assert await logged_offers() == {renewed["id"], held["id"]}

    fresh = await make_offer(client, employer, title="Commis de cuisine logé", **COOK)
    await run_worker()  # the alert runs: its window moves past the first two
    assert [listed_titles(m.text) for m in smtp.to(LEA)[1:]] == [["Commis de cuisine logé"]]
    await run_worker("prune_alert_send_log")
    # The renewed offer's row goes; the draft's stays; the fresh one is in the window.
    assert await logged_offers() == {held["id"], fresh["id"]}

    renewal = await client.post(f"/api/offers/{renewed['id']}/renew", headers=employer.auth)
    assert renewal.status_code == 200, renewal.text
    again = await client.post(f"/api/offers/{held['id']}/publish", headers=employer.auth)
    assert again.status_code == 200, again.text
    clock.advance(timedelta(minutes=5))
    await run_worker()
    assert len(smtp.to(LEA)) == 2, "a renewed or republished offer is not emailed twice"
    search = await client.get("/api/offers/search", params={"trade": "G1602"})
    assert {hit["id"] for hit in search.json()["hits"]} >= {renewed["id"], held["id"]}

    clock.advance(timedelta(days=3))
    await run_worker("run_alerts")  # nothing new; the window moves past every offer
    await run_worker("prune_alert_send_log")
    # The republished offer's row was sent a month ago: it goes; the fresh one was sent three
    # days ago: it stays, in case a moderator unpublishes it and it is published again.
    assert await logged_offers() == {fresh["id"]}

    # An email still waiting is never pruned, however old its claim (and the walk goes on past
    # it, one id per statement here).
    [alert] = await Alert.select(Alert.id)
    await AlertSend.insert(
        AlertSend(
            alert=alert["id"], offer=renewed["id"], claimed_at=clock.now() - timedelta(days=60)
        )
    )
    report = await prune_send_log(clock.now() + timedelta(days=31), ids_per_statement=1)
    assert report.deleted == 1
    assert report.statements >= 2
    assert await logged_offers() == {renewed["id"]}
