"""Offers through the API: round trips, lifecycle, filters, pagination, validation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from tests.integration.conftest import ADMIN, Org, make_offer, offer_body


async def test_create_read_update_round_trip(client: AsyncClient, employer: Org) -> None:
    created = await client.post("/api/offers", json=offer_body(), headers=employer.auth)
    assert created.status_code == 201, created.text
    offer = created.json()
    assert offer["status"] == "draft"
    assert offer["organisation"]["id"] == employer.id
    assert offer["trade"] == {"code": "G1803", "label": "Serveur / Serveuse en restauration"}
    assert offer["place"]["slug"] == "val-thorens"
    assert offer["place"]["massif"] == "alpes-nord"
    assert offer["pay_min"] == 1850.0
    assert offer["slug"].startswith("serveur-serveuse-en-restaurant-d-altitude-val-thorens-")

    # A draft is the owner's business only.
    assert (await client.get(f"/api/offers/{offer['id']}")).status_code == 404
    mine = await client.get(f"/api/offers/{offer['id']}", headers=employer.auth)
    assert mine.status_code == 200
    assert mine.json() == offer

    patched = await client.patch(
        f"/api/offers/{offer['id']}",
        json={"title": "Chef de rang", "pay_max": 2300, "seasons": ["winter", "summer"]},
        headers=employer.auth,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "Chef de rang"
    assert patched.json()["pay_max"] == 2300.0
    assert patched.json()["seasons"] == ["winter", "summer"]
    assert patched.json()["description"] == offer["description"]


async def test_lifecycle(client: AsyncClient, employer: Org, clock: Any) -> None:
    offer = await make_offer(client, employer, publish=False)
    url = f"/api/offers/{offer['id']}"

    published = await client.post(f"{url}/publish", headers=employer.auth)
    assert published.status_code == 200
    body = published.json()
    assert body["status"] == "published"
    assert body["published_at"].startswith("2026-11-23T09:00")
    assert body["expires_at"].startswith("2027-01-22")  # 60 days, the default lifetime
    assert (await client.get(url)).status_code == 200

    again = await client.post(f"{url}/publish", headers=employer.auth)
    assert again.status_code == 409
    assert again.json()["detail"].startswith("status:")

    clock.advance(timedelta(days=61))
    assert (await client.get(url)).status_code == 404, "past its expiry, an offer is not public"

    renewed = await client.post(
        f"{url}/renew", json={"expires_at": "2027-03-01T00:00:00Z"}, headers=employer.auth
    )
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["expires_at"].startswith("2027-03-01")
    assert (await client.get(url)).status_code == 200

    filled = await client.post(f"{url}/fill", headers=employer.auth)
    assert filled.json()["status"] == "filled"
    assert (await client.get(url)).status_code == 404
    assert (await client.post(f"{url}/renew", headers=employer.auth)).status_code == 409

    archived = await client.post(f"{url}/archive", headers=employer.auth)
    assert archived.json()["status"] == "archived"
    assert (await client.post(f"{url}/archive", headers=employer.auth)).status_code == 409


async def test_expired_offer_can_be_renewed(client: AsyncClient, employer: Org) -> None:
    from piccolo.engine import engine_finder

    offer = await make_offer(client, employer)
    engine = engine_finder()
    assert engine is not None
    await engine.run_ddl(f"UPDATE offer SET status = 'expired' WHERE id = {offer['id']}")
    renewed = await client.post(f"/api/offers/{offer['id']}/renew", headers=employer.auth)
    assert renewed.status_code == 200
    assert renewed.json()["status"] == "published"


async def test_list_filters_and_pagination(
    client: AsyncClient, employer: Org, other_employer: Org
) -> None:
    await make_offer(client, employer, title="Cuisinier", trade="G1602", seasons=["winter"])
    await make_offer(
        client,
        employer,
        title="Réceptionniste",
        trade="G1703",
        seasons=["summer"],
        place="gerardmer",
    )
    await make_offer(
        client,
        other_employer,
        title="Conducteur de télésiège",
        trade="N4402",
        seasons=["winter", "summer"],
        place="font-romeu",
    )
    draft = await make_offer(client, employer, publish=False, title="Brouillon")

    async def titles(query: str, headers: dict[str, str] | None = None) -> list[str]:
        response = await client.get(f"/api/offers?{query}", headers=headers)
        assert response.status_code == 200, response.text
        return sorted(o["title"] for o in response.json()["items"])

    assert await titles("") == ["Conducteur de télésiège", "Cuisinier", "Réceptionniste"]
    assert await titles("massif=vosges") == ["Réceptionniste"]
    assert await titles("massif=vosges&massif=pyrenees") == [
        "Conducteur de télésiège",
        "Réceptionniste",
    ]
    assert await titles("season=summer") == ["Conducteur de télésiège", "Réceptionniste"]
    assert await titles("season=winter&massif=alpes-nord") == ["Cuisinier"]
    assert await titles("trade=G1602&trade=n4402") == ["Conducteur de télésiège", "Cuisinier"]
    assert await titles(f"organisation={other_employer.id}") == ["Conducteur de télésiège"]
    assert await titles("status=draft") == []
    assert await titles("status=draft", employer.auth) == ["Brouillon"]
    assert await titles("status=draft", other_employer.auth) == []
    assert "Brouillon" in await titles("", ADMIN)
    assert draft["status"] == "draft"

    first = (await client.get("/api/offers?page=1&page_size=2")).json()
    second = (await client.get("/api/offers?page=2&page_size=2")).json()
    assert (first["total"], first["pages"], len(first["items"])) == (3, 2, 2)
    assert len(second["items"]) == 1
    assert {o["id"] for o in first["items"]}.isdisjoint(o["id"] for o in second["items"])
    too_big = await client.get("/api/offers?page_size=1000")
    assert too_big.status_code == 400
    assert too_big.json()["errors"][0]["field"] == "page_size"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2026-12-01"}, "end_date"),
        ({"pay_min": 2500, "pay_max": 2000}, "pay_min"),
        ({"pay_period": None}, "pay_period"),
        ({"trade": "Z9999"}, "trade"),
        ({"trade": "not-a-code"}, "trade"),
        ({"place": "atlantis"}, "place"),
        ({"seasons": []}, "seasons"),
        ({"seasons": ["autumn"]}, "seasons"),
        ({"seasons": ["winter", "winter"]}, "seasons"),
        ({"contract": "cdi"}, "contract"),
        ({"housing": "tent"}, "housing"),
        ({"apply_email": "not an email"}, "apply_email"),
        ({"apply_email": None}, "apply_email"),
        ({"apply_url": "ftp://x"}, "apply_url"),
        ({"hours_per_week": -3}, "hours_per_week"),
        ({"title": ""}, "title"),
        ({"start_date": "2026-13-45"}, "start_date"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_invalid_offer_is_refused_naming_the_field(
    client: AsyncClient, employer: Org, overrides: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/offers", json=offer_body(**overrides), headers=employer.auth)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400
    assert problem["title"]
    assert field in {e["field"] for e in problem["errors"]}, problem
    assert field in problem["detail"]
    listing = (await client.get("/api/offers", headers=employer.auth)).json()
    assert listing["total"] == 0, "a refused write stores nothing"


async def test_invalid_update_changes_nothing(client: AsyncClient, employer: Org) -> None:
    offer = await make_offer(client, employer)
    for body, field in [
        ({"end_date": "2026-01-01"}, "end_date"),
        ({"pay_min": 9000}, "pay_min"),
        ({"place": "nowhere"}, "place"),
        ({"trade": "A0000"}, "trade"),
    ]:
        response = await client.patch(
            f"/api/offers/{offer['id']}", json=body, headers=employer.auth
        )
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["field"] == field
    after = (await client.get(f"/api/offers/{offer['id']}")).json()
    assert after == offer


async def test_publish_needs_future_expiry(client: AsyncClient, employer: Org) -> None:
    offer = await make_offer(client, employer, publish=False)
    for expiry in ("2026-11-01T00:00:00Z", "2030-01-01T00:00:00Z"):
        response = await client.post(
            f"/api/offers/{offer['id']}/publish",
            json={"expires_at": expiry},
            headers=employer.auth,
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "expires_at"
    stored = (await client.get(f"/api/offers/{offer['id']}", headers=employer.auth)).json()
    assert stored["status"] == "draft"


async def test_unknown_filter_values_are_refused(client: AsyncClient) -> None:
    for query, field in [
        ("massif=alpes", "massif"),
        ("season=spring", "season"),
        ("status=gone", "status"),
    ]:
        response = await client.get(f"/api/offers?{query}")
        assert response.status_code == 400, query
        assert response.json()["errors"][0]["field"] == field


async def test_admin_creates_for_an_organisation(client: AsyncClient, employer: Org) -> None:
    missing = await client.post("/api/offers", json=offer_body(), headers=ADMIN)
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["field"] == "organisation_id"
    created = await client.post(
        "/api/offers", json=offer_body(organisation_id=employer.id), headers=ADMIN
    )
    assert created.status_code == 201
    assert created.json()["organisation"]["id"] == employer.id


async def test_missing_offer_is_a_problem(client: AsyncClient) -> None:
    response = await client.get("/api/offers/999999")
    assert response.status_code == 404
    assert response.json()["type"] == "/problems/not-found"
