"""The training catalogue (/formations) and training pages, on real PostgreSQL and Meilisearch."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import lxml.html
import pytest
from httpx import AsyncClient, Response

from app.core.clock import FrozenClock
from search.client import SearchEngine
from tests.integration.conftest import Org, app_client, make_org, session_body, training_body
from tests.integration.search.conftest import sync
from tests.integration.web.test_headers_and_outage import search_down_settings

HOSTILE = "<script>alert(1)</script> Moniteur & pisteur"


def cache_control(response: Response) -> set[str]:
    return {d.strip() for d in response.headers["cache-control"].split(",")}


def page_of(response: Response) -> Any:
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text)


async def make_training(client: AsyncClient, org: Org, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/trainings", json=training_body(**overrides), headers=org.auth
    )
    assert response.status_code == 201, response.text
    training: dict[str, Any] = response.json()
    return training


async def make_session(
    client: AsyncClient, org: Org, training_id: int, **overrides: Any
) -> dict[str, Any]:
    body = session_body(training_id, **overrides)
    response = await client.post("/api/sessions", json=body, headers=org.auth)
    assert response.status_code == 201, response.text
    session: dict[str, Any] = response.json()
    return session


def facet(doc: Any, name: str) -> dict[str, tuple[int, bool]]:
    """value -> (count, checked) of one facet's checkboxes."""
    found = {}
    for item in doc.cssselect(f'fieldset[data-facet="{name}"] li'):
        box = item.cssselect("input[type=checkbox]")[0]
        assert box.get("name") == name
        assert item.cssselect(f'label[for="{box.get("id")}"]'), "every box has its label"
        count = int(item.cssselect(".count")[0].text_content())
        found[box.get("value")] = (count, box.get("checked") is not None)
    return found


def cards(doc: Any) -> dict[str, list[str]]:
    """Training title -> the places of its listed sessions."""
    return {
        card.cssselect("h3 a")[0].text_content(): [
            s.cssselect("dd")[0].text_content().split(" (")[0].strip()
            for s in card.cssselect(".cat-session")
        ]
        for card in doc.cssselect(".cat-card")
    }


def errors(doc: Any) -> list[str]:
    return [li.text_content() for li in doc.cssselect('[role="alert"] li')]


@dataclass
class Catalogue:
    school: Org
    jura_school: Org
    ski: dict[str, Any]
    pisteur: dict[str, Any]


SKI = "Préparation au test technique de moniteur de ski"
PISTEUR = "Pisteur secouriste, premier degré"


@pytest.fixture
async def catalogue(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, school: Org
) -> Catalogue:
    """Two schools; the ski training in the Alps (open) and the Pyrenees (full), the pisteur
    training in the Jura (blended, another trade)."""
    jura_school = await make_org(
        client, "Centre Jura Formation", kind="school", place="les-rousses"
    )
    ski = await make_training(client, school, title=SKI)
    await make_session(client, school, ski["id"], place="chamrousse", seats_taken=3)
    await make_session(
        client,
        school,
        ski["id"],
        place="font-romeu",
        start_date="2027-02-01",
        end_date="2027-03-01",
        registration_deadline="2027-01-15",
        seats_taken=12,
    )
    pisteur = await make_training(
        client,
        jura_school,
        title=PISTEUR,
        description="Secours sur piste, déclenchement préventif et balisage du domaine skiable.",
        trade_codes=["K1726"],
        modality="blended",
        certification_code=None,
        certification_title=None,
        price_excl_vat=None,
        price_incl_vat=None,
    )
    await make_session(
        client,
        jura_school,
        pisteur["id"],
        place="metabief",
        start_date="2027-01-11",
        end_date="2027-01-29",
        registration_deadline="2027-01-04",
    )
    await sync(engine, clock)
    return Catalogue(school=school, jura_school=jura_school, ski=ski, pisteur=pisteur)


