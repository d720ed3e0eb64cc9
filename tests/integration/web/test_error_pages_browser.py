"""In a real browser: a form whose CSRF cookie is gone says so in French and leads back to a
form that works; long e-mail addresses fit a phone 360 pixels wide; every page of the space
can sign out."""

from __future__ import annotations

import re

from httpx import AsyncClient
from playwright.async_api import Browser, Page, expect

from app.core.clock import FrozenClock
from tests.integration.conftest import PASSWORD, confirmed_account, make_org
from tests.integration.web.test_browser import PROBLEMS, browser, done, new_page, sign_in_form

__all__ = ["browser"]  # the fixture, shared with the other browser tests
# 80 characters without a space to break at.
LONG = "camille.dupont-montagnard.saisonniere@residence-des-remontees-mecaniques.example"


async def fits_a_phone(page: Page, what: str) -> None:
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what} scrolls sideways ({width}px)"


async def test_a_form_whose_csrf_cookie_is_gone_leads_back_to_a_working_form(
    browser: Browser, live_server: str, clock: FrozenClock
) -> None:
    await confirmed_account("rh@auberge.example", clock)
    page = await new_page(browser)
    await page.goto(f"{live_server}/connexion")
    await page.context.clear_cookies()  # the browser restarted, the tab was restored
    await sign_in_form(page, "rh@auberge.example")

    await expect(page.locator("h1")).to_have_text("Formulaire expiré")
    await expect(page.locator("main")).to_contain_text("rechargez la page et renvoyez-le")
    await expect(page.locator("main")).not_to_contain_text("CSRF")
    await page.get_by_role("link", name="Revenir au formulaire").click()
    await expect(page).to_have_url(re.compile(r"/connexion$"))
    await sign_in_form(page, "rh@auberge.example")
    await expect(page.locator("h1")).to_have_text("Mon espace")

    cookie = next(c for c in await page.context.cookies() if c["name"] == "em_csrf")
    assert cookie["expires"] > 0  # kept across a browser restart, not a session cookie
    # The console logs the refused form's 403; nothing else may be there.
    logged = PROBLEMS[id(page)]
    logged[:] = [p for p in logged if "status of 403" not in p]
    await done(page)


async def test_long_addresses_fit_a_phone_and_every_space_page_signs_out(
    browser: Browser, live_server: str, client: AsyncClient, clock: FrozenClock
) -> None:
    org = await make_org(client, "Auberge du Plateau", place="font-romeu")
    await confirmed_account(LONG, clock, org.id, password=PASSWORD)
    page = await new_page(browser, width=360, height=740)

    # Sign-up's "check your inbox" (a new address, so the form is accepted).
    await page.goto(f"{live_server}/inscription")
    await page.get_by_label("Nom de l'organisation").fill("Chalet des Neiges")
    await page.get_by_label("Votre adresse e-mail").fill("x" + LONG)
    await page.get_by_label("Adresse de contact publiée").fill("x" + LONG)
    await page.get_by_label("Mot de passe").fill(PASSWORD)
    await page.get_by_role("button", name=re.compile("Créer")).click()
    await expect(page.locator("h1")).to_have_text("Vérifiez votre boîte mail")
    await fits_a_phone(page, "the sign-up's confirmation")

    await page.goto(f"{live_server}/mot-de-passe-oublie")
    await page.get_by_label("Adresse e-mail du compte").fill(LONG)
    await page.get_by_role("button", name="Recevoir un lien").click()
    await expect(page.locator(".notice-ok")).to_contain_text("Un e-mail vient d'être envoyé")
    await fits_a_phone(page, "the reset's confirmation")

    await page.goto(f"{live_server}/connexion")
    await sign_in_form(page, LONG)
    await expect(page.locator("h1")).to_have_text("Mon espace")
    await expect(page.locator("main")).to_contain_text(LONG)  # "Connecté :" and the team
    await fits_a_phone(page, "/espace")

    for path in (f"/espace/offres?organisation={org.id}", f"/espace/jetons?organisation={org.id}"):
        await page.goto(f"{live_server}{path}")
        await fits_a_phone(page, path)
        await expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    await page.get_by_role("button", name="Se déconnecter").click()
    await page.goto(f"{live_server}/espace/offres?organisation={org.id}")
    await expect(page).to_have_url(re.compile(r"/connexion\?suivant="))
    await done(page)
