"""Expiry: a reminder N days before, the expiry email, the offer out of search, renewal by link;
sessions closing at their deadline or when full, reopening, archived once past."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from httpx import AsyncClient

from app.core.clock import FrozenClock
from app.notices.tables import OfferNotice
from tests.integration.conftest import Org, make_offer, session_body, training_body
from tests.integration.workers.conftest import RunWorker, link
from tests.smtp_server import SmtpServer

EMPLOYER_MAIL = "rh@example.fr"  # the contact address of the test organisations


async def found(client: AsyncClient, **params: Any) -> set[int]:
    response = await client.get("/api/offers/search", params={"page_size": 50, **params})
    assert response.status_code == 200, response.text
    return {h["id"] for h in response.json()["hits"]}


def at(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


async def test_reminder_expiry_and_renewal(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org, clock: FrozenClock
) -> None:
    offer = await make_offer(client, employer, title="Pisteur secouriste")
    expires = at(offer["expires_at"])
    assert expires == clock.now() + timedelta(days=60)
    await run_worker()
    assert await found(client, q="pisteur") == {offer["id"]}

    clock.set(expires - timedelta(days=4))
    await run_worker("expire_offers")
    assert not smtp.to(EMPLOYER_MAIL), "too early for the reminder (3 days by default)"

    clock.set(expires - timedelta(days=2, hours=23))
    await run_worker("expire_offers")
    await run_worker("expire_offers")  # twice: still one reminder
    [reminder] = smtp.to(EMPLOYER_MAIL)
    assert "expire bientôt" in reminder.subject
    assert "Pisteur secouriste" in reminder.subject
    assert link(reminder.text, "/offres/prolonger")

    clock.set(expires + timedelta(minutes=1))
    await run_worker("expire_offers")  # expires it, tells the employer, syncs search
    assert await found(client, q="pisteur") == set()
    public = await client.get(f"/api/offers/{offer['id']}")
    assert public.status_code == 404
    mine = await client.get(f"/api/offers/{offer['id']}", headers=employer.auth)
    assert mine.json()["status"] == "expired"
    _reminder, expired_mail = smtp.to(EMPLOYER_MAIL)
    assert "a expiré" in expired_mail.subject
    await run_worker("expire_offers")
    assert len(smtp.to(EMPLOYER_MAIL)) == 2, "the expiry email is sent once"

    renew = link(expired_mail.text, "/offres/prolonger")
    page = await client.get(renew)
    assert page.status_code == 200
    assert "Prolonger mon offre" in page.text
    done = await client.post(renew)
    assert done.status_code == 200, done.text
    assert "Votre offre est prolongée" in done.text
    mine = (await client.get(f"/api/offers/{offer['id']}", headers=employer.auth)).json()
    assert mine["status"] == "published"
    assert at(mine["expires_at"]) == clock.now() + timedelta(days=60)
    await run_worker()
    assert await found(client, q="pisteur") == {offer["id"]}
    assert await OfferNotice.count() == 2

    # The renewed offer will get its own reminder for its new expiry.
    clock.set(at(mine["expires_at"]) - timedelta(days=1))
    await run_worker("expire_offers")
    assert len(smtp.to(EMPLOYER_MAIL)) == 3


async def test_renew_link_forged_or_for_a_filled_offer_is_refused(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org, clock: FrozenClock
) -> None:
    offer = await make_offer(client, employer, title="Perchman")
    clock.set(at(offer["expires_at"]) - timedelta(days=1))
    await run_worker("expire_offers")
    [reminder] = smtp.to(EMPLOYER_MAIL)
    renew = link(reminder.text, "/offres/prolonger")
    forged = await client.post(renew.replace("token=", "token=x"))
    assert forged.status_code == 400
    assert "Lien invalide" in forged.text
    api = await client.post(
        "/api/offers/renew-by-link", params={"token": renew.split("token=")[1] + "x"}
    )
    assert api.status_code == 400
    assert api.json()["type"].endswith("bad-link")
    filled = await client.post(f"/api/offers/{offer['id']}/fill", headers=employer.auth)
    assert filled.status_code == 200
    refused = await client.post(renew)
    assert refused.status_code == 409
    mine = (await client.get(f"/api/offers/{offer['id']}", headers=employer.auth)).json()
    assert mine["status"] == "filled"


async def test_expiry_does_not_wait_on_a_mail_server_that_is_down(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, employer: Org, clock: FrozenClock
) -> None:
    offer = await make_offer(client, employer, title="Moniteur de ski")
    await run_worker()
    smtp.handler.defer[EMPLOYER_MAIL] = 1  # the first attempt is deferred (451)
    clock.set(at(offer["expires_at"]) + timedelta(minutes=1))
    await run_worker("expire_offers")
    assert await found(client, q="moniteur") == set()
    assert not smtp.to(EMPLOYER_MAIL)
    await run_worker("expire_offers")  # the next sweep sends what is still owed
    [expired_mail] = smtp.to(EMPLOYER_MAIL)
    assert "a expiré" in expired_mail.subject


async def test_sessions_close_at_deadline_or_when_full_and_reopen(
    client: AsyncClient, run_worker: RunWorker, school: Org, clock: FrozenClock
) -> None:
    training = await client.post("/api/trainings", json=training_body(), headers=school.auth)
    assert training.status_code == 201, training.text
    created = await client.post(
        "/api/sessions",
        json=session_body(
            training.json()["id"],
            seats_total=2,
            registration_deadline=str(date(2026, 12, 15)),
            start_date=str(date(2027, 1, 4)),
            end_date=str(date(2027, 2, 12)),
        ),
        headers=school.auth,
    )
    assert created.status_code == 201, created.text
    url = f"/api/sessions/{created.json()['id']}"

    async def status() -> str:
        return str((await client.get(url)).json()["status"])

    async def listed() -> bool:
        response = await client.get("/api/sessions/search", params={"status": "open"})
        return created.json()["id"] in {h["id"] for h in response.json()["hits"]}

    await run_worker()
    assert await listed()
    await client.patch(url, json={"seats_taken": 2}, headers=school.auth)
    assert await status() == "full"
    await run_worker()
    assert not await listed()
    await client.patch(url, json={"seats_taken": 1}, headers=school.auth)  # a seat frees
    assert await status() == "open"
    await run_worker()
    assert await listed()

    clock.set(datetime(2026, 12, 15, 22, 0, tzinfo=UTC))  # 23:00 in France: still the 15th
    await run_worker("refresh_sessions")
    assert await status() == "open"
    clock.set(datetime(2026, 12, 15, 23, 30, tzinfo=UTC))  # the 16th in France
    await run_worker("refresh_sessions")
    assert await status() == "closed"
    assert not await listed()
    await client.patch(url, json={"seats_taken": 0}, headers=school.auth)
    assert await status() == "closed", "past the deadline a freed seat does not reopen it"

    clock.set(datetime(2027, 2, 13, 8, 0, tzinfo=UTC))
    await run_worker("refresh_sessions")
    assert await status() == "archived"
