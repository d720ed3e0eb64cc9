"""Moderation: a pending organisation's offers are not public until staff verify it; staff
unpublish an offer with a reason the employer receives; only staff may; all is logged.
Rate limits on alert subscriptions and the search API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec
from arq.connections import ArqRedis
from httpx import AsyncClient

from app.accounts.tables import AuditEvent, Membership
from app.core.auth import Principal
from app.core.clock import FrozenClock
from app.offers import schemas as offer_schemas
from app.offers import services as offers
from app.offers.tables import Offer
from app.organisations.tables import Organisation
from search.client import SearchEngine
from tests.integration.conftest import (
    RunWorker,
    app_client,
    confirmed_account,
    offer_body,
    settings_with,
)
from tests.integration.search.conftest import sync
from tests.integration.web.conftest import parse, texts
from tests.integration.web.test_accounts import csrf, post_form, sign_in, sign_up
from tests.smtp_server import SmtpServer

STAFF = ("equipe@example.fr", "equipe-montagne-2026")
ADMIN = Principal(organisation_id=None, admin=True)


async def pending_employer_offer(client: AsyncClient, clock: FrozenClock) -> tuple[int, Offer]:
    """An organisation signed up on the site (pending) with a published offer."""
    response = await sign_up(client, email="rh@chalet.example")
    assert response.status_code == 200
    [org] = await Organisation.objects()
    data = msgspec.convert(
        {**offer_body(title="Pisteur secouriste"), "organisation_id": org.id},
        offer_schemas.OfferCreate,
        strict=False,
    )
    row = await offers.create(data, ADMIN, clock.now())
    row = await offers.publish(row.id, None, ADMIN, clock.now(), 60)
    return org.id, row


async def found(client: AsyncClient, q: str) -> set[int]:
    response = await client.get("/api/offers/search", params={"q": q})
    return {h["id"] for h in response.json()["hits"]}


async def test_pending_organisation_offers_are_hidden_until_verified(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
) -> None:
    org_id, offer = await pending_employer_offer(client, clock)
    await sync(engine, clock)
    assert await found(client, "pisteur") == set()
    assert (await client.get(f"/offres/{offer.slug}")).status_code == 404
    assert (await client.get(f"/api/offers/{offer.id}")).status_code == 404
    assert offer.id not in {o["id"] for o in (await client.get("/api/offers")).json()["items"]}

    await confirmed_account(STAFF[0], clock, staff=True, password=STAFF[1])
    client.cookies.clear()
    assert (await sign_in(client, *STAFF)).status_code == 303
    page = await client.get("/moderation")
    assert page.status_code == 200
    assert "Chalet des Neiges" in page.text
    token = await csrf(client, "/moderation")
    verified = await client.post(
        f"/moderation/organisations/{org_id}/verifier", data={"_csrf_token": token}
    )
    assert verified.status_code == 303
    assert (await Organisation.objects().where(Organisation.id == org_id).first()).verified  # type: ignore[union-attr]
    await sync(engine, clock)
    assert await found(client, "pisteur") == {offer.id}
    assert (await client.get(f"/offres/{offer.slug}")).status_code == 200
    actions = [e["action"] for e in await AuditEvent.select(AuditEvent.action)]
    assert "verify-organisation" in actions


async def test_staff_unpublish_with_a_reason_the_employer_receives(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
    run_worker: RunWorker,
    smtp: SmtpServer,
) -> None:
    org_id, offer = await pending_employer_offer(client, clock)
    await Organisation.update({Organisation.verified: True}).where(Organisation.id == org_id)
    await sync(engine, clock)
    assert await found(client, "pisteur") == {offer.id}
    await confirmed_account(STAFF[0], clock, staff=True, password=STAFF[1])
    client.cookies.clear()
    await sign_in(client, *STAFF)

    url = f"/moderation/offres/{offer.id}/depublier"
    empty = await post_form(client, url, {"reason": " "}, form_page="/moderation")
    assert empty.status_code == 400
    assert (await Offer.objects().where(Offer.id == offer.id).first()).status == "published"  # type: ignore[union-attr]
    invisible = {"reason": "Salaire\x01 trop bas"}
    refused = await post_form(client, url, invisible, form_page="/moderation")
    assert refused.status_code == 400
    tree = parse(refused.text)
    assert texts(tree, ".notice-error small") == [
        "Détail : « motif » contient un caractère invisible (U+0001) : supprimez-le."
    ]
    assert [a.get("href") for a in tree.cssselect(".notice-error a")] == ["/moderation"]
    assert (await Offer.objects().where(Offer.id == offer.id).first()).status == "published"  # type: ignore[union-attr]

    reason = "Salaire inférieur au minimum légal : corrigez la rémunération."
    done = await post_form(client, url, {"reason": reason}, form_page="/moderation")
    assert done.status_code == 303
    assert (await Offer.objects().where(Offer.id == offer.id).first()).status == "draft"  # type: ignore[union-attr]
    await run_worker()
    assert await found(client, "pisteur") == set()
    notices = [m for m in smtp.to("rh@chalet.example") if "retirée" in m.subject]
    assert len(notices) == 1
    assert reason in notices[0].text
    events = await AuditEvent.select()
    matching = [e for e in events if e["action"] == "unpublish-offer"]
    assert len(matching) == 1, events
    event = matching[0]
    assert (event["actor_label"], event["detail"]) == (STAFF[0], reason)
    again = await post_form(client, url, {"reason": reason}, form_page="/espace")
    assert again.status_code == 409


async def test_only_staff_moderate(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock
) -> None:
    org_id, offer = await pending_employer_offer(client, clock)
    member = await confirmed_account("membre@chalet.example", clock, password="membre-chalet-2026")
    await Membership(user=member.id, organisation=org_id, role="member").save()
    client.cookies.clear()
    assert (await client.get("/moderation")).status_code == 303  # anonymous: sign in first
    await sign_in(client, "membre@chalet.example", "membre-chalet-2026")
    assert (await client.get("/moderation")).status_code == 404
    token = await csrf(client, "/espace")
    for url, data in (
        (f"/moderation/organisations/{org_id}/verifier", {}),
        (f"/moderation/offres/{offer.id}/depublier", {"reason": "pour voir si ça passe"}),
    ):
        refused = await client.post(url, data={**data, "_csrf_token": token})
        assert refused.status_code == 404, url
    assert not (await Organisation.objects().where(Organisation.id == org_id).first()).verified  # type: ignore[union-attr]
    assert (await Offer.objects().where(Offer.id == offer.id).first()).status == "published"  # type: ignore[union-attr]
    assert await AuditEvent.count().where(AuditEvent.action != "sign-up") == 0


async def test_alert_subscriptions_are_rate_limited(
    client: AsyncClient, clock: FrozenClock
) -> None:
    statuses = []
    for n in range(11):
        response = await client.post(
            "/api/alerts", json={"email": f"a{n}@example.fr", "frequency": "daily"}
        )
        statuses.append(response.status_code)
    assert statuses == [202] * 10 + [429]
    assert response.headers["content-type"].startswith("application/problem+json")
    assert 0 < int(response.headers["retry-after"]) <= 3600
    site = await client.post("/offres/alerte", data={"email": "b@example.fr", "frequency": "daily"})
    assert site.status_code == 429
    assert "Patientez" in site.text
    clock.advance(timedelta(hours=1))
    later = await client.post("/api/alerts", json={"email": "c@example.fr", "frequency": "daily"})
    assert later.status_code == 202


async def test_the_search_api_is_rate_limited_per_client(
    clean: None, clock: FrozenClock, engine: SearchEngine, queue: ArqRedis
) -> None:
    limited = settings_with(redis={"search_rate_per_minute": 3})
    async with app_client(limited, clock, queue) as http:
        codes: list[Any] = [
            (await http.get("/api/offers/search", params={"q": "serveur"})).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 429]
        clock.advance(timedelta(minutes=1))
        assert (await http.get("/api/sessions/search")).status_code == 200
