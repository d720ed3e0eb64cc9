"""A double-clicked "new offer" form makes one draft; a second publish says "déjà publiée"."""

from __future__ import annotations

from httpx import AsyncClient
from playwright.async_api import Browser, expect

from app.core.clock import FrozenClock
from app.offers.tables import Offer
from tests.integration.conftest import confirmed_account, make_org
from tests.integration.web.test_browser import browser, new_page, sign_in_form

__all__ = ["browser"]


async def test_a_double_clicked_new_offer_makes_one_draft(
    browser: Browser, live_server: str, client: AsyncClient, clock: FrozenClock
) -> None:
    org = await make_org(client, "Refuge des Aiguilles", place="font-romeu")
    await confirmed_account("rh@refuge.example", clock, org.id)

    page = await new_page(browser)
    await page.goto(f"{live_server}/connexion?suivant=/espace")
    await sign_in_form(page, "rh@refuge.example")
    await expect(page.locator("h1")).to_have_text("Mon espace")
    await page.goto(f"{live_server}/espace/offres/nouvelle?organisation={org.id}")
    await page.get_by_label("Intitulé du poste").fill("Gardien de refuge")
    await page.get_by_label("Métier").select_option("G1602")
    await page.get_by_label("Description du poste").fill(
        "Accueil des randonneurs, repas du soir, entretien du refuge pendant la saison."
    )
    await page.get_by_label("Station ou village").fill("Font-Romeu")
    await page.get_by_label("Été").check()
    await page.get_by_label("Contrat").select_option("seasonal")
    await page.get_by_label("Date de début").fill("2027-06-15")
    await page.get_by_label("Date de fin").fill("2027-09-15")
    # Two submits of the same form as fast as a double click sends them.
    await page.evaluate(
        """() => { const f = document.querySelector('form.space-form');
                   const send = () => fetch(f.action, {method: 'POST', body: new FormData(f),
                                                        redirect: 'manual'});
                   return Promise.all([send(), send()]).then(rs => rs.map(r => r.type)); }"""
    )
    await page.get_by_role("button", name="Enregistrer le brouillon").dblclick()
    await expect(page.locator(".notice-ok")).to_contain_text("brouillon")
    rows = await Offer.select(Offer.id, Offer.status).where(Offer.title == "Gardien de refuge")
    assert [r["status"] for r in rows] == ["draft"]

    # Published once; publishing again says so, in French.
    card = page.locator(".space-item", has_text="Gardien de refuge")
    await card.get_by_role("button", name="Publier").click()
    await expect(page.locator(".notice-ok")).to_have_text("L'offre est publiée.")
    second = await page.request.post(
        f"{live_server}/espace/offres/{rows[0]['id']}/publier",
        form={"_csrf_token": await page.locator("input[name=_csrf_token]").first.input_value()},
        max_redirects=0,
    )
    assert second.status == 409
    assert "Cette offre est déjà publiée." in await second.text()