async def test_catalogue_lists_one_card_per_training_with_its_sessions(
    client: AsyncClient, catalogue: Catalogue
) -> None:
    response = await client.get("/formations")
    assert response.status_code == 200
    assert cache_control(response) == {"public", "max-age=300"}
    doc = page_of(response)
    assert doc.cssselect("h1")[0].text_content() == "Formations aux métiers de la montagne"
    assert doc.cssselect("#results-title")[0].text_content().strip() == "3 sessions à venir"
    assert cards(doc) == {SKI: ["Chamrousse", "Font-Romeu"], PISTEUR: ["Métabief"]}
    ski = doc.cssselect(".cat-card")[0]
    assert ski.cssselect("h3 a")[0].get("href") == f"/formations/{catalogue.ski['slug']}"
    assert ski.cssselect(".cat-meta a")[0].get("href") == f"/ecoles/{catalogue.school.slug}"
    chamrousse, font_romeu = (
        {
            dt.text_content(): dd.text_content()
            for dt, dd in zip(s.cssselect("dt"), s.cssselect("dd"), strict=True)
        }
        for s in ski.cssselect(".cat-session")
    )
    assert chamrousse["Dates"] == "du 4 janvier 2027 au 12 février 2027"
    assert chamrousse["Inscription"] == "jusqu'au 15 décembre 2026"
    assert chamrousse["Places"] == "9 places restantes"
    assert chamrousse["Statut"] == "Inscriptions ouvertes"
    assert chamrousse["Prix"] == "3\u202f840 € TTC"
    assert font_romeu["Places"] == "Aucune place restante"
    assert font_romeu["Statut"] == "Complet"
    # A GET form that works without JavaScript, its state in the URL.
    form = doc.cssselect('form[role="search"]')[0]
    assert form.get("method") == "get"
    assert form.get("action") == "/formations"
    assert doc.cssselect('label[for="q"]')
    assert facet(doc, "massif") == {
        "alpes-nord": (1, False),
        "pyrenees": (1, False),
        "jura": (1, False),
    }
    assert facet(doc, "trade") == {"G1204": (2, False), "K1726": (1, False)}
    assert facet(doc, "modality") == {"on-site": (2, False), "blended": (1, False)}
    assert facet(doc, "month") == {"2027-01": (2, False), "2027-02": (1, False)}
    months = doc.cssselect('fieldset[data-facet="month"] label')
    assert months[0].text_content().split()[:2] == ["janvier", "2027"]
    assert doc.cssselect('link[href="/static/catalogue.css"]')


async def test_facets_narrow_the_results_and_keep_the_other_counts(
    client: AsyncClient, catalogue: Catalogue
) -> None:
    doc = page_of(await client.get("/formations?massif=jura"))
    assert cards(doc) == {PISTEUR: ["Métabief"]}
    # The massif counts are computed without the massif filter: the other massifs stay.
    assert facet(doc, "massif") == {
        "alpes-nord": (1, False),
        "pyrenees": (1, False),
        "jura": (1, True),
    }
    assert facet(doc, "trade") == {"K1726": (1, False)}
    chips = doc.cssselect(".chips a")
    assert [c.text_content().split("×")[0].strip() for c in chips] == ["Jura"]
    assert chips[0].get("href") == "/formations"

    doc = page_of(await client.get("/formations?month=2027-02"))
    assert cards(doc) == {SKI: ["Font-Romeu"]}
    assert facet(doc, "month") == {"2027-01": (2, False), "2027-02": (1, True)}

    # Lower case codes are the same trade; the box shows ticked.
    doc = page_of(await client.get("/formations?trade=k1726"))
    assert cards(doc) == {PISTEUR: ["Métabief"]}
    assert facet(doc, "trade")["K1726"] == (1, True)

    doc = page_of(
        await client.get("/formations?modality=on-site&massif=alpes-nord&massif=pyrenees")
    )
    assert cards(doc) == {SKI: ["Chamrousse", "Font-Romeu"]}
    assert facet(doc, "massif") == {"alpes-nord": (1, True), "pyrenees": (1, True)}
    assert facet(doc, "modality") == {"on-site": (2, True)}

    doc = page_of(await client.get("/formations?q=pisteur"))
    assert list(cards(doc)) == [PISTEUR]
    assert doc.cssselect(".cat-card h3 a mark")
    assert doc.cssselect("#q")[0].get("value") == "pisteur"


async def test_bad_values_are_reported_in_french_and_the_rest_still_applies(
    client: AsyncClient, catalogue: Catalogue
) -> None:
    response = await client.get(
        "/formations?massif=everest&massif=jura&month=2027-13&modality=teleportation&page=abc"
    )
    assert response.status_code == 400
    assert response.headers["cache-control"] == "no-store"
    doc = page_of(response)
    assert errors(doc) == [
        "massif : valeur inconnue « everest »",
        "modalité : valeur inconnue « teleportation »",
        "mois : valeur non valide « 2027-13 »",
        "page : un nombre est attendu, pas « abc »",
    ]
    assert cards(doc) == {PISTEUR: ["Métabief"]}  # massif=jura still applies
    assert facet(doc, "massif")["jura"] == (1, True)
    assert doc.cssselect('meta[name="robots"]')[0].get("content").startswith("noindex")


async def test_an_unknown_trade_code_is_dropped_with_a_message(
    client: AsyncClient, catalogue: Catalogue
) -> None:
    response = await client.get("/formations?trade=Z9999&massif=alpes-nord")
    assert response.status_code == 400
    doc = page_of(response)
    assert errors(doc) == ["métier : valeur inconnue, ce filtre a été retiré"]
    assert cards(doc) == {SKI: ["Chamrousse"]}
    assert not any(checked for _, checked in facet(doc, "trade").values())


