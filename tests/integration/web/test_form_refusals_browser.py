"""A pasted invisible character in a real browser: the new-offer form comes back with all
that was typed and the message next to the description; sent again, the draft is saved.
Playwright drives Debian's chromium against the app served by uvicorn (the live server)."""

from __future__ import annotations

from httpx import AsyncClient
from playwright.async_api import Browser, expect

from app.core.clock import FrozenClock
from app.offers.tables import Offer
from tests.integration.conftest import confirmed_account, make_org
from tests.integration.web.test_browser import browser, new_page, shot, sign_in_form

__all__ = ["browser"]  # the fixture, shared with the other browser tests

DESCRIPTION = "Préparations froides et chaudes,\x01 plonge, mise en place du service du midi."


async def test_a_pasted_control_character_is_a_field_error_and_nothing_is_lost(
    browser: Browser, live_server: str, client: AsyncClient, clock: FrozenClock
) -> None:
    org = await make_org(client, "Auberge du Plateau", place="font-romeu")
    await confirmed_account("rh@auberge.example", clock, org.id)
    page = await new_page(browser)
    await page.goto(f"{live_server}/connexion")
    await sign_in_form(page, "rh@auberge.example")
    await page.goto(f"{live_server}/espace/offres/nouvelle?organisation={org.id}")

    await page.get_by_label("Intitulé du poste").fill("Commis de cuisine")
    await page.get_by_label("Métier").select_option("G1602")
    await page.get_by_label("Description du poste").fill(DESCRIPTION)
    await page.get_by_label("Station ou village").fill("Font-Romeu")
    await page.get_by_label("Hiver").check()
    await page.get_by_label("Date de début").fill("2026-12-19")
    await page.get_by_label("Salaire brut minimum (€)").fill("1 900")
    await page.get_by_label("Salaire payé").select_option("month")
    await page.get_by_label("Anglais").check()
    async with page.expect_response(lambda r: r.request.method == "POST") as posted:
        await page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert (await posted.value).status == 400

    await expect(page.locator(".field-error")).to_have_count(1)  # that field only
    await expect(page.locator("#description-error")).to_have_text(
        "« description » contient un caractère invisible (U+0001) : supprimez-le."
    )
    await expect(page.get_by_label("Description du poste")).to_have_value(
        DESCRIPTION.replace("\x01", "")
    )
    await expect(page.get_by_label("Intitulé du poste")).to_have_value("Commis de cuisine")
    await expect(page.get_by_label("Métier")).to_have_value("G1602")
    await expect(page.get_by_label("Station ou village")).to_have_value("Font-Romeu")
    await expect(page.get_by_label("Hiver")).to_be_checked()
    await expect(page.get_by_label("Date de début")).to_have_value("2026-12-19")
    await expect(page.get_by_label("Salaire brut minimum (€)")).to_have_value("1 900")
    await expect(page.get_by_label("Salaire payé")).to_have_value("month")
    await expect(page.get_by_label("Anglais")).to_be_checked()
    await shot(page, "space-refused-character")
    assert await Offer.count() == 0

    async with page.expect_response(lambda r: r.request.method == "POST") as posted:
        await page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert (await posted.value).status == 303
    await expect(page.locator(".notice-ok")).to_contain_text("enregistrée comme brouillon")
    [offer] = await Offer.objects()
    assert offer.description == DESCRIPTION.replace("\x01", "")
