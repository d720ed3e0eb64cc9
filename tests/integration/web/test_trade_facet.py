"""Every trade present is reachable in the trade facet: the most frequent first, then every
other one, by label with its count, in a "Tous les métiers" disclosure (a <details>: no
JavaScript needed, keyboard and screen-reader friendly). Same on /formations."""

from __future__ import annotations

import csv
import re
from typing import Any

import pytest
from httpx import AsyncClient
from playwright.async_api import Browser, expect

from app.core.clock import FrozenClock
from app.trades.services import DATA as TRADES_DATA
from search.client import SearchEngine
from search.indexes import MAX_VALUES_PER_FACET
from tests.integration.conftest import Org
from tests.integration.search.conftest import offer, sync
from tests.integration.web.conftest import parse, texts
from tests.integration.web.test_browser import browser, done, new_page, shot
from tests.integration.web.test_training_pages import make_session, make_training

__all__ = ["browser"]

# 21 trades: four with 3 offers, four with 2, thirteen with 1 (ski instructor, cook and
# receptionist among them, the trades the old facet of twelve left out).
COUNTS = {
    **dict.fromkeys(["G1803", "N4402", "K1726", "G1605"], 3),
    **dict.fromkeys(["G1501", "G1801", "F1303", "G1602"], 2),
    **dict.fromkeys(
        [
            "D1102",
            "D1211",
            "D1505",
            "G1101",
            "G1203",
            "G1204",
            "G1216",
            "G1503",
            "G1601",
            "G1609",
            "G1703",
            "I1309",
            "K1303",
        ],
        1,
    ),
}
# Most frequent first, ties by code.
TOP = ["G1605", "G1803", "K1726", "N4402", "F1303", "G1501", "G1602", "G1801", "D1102", "D1211"]
# The others by label, accents ignored: Accompagnateur, Agent, Animateur, Chef de cuisine,
# Cuisinier, Électricien, Garde d'enfants, Gouvernant, Hôte de caisse, Moniteur, Réceptionniste.
REST = [
    "G1216",
    "G1101",
    "G1203",
    "G1601",
    "G1609",
    "I1309",
    "K1303",
    "G1503",
    "D1505",
    "G1204",
    "G1703",
]


@pytest.fixture
async def trades_present(engine: SearchEngine, clock: FrozenClock, employer: Org) -> None:
    for code, count in COUNTS.items():
        for _ in range(count):
            await offer(employer.id, clock, trade=code, title=f"Offre {code}")
    await sync(engine, clock)


def boxes(scope: Any) -> list[tuple[str, int, bool]]:
    """(value, count, checked) of the checkboxes under `scope`, in page order."""
    found = []
    for box in scope.cssselect("input[type=checkbox]"):
        label = scope.cssselect(f'label[for="{box.get("id")}"] .count')[0]
        found.append((box.get("value"), int(label.text_content()), box.get("checked") is not None))
    return found


def trade_facet(tree: Any) -> tuple[list[tuple[str, int, bool]], Any]:
    """The trade facet's first list, and its disclosure."""
    [fieldset] = tree.cssselect('fieldset[data-facet="trade"]')
    [top] = fieldset.cssselect(":scope > ul")
    [more] = fieldset.cssselect(":scope > details.facet-more")
    return boxes(top), more


async def test_every_trade_present_is_reachable_most_frequent_first(
    client: AsyncClient, trades_present: None
) -> None:
    tree = parse((await client.get("/offres")).text)
    top, more = trade_facet(tree)
    assert top == [(code, COUNTS[code], False) for code in TOP]
    assert more.get("open") is None
    assert texts(more, "summary") == ["Tous les métiers (11 de plus)"]
    assert boxes(more) == [(code, COUNTS[code], False) for code in REST]
    labels = texts(more, "label")
    assert labels[5].startswith("Électricien·ne de maintenance")
    assert labels[9].startswith("Moniteur·rice de ski")
    # Each trade has one checkbox, inside the search form (sent without JavaScript too).
    ids = [b.get("id") for b in tree.cssselect("input[type=checkbox]")]
    assert len(ids) == len(set(ids))
    assert more in list(tree.cssselect("form#recherche")[0].iter())
    # The other facets keep their short lists.
    assert not tree.cssselect('fieldset[data-facet="massif"] details')


