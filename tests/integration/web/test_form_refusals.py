"""A character no text may hold is a field error like any other on the site: the form comes
back (400) with every value kept, the invisible character gone and the French message next to
the field, and nothing is stored (app.core.limits removes it and marks the field; the site's
one form reader, app.web.form_input, raises it in each form's own error path). The space's
forms carry their longest texts; the small forms stay small. Sign-in says one thing for every
failing branch. Real PostgreSQL, Redis and Meilisearch; the browser in test_space_browser."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from httpx import AsyncClient

from app.accounts.tables import User
from app.alerts.tables import Alert
from app.core.clock import FrozenClock
from app.core.limits import FORM_MAX_BYTES, SPACE_FORM_MAX_BYTES
from app.emails.tables import EmailOutbox
from app.offers.tables import Offer
from app.organisations.tables import Organisation
from app.trainings.tables import Training
from tests.integration.conftest import PASSWORD, Org, confirmed_account
from tests.integration.web.conftest import parse, texts
from tests.integration.web.test_accounts import csrf, post_form, sign_in, sign_up
from tests.integration.web.test_space import offer_form, signed_in_member

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
LOCKED_OR_WRONG = (
    "Adresse e-mail ou mot de passe incorrect, ou trop de tentatives : "
    "réessayez dans quelques minutes."
)


def refusal(label: str, char: str = "\x01") -> str:
    return f"« {label} » contient un caractère invisible (U+{ord(char):04X}) : supprimez-le."


@pytest.mark.parametrize("char", ["\x01", "\x7f", "\x9b", "\ufffe"])
async def test_sign_up_comes_back_with_the_values_and_the_error_next_to_the_field(
    client: AsyncClient, char: str
) -> None:
    response = await sign_up(client, organisation=f"Chalet{char} des Neiges", name="Camille")
    assert response.status_code == 400, response.text
    tree = parse(response.text)
    assert texts(tree, "#organisation-error") == [refusal("nom de l'organisation", char)]
    assert tree.cssselect("#organisation")[0].get("aria-invalid") == "true"
    values = {i.get("name"): i.get("value") for i in tree.cssselect("form input")}
    assert values["organisation"] == "Chalet des Neiges"  # kept, the character gone
    assert (values["name"], values["email"]) == ("Camille", "rh@chalet.example")
    assert await Organisation.count() == 0
    assert await User.count() == 0
    # Sent again as it came back: the account is made.
    again = await sign_up(client)
    assert again.status_code == 200
    assert await User.count() == 1


async def test_the_alert_form_lists_the_refused_character_and_saves_nothing(
    client: AsyncClient,
) -> None:
    data = {"q": "serv\x01eur", "email": "lea@example.fr", "frequency": "weekly"}
    response = await client.post("/offres/alerte", content=urlencode(data), headers=FORM)
    assert response.status_code == 400, response.text
    [error] = texts(parse(response.text), ".notice-error li")
    assert "(U+0001) : supprimez-le." in error
    back = parse(response.text).cssselect(".notice-error p a")[0].get("href")
    assert "q=serveur" in back  # the search comes back, the character gone
    assert await Alert.count() == 0


async def test_sign_in_with_a_refused_character_keeps_the_address(client: AsyncClient) -> None:
    response = await sign_in(client, "rh\x01@chalet.example")
    assert response.status_code == 400
    tree = parse(response.text)
    assert texts(tree, ".notice-error") == [refusal("adresse e-mail")]
    assert tree.cssselect("#email")[0].get("value") == "rh@chalet.example"


async def test_a_reset_asked_with_a_refused_character_records_no_email(
    client: AsyncClient,
) -> None:
    response = await post_form(client, "/mot-de-passe-oublie", {"email": "rh\x01@chalet.example"})
    assert response.status_code == 400
    tree = parse(response.text)
    assert tree.cssselect("#email")[0].get("value") == "rh@chalet.example"
    assert texts(tree, "#email-error") == [refusal("adresse e-mail")]
    assert tree.cssselect("#email")[0].get("aria-invalid") == "true"
    assert await EmailOutbox.count() == 0


async def test_a_reset_asked_for_a_malformed_address_says_so_next_to_it(
    client: AsyncClient,
) -> None:
    response = await post_form(client, "/mot-de-passe-oublie", {"email": "pas-une-adresse"})
    assert response.status_code == 400
    tree = parse(response.text)
    assert tree.cssselect("#email")[0].get("value") == "pas-une-adresse"
    assert texts(tree, "#email-error") == [
        "Adresse e-mail non valide (exemple : prenom.nom@domaine.fr)."
    ]
    assert await EmailOutbox.count() == 0


async def test_every_failing_sign_in_says_the_same_a_lock_included(
    client: AsyncClient, clock: FrozenClock
) -> None:
    user = await confirmed_account("verrou@chalet.example", clock)
    await User.update({User.locked_until: clock.now() + timedelta(minutes=2)}).where(
        User.id == user.id
    )
    answers = [
        await sign_in(client, "personne@chalet.example"),
        await sign_in(client, "verrou@chalet.example", "pas-le-bon-mot"),
        await sign_in(client, "verrou@chalet.example", PASSWORD),  # right password, locked
        await sign_in(client, "pas-une-adresse"),
    ]
    assert [a.status_code for a in answers] == [401] * 4
    assert [texts(parse(a.text), ".notice-error") for a in answers] == [[LOCKED_OR_WRONG]] * 4


async def test_offer_and_training_forms_keep_every_value(
    client: AsyncClient, clock: FrozenClock, employer: Org, school: Org
) -> None:
    await signed_in_member(client, employer, "rh@chalet.example", clock)
    new = f"/espace/offres/nouvelle?organisation={employer.id}"
    typed = offer_form(
        title="Serveur\x1b en salle",
        description="Service en salle\x01 et en terrasse, au pied des pistes.",
    )
    response = await post_form(
        client, "/espace/offres/nouvelle", {**typed, "organisation": str(employer.id)}, new
    )
    assert response.status_code == 400, response.text
    tree = parse(response.text)
    assert texts(tree, "#description-error") == [refusal("description")]
    assert texts(tree, "#title-error") == [refusal("intitulé", "\x1b")]
    assert tree.cssselect("#description")[0].text_content() == (
        "Service en salle et en terrasse, au pied des pistes."
    )
    assert tree.cssselect("#title")[0].get("value") == "Serveur en salle"
    assert tree.cssselect("#pay_min")[0].get("value") == "1 850"
    assert tree.cssselect("#place")[0].get("value") == "Val Thorens"
    assert await Offer.count() == 0

    await signed_in_member(client, school, "ecole@chalet.example", clock)
    new = f"/espace/formations/nouvelle?organisation={school.id}"
    token = await csrf(client, new)
    response = await client.post(
        "/espace/formations/nouvelle",
        data={
            "organisation": str(school.id),
            "title": "Moniteur de ski",
            "description": "Préparation au test technique\x02 et au cursus fédéral.",
            "duration_hours": "120",
            "modality": "on-site",
            "trade_codes": "G1204",
            "_csrf_token": token,
        },
    )
    assert response.status_code == 400, response.text
    tree = parse(response.text)
    assert texts(tree, "#description-error") == [refusal("description", "\x02")]
    assert tree.cssselect("#duration_hours")[0].get("value") == "120"
    assert await Training.count() == 0


@pytest.mark.parametrize("brk", ["\x0b", "\x0c", "\n", "\r\n", "\x85", "\u2028"])
async def test_a_line_break_in_a_single_line_field_says_so_in_french(
    client: AsyncClient, clock: FrozenClock, employer: Org, brk: str
) -> None:
    """A vertical tab (made a line break at the door) in an 18-character title: the page
    says the title fits on one line, not that it must hold 3 to 200 characters."""
    await signed_in_member(client, employer, "rh@chalet.example", clock)
    new = f"/espace/offres/nouvelle?organisation={employer.id}"
    typed = offer_form(title=f"Serveur{brk}Serveuse", apply_email=f"jobs{brk}@chalet.example")
    response = await post_form(
        client, "/espace/offres/nouvelle", {**typed, "organisation": str(employer.id)}, new
    )
    assert response.status_code == 400, response.text
    tree = parse(response.text)
    assert texts(tree, "#title-error") == [
        "L'intitulé tient sur une ligne : retirez le retour à la ligne."
    ]
    assert texts(tree, "#apply_email-error") == [
        "L'adresse de candidature tient sur une ligne : retirez le retour à la ligne."
    ]
    assert await Offer.count() == 0


async def test_a_description_of_20000_accented_letters_saves(
    client: AsyncClient, clock: FrozenClock, employer: Org
) -> None:
    await signed_in_member(client, employer, "rh@chalet.example", clock)
    new = f"/espace/offres/nouvelle?organisation={employer.id}"
    description = "é" * 20_000
    data = {**offer_form(description=description), "organisation": str(employer.id)}
    body = urlencode({**data, "_csrf_token": await csrf(client, new)}, doseq=True)
    assert FORM_MAX_BYTES < len(body) < SPACE_FORM_MAX_BYTES  # 120 KB url-encoded
    response = await client.post("/espace/offres/nouvelle", content=body, headers=FORM)
    assert response.status_code == 303, response.text
    [offer] = await Offer.objects()
    assert offer.description == description


async def test_small_forms_stay_small_and_space_forms_have_their_own_limit(
    client: AsyncClient,
) -> None:
    over_small = "email=" + "a" * (65 * 1024)
    for path in ("/connexion", "/inscription", "/mot-de-passe-oublie", "/offres/alerte"):
        response = await client.post(path, content=over_small, headers=FORM)
        assert response.status_code == 413, path
    # Under the space's limit: let through to the CSRF check (403), not cut at 64 KB.
    response = await client.post("/espace/offres/nouvelle", content=over_small, headers=FORM)
    assert response.status_code == 403
    over_space = "description=" + "a" * SPACE_FORM_MAX_BYTES
    response = await client.post("/espace/offres/nouvelle", content=over_space, headers=FORM)
    assert response.status_code == 413
