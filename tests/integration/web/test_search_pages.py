"""The offer search pages, the offer page, the feed and the alert form, parsed as HTML."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import feedparser
import pytest
from arq.connections import ArqRedis
from httpx import AsyncClient

from app.alerts.tables import Alert
from app.core.clock import FrozenClock
from app.emails.tables import EmailOutbox
from app.offers.tables import Offer, OfferView
from search.client import SearchEngine
from tests.integration.conftest import Org, make_offer
from tests.integration.search.conftest import sync
from tests.integration.web.conftest import executable_scripts, json_ld, parse, texts

HOSTILE = '<script>alert("x")</script> Serveur & barman'
OUR_SCRIPTS = ["/static/vendor/htmx-2.0.8.min.js", "/static/site.js"]


@pytest.fixture
async def made(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
    employer: Org,
    other_employer: Org,
) -> dict[str, Any]:
    """Four live offers in two massifs, one of them titled with hostile markup, indexed."""
    other = other_employer
    made = {
        "waiter": await make_offer(client, employer, title="Serveur en salle"),
        "cook": await make_offer(
            client, employer, title="Cuisinier de brigade", trade="G1602", housing="none"
        ),
        "vosges": await make_offer(
            client, other, title="Perchman au téléski", trade="G1201", place="gerardmer"
        ),
        "hostile": await make_offer(client, other, title=HOSTILE, place="gerardmer"),
    }
    await sync(engine, clock)
    return made


def facet(tree: Any, name: str) -> dict[str, tuple[int, bool]]:
    """value -> (count, checked) of a facet's checkboxes."""
    found = {}
    for box in tree.cssselect(f'fieldset[data-facet="{name}"] input[type=checkbox]'):
        label = tree.cssselect(f'label[for="{box.get("id")}"] .count')[0]
        found[box.get("value")] = (int(label.text_content()), box.get("checked") is not None)
    return found


async def test_search_page_lists_offers_with_facet_counts(
    client: AsyncClient,
    made: dict[str, Any],
) -> None:
    response = await client.get("/offres")
    assert response.status_code == 200
    assert "public" in response.headers["cache-control"]
    tree = parse(response.text)
    assert tree.get("lang") == "fr"
    assert len(tree.cssselect("ol.offers > li.card")) == 4
    assert facet(tree, "massif") == {"alpes-nord": (2, False), "vosges": (2, False)}
    assert facet(tree, "housing")["provided"] == (3, False)
    assert texts(tree, "#results-heading") == ["4 offres"]
    # Landmarks and labels: every form control has a label.
    for landmark in ("header", "nav", "main", "footer"):
        assert tree.cssselect(landmark), landmark
    for control in tree.cssselect("input:not([type=hidden]), select"):
        assert tree.cssselect(f'label[for="{control.get("id")}"]'), control.get("name")

    narrowed = parse((await client.get("/offres?massif=vosges&housing=provided")).text)
    titles = texts(narrowed, "ol.offers .card-title")
    assert set(titles) == {"Perchman au téléski", " ".join(HOSTILE.split())}
    # Disjunctive counts: the other massif still says how many it would add.
    assert facet(narrowed, "massif") == {"alpes-nord": (1, False), "vosges": (2, True)}
    assert texts(narrowed, ".chips .chip")[0].startswith("Vosges")
    # Each chip removes its own filter.
    chip = narrowed.cssselect(".chips .chip")[0].get("href")
    assert chip == "/offres?housing=provided"