async def test_ticking_a_trade_of_the_disclosure(client: AsyncClient, trades_present: None) -> None:
    for headers in ({}, {"HX-Request": "true"}):
        response = await client.get("/offres?trade=G1204", headers=headers)
        assert response.status_code == 200
        tree = parse(f"<div>{response.text}</div>")
        top, more = trade_facet(tree)
        # Counts are disjunctive: ticking a trade keeps every other trade's count.
        assert top == [(code, COUNTS[code], False) for code in TOP]
        assert more.get("open") is not None  # it holds the ticked trade
        assert boxes(more) == [(code, COUNTS[code], code == "G1204") for code in REST]
        assert texts(tree, "#results-heading") == ["1 offre"]
        assert texts(tree, ".chips .chip")[0].startswith("Moniteur·rice de ski")
    # A trade of the first list leaves the disclosure closed.
    tree = parse((await client.get("/offres?trade=G1803")).text)
    top, more = trade_facet(tree)
    assert ("G1803", 3, True) in top
    assert more.get("open") is None


async def test_the_api_counts_every_trade_present(
    client: AsyncClient, trades_present: None
) -> None:
    result = (await client.get("/api/offers/search", params={"page_size": 1})).json()
    assert {f["value"]: f["count"] for f in result["facets"]["trade"]} == COUNTS


def test_meilisearch_counts_as_many_values_as_there_are_trades() -> None:
    """Offers may name any ROME code: the facet must never be cut short by Meilisearch."""
    with (TRADES_DATA / "rome_codes_v460.csv").open(encoding="utf-8") as f:
        codes = {row["code"] for row in csv.DictReader(f)}
    assert len(codes) > 1000
    assert len(codes) <= MAX_VALUES_PER_FACET


async def test_the_training_catalogue_shows_every_trade_too(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, school: Org
) -> None:
    first, second = list(COUNTS)[:10], list(COUNTS)[10:12]
    for codes in (first, second):
        training = await make_training(client, school, trade_codes=codes)
        await make_session(client, school, training["id"])
    await sync(engine, clock)
    tree = parse((await client.get("/formations")).text)
    [fieldset] = tree.cssselect('fieldset[data-facet="trade"]')
    [more] = fieldset.cssselect("details.facet-more")
    assert texts(more, "summary") == ["Tous les métiers (2 de plus)"]
    assert {value for value, _, _ in boxes(fieldset)} == set(first + second)
    assert len(boxes(more)) == 2


async def test_the_disclosure_opens_by_keyboard_on_a_phone(
    browser: Browser, live_server: str, trades_present: None
) -> None:
    page = await new_page(browser, width=360, height=740)
    await page.goto(f"{live_server}/offres")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"/offres scrolls sideways ({width}px)"
    more = page.locator('details[data-facet-more="trade"]')
    await expect(more).not_to_have_attribute("open", "")
    await expect(page.get_by_label(re.compile("^Réceptionniste"))).to_be_hidden()

    # From the last trade of the first list, Tab reaches the summary and Enter opens it.
    await page.locator(f"#f-trade-{TOP[-1]}").focus()
    await page.keyboard.press("Tab")
    await expect(more.locator("summary")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(more).to_have_attribute("open", "")
    await expect(page.get_by_label(re.compile("^Réceptionniste"))).to_be_visible()
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the open list scrolls sideways ({width}px)"
    await shot(page, "trade-facet-open-360")

    # Tab to its first trade, Space ticks it: htmx updates the results, the list stays open
    # and the box keeps the focus; Space again unticks it, and still nothing moves.
    first = page.locator(f"#f-trade-{REST[0]}")
    await page.keyboard.press("Tab")
    await expect(first).to_be_focused()
    await page.keyboard.press("Space")
    await expect(page).to_have_url(re.compile(rf"/offres\?trade={REST[0]}$"))
    await expect(page.locator("#results-heading")).to_have_text("1 offre")
    await expect(first).to_be_checked()
    await expect(more).to_have_attribute("open", "")
    await expect(first).to_be_focused()
    await page.keyboard.press("Space")
    await expect(page).to_have_url(re.compile(r"/offres$"))
    await expect(page.locator("#results-heading")).to_have_text(f"{sum(COUNTS.values())} offres")
    await expect(first).not_to_be_checked()
    await expect(more).to_have_attribute("open", "")
    await expect(first).to_be_focused()
    await shot(page, "trade-facet-ticked-360")
    await done(page)


async def test_the_disclosure_works_without_javascript(
    browser: Browser, live_server: str, trades_present: None
) -> None:
    context = await browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fr-FR", java_script_enabled=False
    )
    page = await context.new_page()
    page.set_default_timeout(10_000)
    await page.goto(f"{live_server}/offres")
    await page.get_by_text("Tous les métiers").click()
    await page.get_by_label(re.compile("^Réceptionniste")).check()
    await page.get_by_role("button", name="Appliquer les filtres").click()
    await expect(page).to_have_url(re.compile(r"trade=G1703"))
    await expect(page.locator("#results-heading")).to_have_text("1 offre")
    await expect(page.get_by_label(re.compile("^Réceptionniste"))).to_be_checked()
    await expect(page.locator('details[data-facet-more="trade"]')).to_have_attribute("open", "")
    await context.close()
