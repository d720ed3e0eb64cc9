"""Concurrent creates never answer 500; an offer whose work is over cannot go live; a
date-time without an offset is refused with the expected form."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from httpx import AsyncClient

from app.core.clock import FrozenClock
from app.offers.tables import Offer
from tests.integration.conftest import ADMIN, Org, make_offer, training_body

FRANCE = ZoneInfo("Europe/Paris")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def test_same_name_organisations_at_once(client: AsyncClient) -> None:
    body = {"kind": "employer", "name": "Hôtel du Col", "contact_email": "rh@example.fr"}
    answers = await asyncio.gather(
        *[client.post("/api/organisations", json=body, headers=ADMIN) for _ in range(6)]
    )
    assert [a.status_code for a in answers] == [201] * 6
    slugs = {a.json()["slug"] for a in answers}
    assert len(slugs) == 6
    assert "hotel-du-col" in slugs


async def test_same_title_trainings_at_once(client: AsyncClient, school: Org) -> None:
    body = training_body()
    answers = await asyncio.gather(
        *[client.post("/api/trainings", json=body, headers=school.auth) for _ in range(6)]
    )
    assert [a.status_code for a in answers] == [201] * 6
    assert len({a.json()["slug"] for a in answers}) == 6


async def test_same_offers_at_once(client: AsyncClient, employer: Org) -> None:
    offers = await asyncio.gather(*[make_offer(client, employer, publish=False) for _ in range(6)])
    assert len({o["slug"] for o in offers}) == 6


async def _publish(client: AsyncClient, org: Org, offer: dict[str, Any], **body: Any) -> Any:
    return await client.post(f"/api/offers/{offer['id']}/publish", json=body, headers=org.auth)


async def test_second_publish_is_409(client: AsyncClient, employer: Org) -> None:
    offer = await make_offer(client, employer)
    again = await _publish(client, employer, offer)
    assert again.status_code == 409
    assert "published" in again.json()["detail"]


async def test_an_offer_of_2020_cannot_be_published(client: AsyncClient, employer: Org) -> None:
    old = await make_offer(
        client, employer, publish=False, start_date="2020-01-06", end_date="2020-03-31"
    )
    refused = await _publish(client, employer, old)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "end_date"
    no_end = await make_offer(
        client,
        employer,
        publish=False,
        contract="permanent",
        start_date="2026-11-01",
        end_date=None,
    )
    refused = await _publish(client, employer, no_end)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "start_date"
    assert await Offer.count().where(Offer.status == "published") == 0
    public = await client.get("/api/offers")
    assert public.json()["items"] == []


async def test_an_offer_is_never_live_past_its_end_date(
    client: AsyncClient, employer: Org, clock: FrozenClock
) -> None:
    # Ends in 10 days: the default 60-day lifetime stops at the end of its end date, in France.
    end = (clock.now() + timedelta(days=10)).date()
    offer = await make_offer(
        client, employer, start_date=str(end - timedelta(days=5)), end_date=str(end)
    )
    assert moment(offer["expires_at"]) == datetime.combine(
        end + timedelta(days=1), time(0), tzinfo=FRANCE
    )
    later = await _publish(client, employer, offer)
    assert later.status_code == 409
    renewed = await client.post(
        f"/api/offers/{offer['id']}/renew",
        json={"expires_at": (clock.now() + timedelta(days=30)).isoformat()},
        headers=employer.auth,
    )
    assert renewed.status_code == 400
    assert renewed.json()["errors"][0]["field"] == "expires_at"
    # Its end date moved earlier: the expiry follows.
    earlier = str(end - timedelta(days=2))
    changed = await client.patch(
        f"/api/offers/{offer['id']}", json={"end_date": earlier}, headers=employer.auth
    )
    assert changed.status_code == 200
    assert moment(changed.json()["expires_at"]) == datetime.combine(
        end - timedelta(days=1), time(0), tzinfo=FRANCE
    )
    clock.advance(timedelta(days=9))
    listed = await client.get("/api/offers")
    assert offer["id"] not in [o["id"] for o in listed.json()["items"]]


async def test_a_date_time_without_offset_is_refused(client: AsyncClient, employer: Org) -> None:
    offer = await make_offer(client, employer, publish=False)
    for path in ("publish", "renew"):
        refused = await client.post(
            f"/api/offers/{offer['id']}/{path}",
            json={"expires_at": "2026-12-31T12:00:00"},
            headers=employer.auth,
        )
        assert refused.status_code == 400, refused.text
        [error] = refused.json()["errors"]
        assert error["field"] == "expires_at"
        assert "2026-12-31T12:00:00+01:00" in error["message"]
    published = await _publish(client, employer, offer, expires_at="2026-12-31T12:00:00+01:00")
    assert published.status_code == 200
    assert moment(published.json()["expires_at"]) == datetime(2026, 12, 31, 11, tzinfo=UTC)
