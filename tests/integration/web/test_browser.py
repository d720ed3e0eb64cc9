"""The site in a real browser: Playwright driving Debian's chromium (headless) against the app
served by uvicorn on loopback, over the suite's PostgreSQL and Meilisearch.

Screenshots of each step are kept in test-artifacts/screenshots/ (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from playwright.async_api import Browser, Page, async_playwright, expect

from app.alerts.tables import Alert
from app.core.clock import FrozenClock
from search.client import SearchEngine
from tests.integration.conftest import PASSWORD, Org, make_offer
from tests.integration.search.conftest import sync

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SHOTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


async def new_page(browser: Browser, width: int = 1280, height: int = 900) -> Page:
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    page = await context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"{m.text} at {m.location}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    PROBLEMS[id(page)] = problems
    return page


PROBLEMS: dict[int, list[str]] = {}


async def done(page: Page) -> None:
    """No script error and no Content-Security-Policy refusal on any page of the test."""
    assert PROBLEMS.pop(id(page)) == []
    await page.context.close()


async def sign_in_form(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill and send the sign-in form the page shows."""
    await page.get_by_label("Adresse e-mail").fill(email)
    await page.get_by_label("Mot de passe").fill(password)
    await page.get_by_role("button", name="Se connecter").click()


async def shot(page: Page, name: str) -> None:
    # caret="initial": hiding the caret leaves empty style attributes that CSP then reports.
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


@pytest.fixture
async def offers(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
    employer: Org,
    other_employer: Org,
) -> dict[str, Any]:
    """Three live offers in two massifs, indexed; the live server sees them too."""
    other = other_employer
    offers = {
        "waiter": await make_offer(client, employer, title="Serveur en salle"),
        "cook": await make_offer(client, employer, title="Cuisinier de brigade", trade="G1602"),
        "perchman": await make_offer(
            client, other, title="Perchman au téléski", trade="G1201", place="gerardmer"
        ),
    }
    await sync(engine, clock)
    return offers


def count_of(text: str) -> int:
    return int(re.sub(r"\D", "", text))


async def test_search_by_massif_back_button_and_offer(
    browser: Browser,
    live_server: str,
    offers: dict[str, Any],
) -> None:
    page = await new_page(browser)
    await page.goto(f"{live_server}/offres")
    await expect(page.locator("#results-heading")).to_have_text("3 offres")
    await shot(page, "01-search")

    await page.get_by_label(re.compile("^Vosges")).check()
    await expect(page).to_have_url(re.compile(r"/offres\?massif=vosges$"))
    await expect(page.locator("#results-heading")).to_have_text("1 offre")
    await expect(page.locator("ol.offers .card-title")).to_have_text(["Perchman au téléski"])
    # The season counts now count Vosges only; the massif counts still show both.
    winter = page.locator('label[for="f-season-winter"] .count')
    await expect(winter).to_have_text("1")
    await expect(page.locator('label[for="f-massif-alpes-nord"] .count')).to_have_text("2")
    await shot(page, "02-vosges-ticked")

    # Typing narrows too, and the URL keeps both.
    await page.get_by_label("Métier, mot-clé").fill("cuisinier")
    await expect(page).to_have_url(re.compile(r"massif=vosges.*q=cuisinier|q=cuisinier.*massif"))
    await expect(page.locator("#results-heading")).to_have_text("0 offre")
    await expect(page.locator(".empty")).to_contain_text("Aucune offre")
    await shot(page, "03-empty")

    await page.go_back()
    await expect(page).to_have_url(re.compile(r"/offres\?massif=vosges$"))
    await expect(page.locator("#results-heading")).to_have_text("1 offre")
    await expect(page.get_by_label(re.compile("^Vosges"))).to_be_checked()
    await page.go_back()
    await expect(page.locator("#results-heading")).to_have_text("3 offres")
    await expect(page.get_by_label(re.compile("^Vosges"))).not_to_be_checked()
    await shot(page, "04-back")

    await page.get_by_role("link", name="Serveur en salle").click()
    await expect(page.locator("h1")).to_have_text("Serveur en salle")
    await expect(page.locator(".apply")).to_contain_text("jobs@hotel-des-cimes.example")
    await shot(page, "05-offer")
    await done(page)


async def test_subscribe_to_an_alert_from_a_search(
    browser: Browser,
    live_server: str,
    offers: dict[str, Any],
) -> None:
    page = await new_page(browser)
    await page.goto(f"{live_server}/offres?massif=alpes-nord")
    await page.get_by_label(re.compile("^CDD saisonnier")).check()
    await expect(page).to_have_url(re.compile("contract=seasonal"))
    await page.get_by_label("Adresse e-mail").fill("lea@example.fr")
    await page.get_by_label("Fréquence").select_option("instant")
    await shot(page, "06-alert-form")
    await page.get_by_role("button", name="Créer l'alerte").click()
    await expect(page.locator("h1")).to_have_text("Vérifiez votre boîte mail")
    await shot(page, "07-alert-sent")
    [alert] = await Alert.objects()
    assert alert.email == "lea@example.fr"
    assert alert.frequency == "instant"
    saved = str(alert.search).replace(" ", "")
    assert '"massif":["alpes-nord"]' in saved
    assert '"contract":["seasonal"]' in saved
    await done(page)


async def test_a_phone_360_pixels_wide(
    browser: Browser,
    live_server: str,
    offers: dict[str, Any],
) -> None:
    page = await new_page(browser, width=360, height=740)
    for path, name in (
        ("/", "08-phone-home"),
        ("/offres?massif=alpes-nord", "09-phone-search"),
        (f"/offres/{offers['cook']['slug']}", "10-phone-offer"),
    ):
        await page.goto(f"{live_server}{path}")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{path} scrolls sideways ({width}px)"
        await shot(page, name)
    # The filters fold away on a phone once a filter is on, and open on demand.
    await page.goto(f"{live_server}/offres?massif=alpes-nord")
    panel = page.locator("details.facets-toggle")
    await expect(panel).not_to_have_attribute("open", "")
    await page.get_by_text(re.compile(r"^Filtres \(1 actif\)")).click()
    await page.get_by_label(re.compile("^Logé")).check()
    await expect(page).to_have_url(re.compile("housing=provided"))
    await expect(panel).to_have_attribute("open", "")
    await done(page)
