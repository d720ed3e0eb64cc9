"""The employer space in a real browser: sign in, write an offer, see it listed, publish it.
Playwright drives Debian's chromium against the app served by uvicorn (the live server)."""

from __future__ import annotations

import re

from httpx import AsyncClient
from playwright.async_api import Browser, expect

from app.core.clock import FrozenClock
from app.offers.tables import Offer
from tests.integration.conftest import confirmed_account, make_org
from tests.integration.web.test_browser import browser, done, new_page, shot, sign_in_form

__all__ = ["browser"]  # the fixture, shared with the other browser tests
ORG_EMAIL = "rh@example.fr"  # make_org's contact address: the form's default apply address


async def test_an_employer_writes_and_publishes_an_offer(
    browser: Browser, live_server: str, client: AsyncClient, clock: FrozenClock
) -> None:
    org = await make_org(client, "Auberge du Plateau", place="font-romeu")
    await confirmed_account("rh@auberge.example", clock, org.id)

    page = await new_page(browser)
    await page.goto(f"{live_server}/espace")
    await expect(page).to_have_url(re.compile(r"/connexion\?suivant=/espace$"))
    await sign_in_form(page, "rh@auberge.example")
    await expect(page.locator("h1")).to_have_text("Mon espace")
    await page.get_by_role("link", name="Mes offres").click()
    await expect(page.locator("h1")).to_have_text("Mes offres")
    await page.get_by_role("link", name="Nouvelle offre").click()
    await expect(page.locator("h1")).to_have_text("Nouvelle offre")

    await page.get_by_label("Intitulé du poste").fill("Commis de cuisine")
    await page.get_by_label("Métier").select_option("G1602")
    await page.get_by_label("Description du poste").fill(
        "Préparations froides et chaudes, plonge, mise en place du service du midi."
    )
    await page.get_by_label("Station ou village").fill("Font-Romeu")
    await page.get_by_label("Hiver").check()
    await page.get_by_label("Contrat").select_option("seasonal")
    await page.get_by_label("Date de début").fill("2026-12-19")
    await page.get_by_label("Date de fin").fill("2027-03-28")
    await page.get_by_label("Salaire brut minimum (€)").fill("1 900")
    await page.get_by_label("Salaire payé").select_option("month")
    await page.get_by_label("Logé", exact=True).check()
    await page.get_by_label("Anglais").check()
    await shot(page, "space-01-new-offer")
    await page.get_by_role("button", name="Enregistrer le brouillon").click()

    await expect(page.locator(".notice-ok")).to_contain_text("enregistrée comme brouillon")
    card = page.locator(".space-item", has_text="Commis de cuisine")
    await expect(card.locator(".status")).to_have_text("Brouillon")
    await shot(page, "space-02-draft-listed")
    await card.get_by_role("button", name="Publier").click()
    await expect(page.locator(".notice-ok")).to_have_text("L'offre est publiée.")
    await expect(card.locator(".status")).to_have_text("Publiée")
    await shot(page, "space-03-published")

    [offer] = await Offer.objects(Offer.place)
    assert (offer.title, offer.status, offer.place.slug) == (
        "Commis de cuisine",
        "published",
        "font-romeu",
    )
    assert (offer.housing, offer.languages, offer.apply_email) == ("provided", ["en"], ORG_EMAIL)

    # The list and the form fit a phone 360 pixels wide.
    await page.set_viewport_size({"width": 360, "height": 740})
    for path, name in (
        (f"/espace/offres?organisation={org.id}", "space-04-phone-list"),
        (f"/espace/offres/{offer.id}/modifier", "space-05-phone-form"),
    ):
        await page.goto(f"{live_server}{path}")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} scrolls sideways ({width}px)"
        await shot(page, name)
    # A new API token (a long word) too.
    await page.get_by_role("link", name="Jetons d'API").click()
    await page.get_by_label("Nom du jeton").fill("site carrière")
    await page.get_by_role("button", name="Créer le jeton").click()
    await expect(page.get_by_label("Votre jeton")).to_have_value(re.compile(r"^em_"))
    assert await page.evaluate("document.documentElement.scrollWidth") <= 360
    await shot(page, "space-06-phone-token")
    await done(page)
