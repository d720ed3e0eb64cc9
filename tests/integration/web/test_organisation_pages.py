"""Employer and school pages: /employeurs/{slug} and /ecoles/{slug}."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import lxml.html
import pytest
from httpx import AsyncClient, Response

from app.core.clock import FrozenClock
from tests.integration.conftest import ADMIN, Org, make_offer, make_org, session_body, training_body

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(2)>'


def page_of(response: Response) -> Any:
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text)


def cache_control(response: Response) -> set[str]:
    return {d.strip() for d in response.headers["cache-control"].split(",")}


def facts(doc: Any) -> dict[str, str]:
    return {
        dt.text_content(): dd.text_content().strip()
        for dt, dd in zip(
            doc.cssselect(".cat-facts > dt"), doc.cssselect(".cat-facts > dd"), strict=True
        )
    }


async def describe(client: AsyncClient, org: Org, **changes: Any) -> None:
    response = await client.patch(f"/api/organisations/{org.id}", json=changes, headers=ADMIN)
    assert response.status_code == 200, response.text


async def test_employer_page_lists_only_its_live_offers(
    client: AsyncClient, clock: FrozenClock, employer: Org, other_employer: Org
) -> None:
    await describe(
        client,
        employer,
        description="Hôtel familial au pied des pistes.\nNous recrutons pour l'hiver.",
        website="https://hotel-des-cimes.example/recrutement",
        verified=True,
    )
    live = await make_offer(client, employer, title="Réceptionniste de nuit")
    newest = await make_offer(client, employer, title="Commis de cuisine", trade="G1602")
    await make_offer(client, employer, publish=False, title="Brouillon de veilleur")
    soon = await make_offer(client, employer, publish=False, title="Plongeur pour les fêtes")
    response = await client.post(
        f"/api/offers/{soon['id']}/publish",
        json={"expires_at": (clock.now() + timedelta(days=1)).isoformat()},
        headers=employer.auth,
    )
    assert response.status_code == 200, response.text
    filled = await make_offer(client, employer, title="Gouvernante")
    assert (await client.post(f"/api/offers/{filled['id']}/fill", headers=employer.auth)).is_success
    await make_offer(client, other_employer, title="Perchman au lac")
    clock.advance(timedelta(days=2))  # "soon" is past its expiry, whatever the cron did

    response = await client.get(f"/employeurs/{employer.slug}")
    assert response.status_code == 200
    assert cache_control(response) == {"public", "max-age=300"}
    doc = page_of(response)
    assert doc.cssselect("h1")[0].text_content() == "Hôtel des Cimes"
    about = facts(doc)
    assert about["Lieu"].startswith("Val Thorens")
    assert "Alpes du Nord" in about["Lieu"]
    assert about["Site web"] == "https://hotel-des-cimes.example/recrutement"
    assert doc.cssselect('.cat-facts a[rel~="external"]')[0].get("href") == (
        "https://hotel-des-cimes.example/recrutement"
    )
    assert "Organisation vérifiée" in about["Vérification"]
    assert "Nous recrutons pour l'hiver." in doc.cssselect(".cat-text")[0].text_content()
    offers = [(a.text_content(), a.get("href")) for a in doc.cssselect(".cat-card h3 a")]
    assert offers == [  # published in the same instant: the newest first
        ("Commis de cuisine", f"/offres/{newest['slug']}"),
        ("Réceptionniste de nuit", f"/offres/{live['slug']}"),
    ]
    assert doc.cssselect("#offers-title")[0].text_content().strip() == "2 offres en ligne"
    assert (
        doc.cssselect('link[rel="canonical"]')[0]
        .get("href")
        .endswith(f"/employeurs/{employer.slug}")
    )


async def test_employer_without_live_offer(client: AsyncClient, employer: Org) -> None:
    await make_offer(client, employer, publish=False)
    doc = page_of(await client.get(f"/employeurs/{employer.slug}"))
    assert not doc.cssselect(".cat-card")
    assert doc.cssselect("#offers-title")[0].text_content().strip() == "Aucune offre en ligne"
    assert "Site web" not in facts(doc)


async def test_school_page_lists_its_trainings_and_upcoming_sessions(
    client: AsyncClient, school: Org
) -> None:
    await describe(client, school, description="Centre de formation aux métiers de la neige.")
    ski = (await client.post("/api/trainings", json=training_body(), headers=school.auth)).json()
    pisteur = (
        await client.post(
            "/api/trainings",
            json=training_body(title="Pisteur secouriste", trade_codes=["K1726"]),
            headers=school.auth,
        )
    ).json()
    for body in (
        session_body(ski["id"], place="font-romeu", start_date="2027-02-01", end_date="2027-03-01"),
        session_body(ski["id"]),  # Chamrousse, 4 January
        session_body(  # over: not shown
            ski["id"],
            place="gerardmer",
            start_date="2026-10-01",
            end_date="2026-10-15",
            registration_deadline="2026-09-30",
        ),
    ):
        response = await client.post("/api/sessions", json=body, headers=school.auth)
        assert response.status_code == 201, response.text
    cancelled = await client.post(
        "/api/sessions", json=session_body(pisteur["id"]), headers=school.auth
    )
    await client.post(f"/api/sessions/{cancelled.json()['id']}/cancel", headers=school.auth)

    response = await client.get(f"/ecoles/{school.slug}")
    assert response.status_code == 200
    assert cache_control(response) == {"public", "max-age=300"}
    doc = page_of(response)
    assert doc.cssselect("h1")[0].text_content() == "École des Neiges"
    assert "métiers de la neige" in doc.cssselect(".cat-text")[0].text_content()
    cards = {
        card.cssselect("h3 a")[0].text_content(): (
            card.cssselect("h3 a")[0].get("href"),
            [
                s.cssselect("dd")[0].text_content().split(" (")[0]
                for s in card.cssselect("li.cat-session")
            ],
        )
        for card in doc.cssselect(".cat-card")
    }
    assert cards == {
        "Pisteur secouriste": (f"/formations/{pisteur['slug']}", []),
        ski["title"]: (f"/formations/{ski['slug']}", ["Chamrousse", "Font-Romeu"]),
    }
    assert [h.text_content() for h in doc.cssselect(".cat-card h3")] == [
        "Pisteur secouriste",
        ski["title"],
    ]


async def test_hostile_organisation_text_is_escaped(client: AsyncClient) -> None:
    org = await make_org(client, "Chez <b>Nous</b>")
    await describe(client, org, description=HOSTILE)
    response = await client.get(f"/employeurs/{org.slug}")
    assert response.status_code == 200
    doc = page_of(response)
    assert doc.cssselect("h1")[0].text_content() == "Chez <b>Nous</b>"
    assert not doc.cssselect("main b, main img")
    assert doc.cssselect(".cat-text")[0].text_content() == HOSTILE
    for script in doc.cssselect("script"):  # only the site's own script files
        assert script.get("src", "").startswith("/static/")
        assert not (script.text or "").strip()


async def test_kinds_do_not_cross_and_unknown_slugs_are_404(
    client: AsyncClient, employer: Org, school: Org
) -> None:
    assert (await client.get(f"/employeurs/{employer.slug}")).status_code == 200
    assert (await client.get(f"/ecoles/{school.slug}")).status_code == 200
    for url in (
        f"/ecoles/{employer.slug}",
        f"/employeurs/{school.slug}",
        "/employeurs/personne",
        "/ecoles/personne",
        "/ecoles/Pas%20un%20slug",
    ):
        response = await client.get(url)
        assert response.status_code == 404, url
        assert page_of(response).cssselect("h1")[0].text_content() == "Introuvable"
        assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("website", ["javascript:alert(1)", "ftp://example.org"])
async def test_a_website_that_is_not_http_is_refused(
    client: AsyncClient, employer: Org, website: str
) -> None:
    """The link on the page is safe because the API only stores http(s) websites."""
    response = await client.patch(
        f"/api/organisations/{employer.id}", json={"website": website}, headers=ADMIN
    )
    assert response.status_code == 400