async def test_htmx_gets_the_results_zone_only(
    client: AsyncClient,
    made: dict[str, Any],
) -> None:
    response = await client.get("/offres?massif=alpes-nord", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "HX-Request" in response.headers["vary"]
    assert "<html" not in response.text
    fragment = parse(f"<div>{response.text}</div>")
    assert fragment.cssselect(".facets, ol.offers")
    assert fragment.cssselect("#alerte-box")[0].get("hx-swap-oob") == "true"
    hidden = {
        (i.get("name"), i.get("value")) for i in fragment.cssselect("#alerte input[type=hidden]")
    }
    assert hidden == {("massif", "alpes-nord")}
    restore = await client.get(
        "/offres?massif=alpes-nord",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.text


async def test_user_text_is_escaped_everywhere(
    client: AsyncClient,
    made: dict[str, Any],
) -> None:
    for url in ("/offres", "/", f"/offres/{made['hostile']['slug']}", "/offres?q=serveur"):
        response = await client.get(url)
        assert response.status_code == 200, url
        tree = parse(response.text)
        assert executable_scripts(tree) == OUR_SCRIPTS, url
        assert any(HOSTILE in t for t in [e.text_content() for e in tree.iter()]), url


async def test_unknown_values_are_explained_not_fatal(
    client: AsyncClient,
    made: dict[str, Any],
) -> None:
    response = await client.get("/offres?massif=atlantide&trade=Z9999&season=winter&page=x")
    assert response.status_code == 400
    tree = parse(response.text)
    errors = texts(tree, ".notice-error li")
    assert "massif : valeur inconnue « atlantide »" in errors
    assert "métier : valeur inconnue" in errors
    assert any(e.startswith("page :") for e in errors)
    assert len(tree.cssselect("ol.offers > li")) == 4  # the valid filter (winter) still applies


async def test_empty_results_suggest_removing_a_filter(
    client: AsyncClient,
    made: dict[str, Any],
) -> None:
    tree = parse((await client.get("/offres?massif=corse&season=winter")).text)
    assert "Aucune offre ne correspond" in tree.cssselect(".empty")[0].text_content()
    links = [a.get("href") for a in tree.cssselect(".empty .chip")]
    assert links == ["/offres?season=winter", "/offres?massif=corse"]


async def test_near_a_resort_by_name(
    client: AsyncClient,
    made: dict[str, Any],
) -> None:
    tree = parse((await client.get("/offres?near=Gérardmer&radius_km=10")).text)
    assert len(tree.cssselect("ol.offers > li")) == 2
    assert tree.cssselect("#near")[0].get("value") == "Gérardmer"
    unknown = await client.get("/offres?near=Atlantide-les-Bains")
    assert unknown.status_code == 400
    assert "station : aucun lieu" in unknown.text


async def test_offer_page_has_a_complete_job_posting(
    client: AsyncClient,
    made: dict[str, Any],
) -> None:
    response = await client.get(f"/offres/{made['waiter']['slug']}")
    assert response.status_code == 200
    tree = parse(response.text)
    assert texts(tree, "h1") == ["Serveur en salle"]
    assert not tree.cssselect('meta[name="robots"]')
    [posting] = json_ld(tree)
    required = ("title", "description", "datePosted", "validThrough", "hiringOrganization")
    for key in (*required, "jobLocation", "employmentType", "baseSalary"):
        assert posting.get(key), key
    assert posting["@type"] == "JobPosting"
    assert posting["employmentType"] == "TEMPORARY"  # seasonal: there is no SEASONAL value
    assert posting["hiringOrganization"]["name"] == "Hôtel des Cimes"
    assert posting["jobLocation"]["address"]["addressCountry"] == "FR"
    assert posting["jobLocation"]["address"]["addressLocality"]
    assert posting["baseSalary"]["currency"] == "EUR"
    assert posting["baseSalary"]["value"]["unitText"] == "MONTH"
    assert posting["baseSalary"]["value"]["minValue"] == 1850
    assert posting["datePosted"] == "2026-11-23"
    # How to apply, and the employer's other offers.
    assert tree.cssselect('.apply a[href^="mailto:jobs@hotel-des-cimes.example"]')
    assert texts(tree, "section[aria-labelledby=others-heading] a") == ["Cuisinier de brigade"]

    hostile = parse((await client.get(f"/offres/{made['hostile']['slug']}")).text)
    [data] = json_ld(hostile)
    assert data["title"] == HOSTILE  # intact once parsed, harmless in the page


async def test_expired_and_draft_offers(
    client: AsyncClient,
    engine: SearchEngine,
    clock: FrozenClock,
    employer: Org,
) -> None:
    offer = await make_offer(client, employer, title="Pisteur secouriste")
    draft = await make_offer(client, employer, publish=False, title="Brouillon")
    await Offer.update({Offer.expires_at: clock.now() - timedelta(minutes=1)}).where(
        Offer.id == offer["id"]
    )
    response = await client.get(f"/offres/{offer['slug']}")
    assert response.status_code == 200
    tree = parse(response.text)
    assert tree.cssselect('meta[name="robots"]')[0].get("content") == "noindex"
    assert not json_ld(tree)
    assert "n'est plus disponible" in tree.cssselect(".notice")[0].text_content()
    assert not tree.cssselect(".apply")
    assert await OfferView.count() == 0, "a past offer's page is not a view"
    missing = await client.get(f"/offres/{draft['slug']}")
    assert missing.status_code == 404
    assert "Introuvable" in parse(missing.text).cssselect("h1")[0].text_content()


async def test_atom_feed_of_a_search(
    client: AsyncClient,
    made: dict[str, Any],
) -> None:
    page = parse((await client.get("/offres?massif=vosges")).text)
    [link] = page.cssselect('link[rel=alternate][type="application/atom+xml"]')
    assert link.get("href") == "/offres/flux.atom?massif=vosges"
    response = await client.get(link.get("href"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert "Vosges" in feed.feed.title
    titles = sorted(e.title for e in feed.entries)
    assert titles == sorted(
        [
            f"{HOSTILE} — Remontées du Lac, Gérardmer",
            "Perchman au téléski — Remontées du Lac, Gérardmer",
        ]
    )
    assert all(e.link.startswith("http") and "/offres/" in e.link for e in feed.entries)


async def test_alert_form_on_the_search_page(
    client: AsyncClient,
    made: dict[str, Any],
    queue: ArqRedis,
) -> None:
    tree = parse((await client.get("/offres?massif=vosges&housing=provided&q=perchman")).text)
    form = tree.cssselect("form#alerte")[0]
    assert form.get("action") == "/offres/alerte"
    fields = [(i.get("name"), i.get("value")) for i in form.cssselect("input[type=hidden]")]
    data = [*fields, ("email", "lea@example.fr"), ("frequency", "weekly")]
    form_type = {"Content-Type": "application/x-www-form-urlencoded"}
    sent = await client.post("/offres/alerte", content=urlencode(data), headers=form_type)
    assert sent.status_code == 202
    assert "Vérifiez votre boîte mail" in sent.text
    [alert] = await Alert.objects()
    assert (alert.email, alert.frequency) == ("lea@example.fr", "weekly")
    assert '"massif":["vosges"]' in str(alert.search).replace(" ", "")
    [mail] = await EmailOutbox.objects()
    assert (mail.template, mail.recipient) == ("alert_confirm", "lea@example.fr")
    jobs = [j.function for j in await queue.queued_jobs()]
    assert "send_emails" in jobs

    again = await client.post("/offres/alerte", content=urlencode(data), headers=form_type)
    assert again.status_code == 429
    assert "déjà" in parse(again.text).cssselect("h1")[0].text_content()

    bad = await client.post(
        "/offres/alerte", data={"email": "lea-at-example", "frequency": "monthly", "massif": "x"}
    )
    assert bad.status_code == 400
    errors = texts(parse(bad.text), ".notice-error li")
    assert any(e.startswith("fréquence") for e in errors)
    assert any(e.startswith("massif") for e in errors)
    bad_email = await client.post(
        "/offres/alerte", data={"email": "lea-at-example", "frequency": "daily"}
    )
    assert bad_email.status_code == 400
    assert "adresse e-mail" in bad_email.text
    assert await Alert.count() == 1


@pytest.mark.parametrize(("path", "query"), [("/offres", "massif=alpes-nord"), ("/formations", "")])
async def test_a_swapped_partial_leaves_one_zone(
    client: AsyncClient, made: dict[str, Any], path: str, query: str
) -> None:
    """The forms and links target #zone with htmx's default swap (innerHTML): the partial is
    the zone's inside, so swapping it in keeps exactly one #zone."""
    page_tree = parse((await client.get(path)).text)
    assert page_tree.cssselect("[hx-swap]") == []  # every swap is the default innerHTML
    targets = {e.get("hx-target") for e in page_tree.cssselect("[hx-target]")}
    assert targets == {"#zone"}
    htmx = {"HX-Request": "true", "HX-Target": "zone"}  # what htmx sends for #zone
    partial = await client.get(f"{path}?{query}", headers=htmx)
    zone = page_tree.cssselect("#zone")[0]
    for child in list(zone):
        zone.remove(child)
    fragment = parse(f"<div>{partial.text}</div>")
    for child in fragment:
        if child.get("hx-swap-oob") is None:
            zone.append(child)
    assert len(page_tree.cssselect("#zone")) == 1
    assert zone.cssselect("ol, .cat-results, section")


async def test_a_feed_whose_words_are_empty_after_cleaning_shows_no_quote_marks(
    client: AsyncClient, made: dict[str, Any]
) -> None:
    response = await client.get("/offres/flux.atom?q=%01")
    assert response.status_code == 200, response.text
    feed = feedparser.parse(response.content)
    assert feed.feed.title == "Offres d'emploi en montagne"