async def test_no_result_suggests_removing_a_filter(
    client: AsyncClient, catalogue: Catalogue
) -> None:
    response = await client.get("/formations?massif=jura&modality=on-site")
    assert response.status_code == 200
    doc = page_of(response)
    assert not doc.cssselect(".cat-card")
    empty = doc.cssselect(".cat-empty")[0]
    assert "Aucune session ne correspond à votre recherche." in empty.text_content()
    links = {a.text_content(): a.get("href") for a in empty.cssselect("li a")}
    assert links == {
        "Retirer « Jura »": "/formations?modality=on-site",
        "Retirer « En présentiel »": "/formations?massif=jura",
    }
    assert cards(page_of(await client.get(links["Retirer « En présentiel »"]))) == {
        PISTEUR: ["Métabief"]
    }


async def test_pages_of_results(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, school: Org
) -> None:
    training = await make_training(client, school)
    for day in range(1, 22):
        await make_session(client, school, training["id"], start_date=f"2027-01-{day:02d}")
    await sync(engine, clock)
    first = page_of(await client.get("/formations?massif=alpes-nord"))
    assert first.cssselect("#results-title")[0].text_content().strip() == "21 sessions à venir"
    assert len(first.cssselect(".cat-session")) == 20
    assert first.cssselect('.pagination a[rel="next"]')[0].get("href") == (
        "/formations?massif=alpes-nord&page=2"
    )
    second = page_of(await client.get("/formations?massif=alpes-nord&page=2"))
    assert len(second.cssselect(".cat-session")) == 1
    assert second.cssselect('.pagination a[rel="prev"]')[0].get("href") == (
        "/formations?massif=alpes-nord"
    )
    assert second.cssselect('[aria-current="page"]')[0].text_content() == "Page 2 sur 2"
    beyond = page_of(await client.get("/formations?page=9"))
    assert (
        "Cette page de résultats n'existe pas" in beyond.cssselect(".cat-empty")[0].text_content()
    )


