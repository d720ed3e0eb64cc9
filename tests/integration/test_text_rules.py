"""Text rules of the API: DEL and the C1 controls are refused like C0 (HTML forbids them, and
they reached /offres); NEL is a line break, like vertical tab and form feed; a single-line
field (a title, a name, an address, a label) refuses any line break, naming the field.
Real PostgreSQL, Redis and Meilisearch (app.core.validation, app.core.params.line)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.offers.tables import Offer
from tests.integration.conftest import ADMIN, Org, offer_body, training_body


@pytest.mark.parametrize("char", ["\x7f", "\x80", "\x9b", "\x9f"])
async def test_del_and_c1_controls_are_refused_in_api_text(
    client: AsyncClient, employer: Org, char: str
) -> None:
    response = await client.post(
        "/api/offers", json=offer_body(title=f"Serveur{char}euse"), headers=employer.auth
    )
    assert response.status_code == 400, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "title"
    assert f"U+{ord(char):04X}" in error["message"]
    assert await Offer.count() == 0


async def test_nel_is_a_line_break_in_multi_line_text(client: AsyncClient, employer: Org) -> None:
    description = "Service en salle\x85et en terrasse, au pied des pistes, tout l'hiver."
    response = await client.post(
        "/api/offers", json=offer_body(description=description), headers=employer.auth
    )
    assert response.status_code == 201, response.text
    assert response.json()["description"] == description.replace("\x85", "\n")


@pytest.mark.parametrize("br", ["\n", "\r\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"])
async def test_single_line_fields_refuse_line_breaks(
    client: AsyncClient, employer: Org, school: Org, br: str
) -> None:
    offer = await client.post(
        "/api/offers", json=offer_body(title=f"Serveur{br}Serveuse"), headers=employer.auth
    )
    training = await client.post(
        "/api/trainings", json=training_body(title=f"Moniteur{br}de ski"), headers=school.auth
    )
    organisation = await client.patch(
        f"/api/organisations/{employer.id}", json={"name": f"Chalet{br}des Neiges"}, headers=ADMIN
    )
    for response, field in ((offer, "title"), (training, "title"), (organisation, "name")):
        assert response.status_code == 400, response.text
        assert [e["field"] for e in response.json()["errors"]] == [field]
    # A description keeps them: as "\n", but the Unicode separators, which are text as typed.
    kept = await client.post(
        "/api/offers",
        json=offer_body(description=f"Service en salle{br}et en terrasse, tout l'hiver."),
        headers=employer.auth,
    )
    assert kept.status_code == 201, kept.text
    newline = br if br in ("\u2028", "\u2029") else "\n"
    assert kept.json()["description"] == f"Service en salle{newline}et en terrasse, tout l'hiver."
