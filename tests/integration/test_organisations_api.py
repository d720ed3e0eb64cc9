"""Organisations through the API."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from tests.integration.conftest import ADMIN, Org


async def test_round_trip(client: AsyncClient) -> None:
    body = {
        "kind": "school",
        "name": "École de ski de Méribel",
        "contact_email": "contact@esf-meribel.example",
        "website": "https://esf-meribel.example",
        "phone": "+33 4 79 08 60 31",
        "place": "meribel",
        "siret": "73282932000074",
        "nda": "82730123473",
        "description": "Cours collectifs et particuliers.",
    }
    created = await client.post("/api/organisations", json=body, headers=ADMIN)
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["slug"] == "ecole-de-ski-de-meribel"
    assert org["place"]["massif"] == "alpes-nord"
    assert org["verified"] is False
    assert (await client.get(f"/api/organisations/{org['id']}", headers=ADMIN)).json() == org
    # Pending verification: not public.
    assert (await client.get(f"/api/organisations/{org['id']}")).status_code == 404

    twin = await client.post("/api/organisations", json=body, headers=ADMIN)
    assert twin.json()["slug"].startswith("ecole-de-ski-de-meribel-")

    url = "/api/organisations?kind=school&massif=alpes-nord"
    assert (await client.get(url, headers=ADMIN)).json()["total"] == 2
    assert (await client.get(url)).json()["total"] == 0
    assert (await client.get("/api/organisations?kind=employer")).json()["total"] == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_email": "nobody"}, "contact_email"),
        ({"siret": "12345678901234"}, "siret"),
        ({"nda": "123"}, "nda"),
        ({"kind": "employer", "nda": "82730123473"}, "nda"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"phone": "call me"}, "phone"),
        ({"place": "nowhere"}, "place"),
        ({"kind": "club"}, "kind"),
    ],
)
async def test_invalid(client: AsyncClient, overrides: dict[str, Any], field: str) -> None:
    body = {"kind": "school", "name": "Une école", "contact_email": "a@example.fr", **overrides}
    response = await client.post("/api/organisations", json=body, headers=ADMIN)
    assert response.status_code == 400, response.text
    assert field in {e["field"] for e in response.json()["errors"]}
    assert (await client.get("/api/organisations", headers=ADMIN)).json()["total"] == 0


async def test_update_validates_and_keeps_data(client: AsyncClient, employer: Org) -> None:
    url = f"/api/organisations/{employer.id}"
    before = (await client.get(url)).json()
    refused = await client.patch(url, json={"contact_email": "bad"}, headers=employer.auth)
    assert refused.status_code == 400
    assert (await client.get(url)).json() == before
    done = await client.patch(url, json={"phone": "04 79 00 00 00"}, headers=employer.auth)
    assert done.json()["phone"] == "04 79 00 00 00"