async def test_htmx_gets_only_the_search_zone(client: AsyncClient, catalogue: Catalogue) -> None:
    response = await client.get(
        "/formations?massif=jura", headers={"HX-Request": "true", "HX-Target": "zone"}
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["vary"]
    fragment = lxml.html.fragment_fromstring(response.text, create_parent="div")
    assert not fragment.cssselect("h1, header, footer")
    assert fragment.cssselect('form[role="search"]')
    assert cards(fragment) == {PISTEUR: ["Métabief"]}


async def test_hostile_text_is_shown_as_text(
    client: AsyncClient, engine: SearchEngine, clock: FrozenClock, school: Org
) -> None:
    training = await make_training(client, school, title=HOSTILE)
    await make_session(client, school, training["id"])
    await sync(engine, clock)
    pages = {
        "/formations": ".cat-card h3 a",
        "/formations?q=moniteur": ".cat-card h3 a",  # the highlighted title
        f"/formations/{training['slug']}": "h1",
        f"/ecoles/{school.slug}": ".cat-card h3 a",
    }
    for url, title in pages.items():
        response = await client.get(url)
        assert response.status_code == 200, url
        assert "<script>alert" not in response.text
        doc = page_of(response)
        assert [t.text_content() for t in doc.cssselect(title)] == [HOSTILE], url
        for script in doc.cssselect("script"):
            if script.get("type") == "application/ld+json":
                assert json.loads(script.text)["name"] == HOSTILE
                assert "<" not in script.text
            else:
                assert script.get("src", "").startswith("/static/")
                assert not (script.text or "").strip()


async def test_training_page_with_its_course_json_ld(
    client: AsyncClient, settings_base_url: str, school: Org
) -> None:
    training = await make_training(client, school, entry_requirements="Niveau flèche de bronze.")
    await make_session(client, school, training["id"], place="chamrousse", seats_taken=11)
    full = await make_session(
        client,
        school,
        training["id"],
        place="font-romeu",
        start_date="2027-02-01",
        end_date="2027-03-01",
        registration_deadline="2027-01-15",
        seats_taken=12,
    )
    cancelled = await make_session(client, school, training["id"], place="les-rousses")
    cancel = await client.post(f"/api/sessions/{cancelled['id']}/cancel", headers=school.auth)
    assert cancel.status_code == 200
    await make_session(  # over before the clock's day: not shown
        client,
        school,
        training["id"],
        place="gerardmer",
        start_date="2026-10-01",
        end_date="2026-10-15",
        registration_deadline="2026-09-30",
    )
    response = await client.get(f"/formations/{training['slug']}")
    assert response.status_code == 200
    assert cache_control(response) == {"public", "max-age=300"}
    doc = page_of(response)
    assert doc.cssselect("h1")[0].text_content() == training["title"]
    facts = {
        dt.text_content(): dd
        for dt, dd in zip(
            doc.cssselect(".cat-facts > dt"), doc.cssselect(".cat-facts > dd"), strict=True
        )
    }
    assert facts["Certification"].text_content().strip() == (
        "Diplôme d'État de ski – moniteur national de ski alpin (RNCP37735)"
    )
    assert facts["Durée"].text_content().strip() == "180 heures"
    assert facts["Modalité"].text_content().strip() == "En présentiel"
    assert facts["Prix"].text_content().strip() == "3\u202f840 € TTC (3\u202f200 € HT)"
    assert [li.text_content() for li in facts["Financements"].cssselect("li")] == [
        "Éligible CPF",
        "France Travail",
    ]
    assert [li.text_content() for li in facts["Métier"].cssselect("li")] == [
        "Moniteur·rice de ski / snowboard (G1204)"
    ]
    assert "Niveau flèche de bronze." in doc.cssselect(".cat-text")[1].text_content()
    school_links = {a.get("href") for a in doc.cssselect("main a")}
    assert f"/ecoles/{school.slug}" in school_links
    places = [
        s.cssselect("dd")[0].text_content().split(" (")[0] for s in doc.cssselect(".cat-session")
    ]
    assert places == ["Chamrousse", "Les Rousses", "Font-Romeu"]
    statuses = [s.cssselect(".cat-status")[0].text_content() for s in doc.cssselect(".cat-session")]
    assert statuses == ["Inscriptions ouvertes", "Annulée", "Complet"]
    assert doc.cssselect('link[rel="canonical"]')[0].get("href") == (
        f"{settings_base_url}/formations/{training['slug']}"
    )

    (script,) = doc.cssselect('script[type="application/ld+json"]')
    course = json.loads(script.text)
    assert course["@context"] == "https://schema.org"
    assert course["@type"] == "Course"
    assert course["name"] == training["title"]
    assert course["description"] == training["description"]
    assert course["provider"] == {
        "@type": "Organization",
        "name": "École des Neiges",
        "url": f"{settings_base_url}/ecoles/{school.slug}",
    }
    assert course["educationalCredentialAwarded"]["identifier"] == "RNCP37735"
    instances = course["hasCourseInstance"]
    assert isinstance(instances, list)
    assert [i["startDate"] for i in instances] == ["2027-01-04", "2027-02-01"]  # not cancelled
    first, second = instances
    assert first["@type"] == "CourseInstance"
    assert first["courseMode"] == "onsite"
    assert first["endDate"] == "2027-02-12"
    assert first["location"]["@type"] == "Place"
    assert first["location"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Chamrousse",
        "addressRegion": "Auvergne-Rhône-Alpes",
        "addressCountry": "FR",
    }
    assert second["location"]["address"]["addressRegion"] == "Occitanie"
    assert first["offers"]["@type"] == "Offer"
    assert first["offers"]["price"] == 3840
    assert first["offers"]["priceCurrency"] == "EUR"
    assert first["offers"]["availability"] == "https://schema.org/InStock"
    assert second["offers"]["availability"] == "https://schema.org/SoldOut"
    assert full["status"] == "full"


async def test_course_json_ld_without_certification_or_price(
    client: AsyncClient, school: Org
) -> None:
    training = await make_training(
        client,
        school,
        modality="remote",
        certification_code=None,
        certification_title=None,
        price_excl_vat=None,
        price_incl_vat=None,
    )
    await make_session(client, school, training["id"])
    doc = page_of(await client.get(f"/formations/{training['slug']}"))
    course = json.loads(doc.cssselect('script[type="application/ld+json"]')[0].text)
    assert "educationalCredentialAwarded" not in course
    (instance,) = course["hasCourseInstance"]
    assert instance["courseMode"] == "online"
    assert "offers" not in instance


@pytest.mark.parametrize("slug", ["pas-de-formation", "Majuscules", "a%20b", "-"])
async def test_unknown_training_is_a_404_page(client: AsyncClient, slug: str) -> None:
    response = await client.get(f"/formations/{slug}")
    assert response.status_code == 404
    doc = page_of(response)
    assert doc.cssselect("h1")[0].text_content() == "Introuvable"
    assert response.headers["cache-control"] == "no-store"


async def test_search_engine_down_is_a_503_page(client: AsyncClient, clock: FrozenClock) -> None:
    async with app_client(search_down_settings(), clock) as http:
        response = await http.get("/formations?massif=jura")
    assert response.status_code == 503
    assert response.headers["cache-control"] == "no-store"
    doc = page_of(response)
    assert doc.cssselect("h1")[0].text_content() == "Recherche momentanément indisponible"


@pytest.fixture
def settings_base_url() -> str:
    from app.config import get_settings

    return get_settings().site.base_url
