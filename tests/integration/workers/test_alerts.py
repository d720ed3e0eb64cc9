"""Alerts end to end: subscribe, confirm by email, matching offers arrive once, unsubscribe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import AsyncClient

from app.alerts.tables import Alert, AlertSend
from app.core.clock import FrozenClock
from app.organisations.tables import Organisation
from app.outbox.sync import drain_outbox
from search.client import SearchEngine
from tests.integration.conftest import Org, make_offer
from tests.integration.workers.conftest import RunWorker, link, listed_titles
from tests.smtp_server import SmtpServer

LEA = "lea.martin@example.fr"
COOK_NORTH_HOUSED = {"massif": ["alpes-nord"], "trade": ["G1602"], "housing": ["provided"]}


async def subscribe(
    client: AsyncClient, email: str = LEA, frequency: str = "instant", **search: object
) -> None:
    response = await client.post(
        "/api/alerts",
        json={"email": email, "frequency": frequency, "search": search or COOK_NORTH_HOUSED},
    )
    assert response.status_code == 202, response.text


async def confirm_from_email(client: AsyncClient, smtp: SmtpServer, email: str = LEA) -> None:
    [message] = smtp.to(email)
    assert "Confirmez" in message.subject
    path = link(message.text, "/alertes/confirmer")
    assert path == link(message.html.replace("&amp;", "&"), "/alertes/confirmer")
    page = await client.get(path)
    assert page.status_code == 200
    assert "Confirmer mon alerte" in page.text
    done = await client.post(path)
    assert done.status_code == 200, done.text
    assert "Votre alerte est confirmée" in done.text
    smtp.forget(email)


async def cook(client: AsyncClient, employer: Org, title: str, **overrides: object) -> None:
    values: dict[str, Any] = {"trade": "G1602", "place": "val-thorens", "housing": "provided"}
    await make_offer(client, employer, title=title, **{**values, **overrides})


async def test_subscribe_confirm_then_only_matching_offers_arrive_once(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org, clock: FrozenClock
) -> None:
    await subscribe(client)
    await run_worker()
    await confirm_from_email(client, smtp)

    await cook(client, employer, "Cuisinier de brigade, logé")
    await cook(client, employer, "Cuisinier en Vosges", place="gerardmer")  # other massif
    await cook(client, employer, "Cuisinier non logé", housing="none")
    await make_offer(client, employer, title="Serveur en salle")  # another trade
    await run_worker()  # syncs search, then runs the instant alerts

    [email] = smtp.to(LEA)
    assert listed_titles(email.text) == ["Cuisinier de brigade, logé"]
    assert "Cuisinier de brigade, logé" in email.html
    assert "Hôtel des Cimes" in email.text
    assert "Val Thorens" in email.text
    assert email.subject == "1 nouvelle offre pour votre alerte"
    assert email.message["From"]
    assert email.message["Reply-To"]

    await run_worker("run_alerts")  # again: nothing new, nothing sent
    assert len(smtp.to(LEA)) == 1

    clock.advance(timedelta(minutes=30))
    await cook(client, employer, "Commis de cuisine logé")
    await run_worker()
    second = smtp.to(LEA)[1:]
    assert [listed_titles(m.text) for m in second] == [["Commis de cuisine logé"]]


async def test_nothing_reaches_an_unconfirmed_address_but_the_confirmation(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org
) -> None:
    await subscribe(client)
    await cook(client, employer, "Cuisinier de brigade, logé")
    await run_worker()
    [only] = smtp.to(LEA)
    assert "Confirmez" in only.subject
    assert await AlertSend.count() == 0


async def test_confirmation_resend_is_rate_limited(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, clock: FrozenClock
) -> None:
    await subscribe(client)
    again = await client.post(
        "/api/alerts",
        json={"email": LEA, "frequency": "instant", "search": COOK_NORTH_HOUSED},
    )
    assert again.status_code == 429
    assert again.headers["content-type"].startswith("application/problem+json")
    assert 0 < int(again.headers["retry-after"]) <= 600
    clock.advance(timedelta(minutes=11))
    await subscribe(client)
    await run_worker()
    assert len(smtp.to(LEA)) == 2
    assert await Alert.count() == 1


async def test_a_forged_or_expired_confirmation_link_is_refused(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, clock: FrozenClock
) -> None:
    await subscribe(client)
    await run_worker()
    [message] = smtp.to(LEA)
    path = link(message.text, "/alertes/confirmer")
    forged = await client.post(path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb"))
    assert forged.status_code == 400
    assert "Lien invalide" in forged.text
    clock.advance(timedelta(days=8))
    expired = await client.post(path)
    assert expired.status_code == 400
    api = await client.get("/api/alerts/confirm", params={"token": path.split("token=")[1]})
    assert api.status_code == 400
    assert api.json()["type"].endswith("bad-link")


async def test_daily_and_weekly_alerts_follow_the_clock(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org, clock: FrozenClock
) -> None:
    # Monday 23 November 2026, 10:00 in Paris.
    await subscribe(client, "daily@example.fr", "daily")
    await subscribe(client, "weekly@example.fr", "weekly")
    await run_worker()
    await confirm_from_email(client, smtp, "daily@example.fr")
    await confirm_from_email(client, smtp, "weekly@example.fr")

    await cook(client, employer, "Cuisinier de brigade, logé")
    await run_worker("run_alerts")
    assert not smtp.to("daily@example.fr"), "a daily alert waits for its morning"

    clock.set(datetime(2026, 11, 24, 6, 1, tzinfo=UTC))  # Tuesday 07:01 in Paris
    await run_worker("run_alerts")
    assert [listed_titles(m.text) for m in smtp.to("daily@example.fr")] == [
        ["Cuisinier de brigade, logé"]
    ]
    assert not smtp.to("weekly@example.fr")

    clock.set(datetime(2026, 11, 25, 6, 1, tzinfo=UTC))  # Wednesday: nothing new, no email
    await run_worker("run_alerts")
    assert len(smtp.to("daily@example.fr")) == 1

    clock.set(datetime(2026, 11, 30, 6, 1, tzinfo=UTC))  # Monday 07:01: the weekly one
    await run_worker("run_alerts")
    assert [listed_titles(m.text) for m in smtp.to("weekly@example.fr")] == [
        ["Cuisinier de brigade, logé"]
    ]
    assert len(smtp.to("daily@example.fr")) == 1
    row = await Alert.objects().where(Alert.email == "weekly@example.fr").first()
    assert row is not None
    assert row.next_run_at == datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


async def test_one_click_unsubscribe_and_the_link_both_work(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org, clock: FrozenClock
) -> None:
    await subscribe(client)
    await subscribe(client, "paul@example.fr")
    await run_worker()
    await confirm_from_email(client, smtp)
    await confirm_from_email(client, smtp, "paul@example.fr")
    await cook(client, employer, "Cuisinier de brigade, logé")
    await run_worker()
    [lea_mail] = smtp.to(LEA)
    [paul_mail] = smtp.to("paul@example.fr")

    # RFC 8058: the header names an HTTPS/HTTP URL a mail client POSTs to, in one click.
    assert lea_mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header = str(lea_mail.message["List-Unsubscribe"])
    # As sent, not only as a parser decodes it: a URL in angle brackets, never an encoded word.
    assert lea_mail.raw_header("List-Unsubscribe") == header
    assert header.startswith("<")
    assert header.endswith(">")
    one_click = link(header[1:-1], "/alertes/desabonner")
    response = await client.post(
        one_click,
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200
    assert await Alert.count().where(Alert.email == LEA) == 0

    # Paul uses the link in the body: a page with a button.
    path = link(paul_mail.text, "/alertes/desabonner")
    assert (await client.get(path)).status_code == 200
    assert (await client.post(path)).status_code == 200
    assert await Alert.count() == 0
    assert await AlertSend.count() == 0  # the send log went with the alerts
    assert (await client.post(path)).status_code == 200  # a second click is harmless

    clock.advance(timedelta(minutes=5))
    await cook(client, employer, "Commis de cuisine logé")
    await run_worker()
    assert len(smtp.to(LEA)) == 1
    assert len(smtp.to("paul@example.fr")) == 1


async def test_manage_link_lists_changes_and_deletes_alerts(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer
) -> None:
    await subscribe(client)
    await subscribe(client, LEA, "weekly", massif=["pyrenees"], q="serveur")
    await run_worker()
    assert len(smtp.to(LEA)) == 2
    confirm = link(smtp.to(LEA)[0].text, "/alertes/confirmer")
    done = await client.post(confirm)
    manage = link(done.text.replace("&amp;", "&"), "/alertes/gerer")
    page = await client.get(manage)
    assert page.status_code == 200
    assert "Alpes du Nord" in page.text
    assert "Pyrénées" in page.text
    assert "« serveur »" in page.text

    token = manage.split("token=")[1]
    listed = await client.get("/api/alerts", params={"token": token})
    assert [a["frequency"] for a in listed.json()] == ["instant", "weekly"]
    first, second = (a["id"] for a in listed.json())
    changed = await client.post(
        f"/alertes/gerer/{first}", params={"token": token}, data={"frequency": "daily"}
    )
    assert changed.status_code == 200
    assert "La fréquence est enregistrée" in changed.text
    bad = await client.post(
        f"/alertes/gerer/{first}", params={"token": token}, data={"frequency": "dayly"}
    )
    assert bad.status_code == 400
    deleted = await client.post(
        f"/alertes/gerer/{second}", params={"token": token}, data={"action": "delete"}
    )
    assert deleted.status_code == 200
    listed = await client.get("/api/alerts", params={"token": token})
    assert [(a["id"], a["frequency"]) for a in listed.json()] == [(first, "daily")]


async def test_a_failed_send_is_retried_and_nothing_is_sent_twice(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org
) -> None:
    for address in ("a@example.fr", "b@example.fr", "c@example.fr"):
        await subscribe(client, address)
    await run_worker()
    for address in ("a@example.fr", "b@example.fr", "c@example.fr"):
        await confirm_from_email(client, smtp, address)

    # b's mail server says "try later" once: a and c are sent, b's run fails and is retried
    # with backoff by arq; the second pass sends b's and nothing again to a or c.
    smtp.handler.defer["b@example.fr"] = 1
    await cook(client, employer, "Cuisinier de brigade, logé")
    await cook(client, employer, "Second de cuisine logé")
    await run_worker()
    for address in ("a@example.fr", "b@example.fr", "c@example.fr"):
        [email] = smtp.to(address)
        assert sorted(listed_titles(email.text)) == [
            "Cuisinier de brigade, logé",
            "Second de cuisine logé",
        ]
    assert await AlertSend.count() == 6
    assert await AlertSend.count().where(AlertSend.sent_at.is_null()) == 0


async def test_an_address_refused_for_good_does_not_block_the_others(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org
) -> None:
    await subscribe(client, "gone@example.fr")
    await subscribe(client)
    await run_worker()
    await confirm_from_email(client, smtp, "gone@example.fr")
    await confirm_from_email(client, smtp)
    smtp.handler.refuse.add("gone@example.fr")
    await cook(client, employer, "Cuisinier de brigade, logé")
    await run_worker()
    assert len(smtp.to(LEA)) == 1
    assert not smtp.to("gone@example.fr")


async def test_an_employer_no_longer_verified_is_not_mailed_from_a_stale_index(
    client: AsyncClient,
    run_worker: RunWorker,
    smtp: SmtpServer,
    employer: Org,
    engine: SearchEngine,
    clock: FrozenClock,
) -> None:
    """Its offer still in the index (staff took the verification back, the outbox not drained
    yet): the alert run checks the database and mails nothing of it."""
    await subscribe(client)
    await run_worker()
    await confirm_from_email(client, smtp)
    await cook(client, employer, "Cuisinier de brigade, logé")
    await drain_outbox(engine, clock.now)  # indexed, no alert run yet
    await Organisation.update({Organisation.verified: False}).where(Organisation.id == employer.id)
    await run_worker("run_alerts")
    assert not smtp.to(LEA)


async def test_bad_subscriptions_get_problem_details_naming_the_field(
    client: AsyncClient,
) -> None:
    cases = [
        ({"email": "not-an-email", "frequency": "daily"}, "email"),
        ({"email": LEA, "frequency": "dayly"}, "frequency"),
        ({"email": LEA, "frequency": "daily", "search": {"massif": ["alpes"]}}, "search.massif"),
        ({"email": LEA, "frequency": "daily", "search": {"trade": ["Z9999"]}}, "trade"),
        ({"email": LEA, "frequency": "daily", "search": {"place": ["nowhere-town"]}}, "place"),
        ({"email": LEA, "frequency": "daily", "search": {"colour": "blue"}}, "search.colour"),
    ]
    for body, field in cases:
        response = await client.post("/api/alerts", json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        fields = [e["field"] for e in response.json().get("errors", [])]
        assert any(f == field or f.endswith(field) for f in fields), (body, response.json())
    assert await Alert.count() == 0
