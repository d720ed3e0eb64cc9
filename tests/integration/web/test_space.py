"""The organisation space behind sign-in: an employer's offers, a school's sessions, API tokens;
nobody sees or changes another organisation's records. Real PostgreSQL, Redis, Meilisearch,
SMTP and worker."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from httpx import AsyncClient

from app.accounts.tables import ApiToken, AuditEvent, Membership, User
from app.alerts.tables import Alert, AlertSend
from app.core.clock import FrozenClock
from app.offers.tables import Offer
from app.organisations.tables import Organisation
from app.trainings.tables import Training, TrainingSession
from search.client import SearchEngine
from tests.integration.conftest import (
    Org,
    RunWorker,
    confirmed_account,
    make_offer,
    make_org,
    session_body,
    training_body,
)
from tests.integration.search.conftest import sync
from tests.integration.web.conftest import parse, texts
from tests.integration.web.test_accounts import (
    confirmed_user,
    csrf,
    post_form,
    sign_in,
)
from tests.smtp_server import SmtpServer


def offer_form(**overrides: Any) -> dict[str, Any]:
    """The new-offer form as a browser sends it (check boxes repeat their name)."""
    data: dict[str, Any] = {
        "title": "Serveur en restaurant d'altitude",
        "trade": "G1803",
        "description": "Service en salle et en terrasse, au pied des pistes, tout l'hiver.",
        "positions": "2",
        "experience": "some",
        "place": "Val Thorens",
        "seasons": ["winter", "summer"],
        "contract": "seasonal",
        "start_date": "2026-12-12",
        "end_date": "2027-04-20",
        "hours_per_week": "39",
        "pay_min": "1 850",
        "pay_max": "2100,50",
        "pay_period": "month",
        "housing": "provided",
        "meals": "1",
        "languages": ["fr", "en"],
        "apply_email": "jobs@chalet.example",
        "apply_url": "",
    }
    data.update(overrides)
    return data


async def signed_in_member(
    client: AsyncClient, org: Org, email: str, clock: FrozenClock, staff: bool = False
) -> None:
    await confirmed_account(email, clock, org.id, staff=staff)
    assert (await sign_in(client, email)).status_code == 303


async def offer_row(offer_id: int) -> dict[str, Any]:
    row = await Offer.select().where(Offer.id == offer_id).first()
    assert row is not None
    return row


async def newest(condition: Any) -> Offer | None:
    return await Offer.objects().where(condition).order_by(Offer.id, ascending=False).first()


def done_message(text: str) -> list[str]:
    return texts(parse(text), ".notice-ok")


async def test_an_employer_writes_publishes_edits_fills_and_duplicates_an_offer(
    client: AsyncClient,
    run_worker: RunWorker,
    smtp: SmtpServer,
    engine: SearchEngine,
    clock: FrozenClock,
) -> None:
    await confirmed_user(client, run_worker, smtp)
    assert (await sign_in(client, "rh@chalet.example")).status_code == 303
    [org] = await Organisation.objects()
    space = parse((await client.get("/espace")).text)
    links = {a.text_content(): a.get("href") for a in space.cssselect("section a")}
    assert links["Mes offres"] == f"/espace/offres?organisation={org.id}"
    assert links["Jetons d'API"] == f"/espace/jetons?organisation={org.id}"

    listing = await client.get(links["Mes offres"])
    assert listing.status_code == 200
    assert listing.headers["cache-control"] == "no-store"
    assert "Aucune offre pour l'instant" in listing.text
    new = f"/espace/offres/nouvelle?organisation={org.id}"
    form = parse((await client.get(new)).text)
    assert form.cssselect("#apply_email")[0].get("value") == "rh@chalet.example"
    trades = [o.get("value") for o in form.cssselect("#trade option")]
    assert "G1803" in trades
    assert "A1101" not in trades  # only mountain trades are offered

    # A bad form: 400, each error next to its field, everything typed kept.
    bad = await post_form(
        client,
        "/espace/offres/nouvelle",
        {
            **offer_form(description="Trop court", pay_min="beaucoup", place="Atlantide"),
            "organisation": str(org.id),
        },
        form_page=new,
    )
    assert bad.status_code == 400
    tree = parse(bad.text)
    for name in ("description", "pay_min", "place"):
        assert tree.cssselect(f"#{name}-error"), name
        assert tree.cssselect(f"#{name}")[0].get("aria-invalid") == "true"
        assert tree.cssselect(f"#{name}")[0].get("aria-describedby") == f"{name}-error"
    assert "Décrivez le poste" in tree.cssselect("#description-error")[0].text_content()
    assert tree.cssselect("#description")[0].text_content() == "Trop court"
    assert tree.cssselect("#pay_min")[0].get("value") == "beaucoup"
    assert tree.cssselect("#place")[0].get("value") == "Atlantide"
    assert tree.cssselect("#title")[0].get("value") == "Serveur en restaurant d'altitude"
    assert not tree.cssselect("#title-error")
    checked = [i.get("value") for i in tree.cssselect("input[name=seasons][checked]")]
    assert checked == ["winter", "summer"]
    assert tree.cssselect("#trade option[selected]")[0].get("value") == "G1803"
    assert tree.cssselect("input[name=housing][value=provided][checked]")
    assert tree.cssselect("#meals[checked]")
    assert await Offer.count() == 0

    # A good one: a draft, as the API would have made it.
    created = await post_form(
        client,
        "/espace/offres/nouvelle",
        {**offer_form(), "organisation": str(org.id)},
        form_page=new,
    )
    assert created.status_code == 303
    assert created.headers["location"] == f"/espace/offres?organisation={org.id}&fait=creee"
    [offer] = await Offer.objects(Offer.place, Offer.trade)
    assert (offer.status, offer.place.slug, offer.trade.code) == ("draft", "val-thorens", "G1803")
    assert (offer.seasons, offer.languages) == (["winter", "summer"], ["fr", "en"])
    assert (offer.pay_min, offer.pay_max) == (Decimal("1850.00"), Decimal("2100.50"))
    assert (offer.meals, offer.driving_licence, offer.positions) == (True, False, 2)
    apply_url: Any = offer.apply_url  # nullable, typed as not null
    assert apply_url is None
    listing = await client.get(created.headers["location"])
    assert done_message(listing.text) == [
        "L'offre est enregistrée comme brouillon : publiez-la quand elle est prête."
    ]
    assert texts(parse(listing.text), ".status") == ["Brouillon"]

    # Publish; once the organisation is verified, the offer is found by search.
    token = await csrf(client, "/espace")
    published = await client.post(f"/espace/offres/{offer.id}/publier", data={"_csrf_token": token})
    assert published.status_code == 303
    row = await offer_row(offer.id)
    assert row["status"] == "published"
    assert row["expires_at"] == clock.now() + timedelta(days=60)
    listing = await client.get(published.headers["location"])
    assert done_message(listing.text) == ["L'offre est publiée."]
    assert texts(parse(listing.text), ".status") == ["Publiée"]
    assert "22/01/2027" in listing.text  # the expiry
    await Organisation.update({Organisation.verified: True}).where(Organisation.id == org.id)
    await sync(engine, clock)
    found = (await client.get("/api/offers/search", params={"q": "serveur altitude"})).json()
    assert [hit["id"] for hit in found["hits"]] == [offer.id]

    # The alert emails that included it (sent ones only).
    alert = await Alert.objects().create(
        email="lea@example.fr", search={}, frequency="instant", key="k" * 32
    )
    other = await Alert.objects().create(
        email="sam@example.fr", search={}, frequency="daily", key="j" * 32
    )
    await AlertSend(alert=alert.id, offer=offer.id, sent_at=clock.now()).save()
    await AlertSend(alert=other.id, offer=offer.id, sent_at=None).save()  # claimed, not sent
    # Views of its public page.
    for _ in range(3):
        assert (await client.get(f"/offres/{offer.slug}")).status_code == 200
    listing = await client.get(f"/espace/offres?organisation={org.id}")
    facts = texts(parse(listing.text), ".space-facts dd")
    assert "1 e-mail" in facts
    assert "3 vues" in facts

    # Edit: the form shows the offer; a rule across fields is checked as by the API.
    edit = f"/espace/offres/{offer.id}/modifier"
    shown = parse((await client.get(edit)).text)
    assert shown.cssselect("#place")[0].get("value") == "Val Thorens"
    assert shown.cssselect("#pay_min")[0].get("value") == "1850"
    assert shown.cssselect("#pay_max")[0].get("value") == "2100.5"
    assert shown.cssselect("#start_date")[0].get("value") == "2026-12-12"
    before = await offer_row(offer.id)
    refused = await post_form(
        client, edit, offer_form(title="Chef de rang", end_date="2026-12-01"), form_page=edit
    )
    assert refused.status_code == 400
    assert parse(refused.text).cssselect("#end_date-error")
    assert parse(refused.text).cssselect("#title")[0].get("value") == "Chef de rang"
    assert await offer_row(offer.id) == before
    edited = await post_form(
        client,
        edit,
        offer_form(title="Chef de rang", housing="help", meals="", languages=[], pay_max=""),
        form_page=edit,
    )
    assert edited.status_code == 303
    row = await offer_row(offer.id)
    assert (row["title"], row["housing"], row["meals"]) == ("Chef de rang", "help", False)
    assert (row["languages"], row["pay_max"], row["status"]) == ([], None, "published")
    assert done_message((await client.get(edited.headers["location"])).text) == [
        "L'offre est modifiée."
    ]

    # Filled: no longer offered; renewing a filled offer is refused and changes nothing.
    token = await csrf(client, "/espace")
    filled = await client.post(f"/espace/offres/{offer.id}/pourvue", data={"_csrf_token": token})
    assert filled.status_code == 303
    assert (await offer_row(offer.id))["status"] == "filled"
    again = await client.post(f"/espace/offres/{offer.id}/prolonger", data={"_csrf_token": token})
    assert again.status_code == 409
    assert (await offer_row(offer.id))["status"] == "filled"

    # Duplicate last season's offer: a new draft, dates a year on.
    last_season = await post_form(
        client,
        "/espace/offres/nouvelle",
        {
            **offer_form(title="Perchman", start_date="2025-12-13", end_date="2026-04-19"),
            "organisation": str(org.id),
        },
        form_page=new,
    )
    assert last_season.status_code == 303
    old = await Offer.objects().where(Offer.title == "Perchman").first()
    assert old is not None
    copied = await client.post(f"/espace/offres/{old.id}/dupliquer", data={"_csrf_token": token})
    assert copied.status_code == 303
    assert copied.headers["location"] == f"/espace/offres?organisation={org.id}&fait=dupliquee"
    copy = await newest(Offer.title == "Perchman")
    assert copy is not None
    assert copy.id != old.id
    assert (copy.status, copy.start_date, copy.end_date) == (
        "draft",
        date(2026, 12, 13),
        date(2027, 4, 19),
    )
    assert (copy.seasons, copy.pay_min, copy.slug != old.slug) == (
        old.seasons,
        old.pay_min,
        True,
    )
    # An offer of the coming season keeps its dates.
    await client.post(f"/espace/offres/{offer.id}/dupliquer", data={"_csrf_token": token})
    fresh = await newest(Offer.title == "Chef de rang")
    assert fresh is not None
    assert (fresh.status, fresh.start_date) == ("draft", date(2026, 12, 12))

    archived = await client.post(f"/espace/offres/{old.id}/archiver", data={"_csrf_token": token})
    assert archived.status_code == 303
    listing = parse((await client.get(archived.headers["location"])).text)
    assert sorted(texts(listing, ".status")) == sorted(
        ["Brouillon", "Brouillon", "Archivée", "Pourvue"]
    )


async def test_another_organisation_gets_not_found_and_changes_nothing(
    client: AsyncClient, clock: FrozenClock, employer: Org, school: Org, other_employer: Org
) -> None:
    offer = await make_offer(client, employer, publish=False)
    training = await client.post("/api/trainings", json=training_body(), headers=school.auth)
    training_id = training.json()["id"]
    session = await client.post(
        "/api/sessions", json=session_body(training_id), headers=school.auth
    )
    session_id = session.json()["id"]
    [employer_token] = await ApiToken.objects().where(ApiToken.organisation == employer.id)
    offers_before = await Offer.select().order_by(Offer.id)
    sessions_before = await TrainingSession.select().order_by(TrainingSession.id)
    tokens_before = await ApiToken.select().order_by(ApiToken.id)

    await signed_in_member(client, other_employer, "intrus@lac.example", clock)
    oid = offer["id"]
    for path in (
        f"/espace/offres?organisation={employer.id}",
        f"/espace/offres/nouvelle?organisation={employer.id}",
        f"/espace/offres/{oid}/modifier",
        f"/espace/formations?organisation={school.id}",
        f"/espace/formations/{training_id}/sessions/nouvelle",
        f"/espace/jetons?organisation={employer.id}",
        "/espace/offres?organisation=999999",
        "/espace/offres?organisation=not-a-number",
        "/espace/offres/999999/modifier",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "Introuvable" in response.text

    token = await csrf(client, "/espace")
    mine = str(other_employer.id)
    for path, data in (
        ("/espace/offres/nouvelle", {**offer_form(), "organisation": str(employer.id)}),
        (f"/espace/offres/{oid}/modifier", offer_form(title="Piraté")),
        (f"/espace/offres/{oid}/publier", {}),
        (f"/espace/offres/{oid}/prolonger", {}),
        (f"/espace/offres/{oid}/pourvue", {}),
        (f"/espace/offres/{oid}/archiver", {}),
        (f"/espace/offres/{oid}/dupliquer", {}),
        (
            f"/espace/formations/{training_id}/sessions/nouvelle",
            {
                "place": "Chamrousse",
                "start_date": "2027-02-01",
                "end_date": "2027-02-20",
                "registration_deadline": "2027-01-15",
                "seats_total": "8",
            },
        ),
        (f"/espace/sessions/{session_id}/inscrits", {"seats_taken": "3"}),
        (f"/espace/sessions/{session_id}/annuler", {}),
        ("/espace/jetons", {"organisation": str(employer.id), "label": "volé"}),
        (f"/espace/jetons/{employer_token.id}/revoquer", {"organisation": str(employer.id)}),
        # Their own organisation named, but the token is another's.
        (f"/espace/jetons/{employer_token.id}/revoquer", {"organisation": mine}),
        ("/espace/offres/999999/publier", {}),
        ("/espace/sessions/999999/annuler", {}),
    ):
        response = await client.post(path, data={**data, "_csrf_token": token})
        assert response.status_code == 404, path

    assert await Offer.select().order_by(Offer.id) == offers_before
    assert await TrainingSession.select().order_by(TrainingSession.id) == sessions_before
    assert await ApiToken.select().order_by(ApiToken.id) == tokens_before
    assert not await AuditEvent.exists().where(AuditEvent.action.like("token-%"))

    # Staff may act for every organisation.
    await client.post("/deconnexion", data={"_csrf_token": token})
    await confirmed_account("equipe@emploi-montagne.example", clock, staff=True)
    assert (await sign_in(client, "equipe@emploi-montagne.example")).status_code == 303
    listing = await client.get(f"/espace/offres?organisation={employer.id}")
    assert listing.status_code == 200
    assert texts(parse(listing.text), ".card-title") == [offer["title"]]


async def test_anonymous_visitors_are_sent_to_sign_in(client: AsyncClient, employer: Org) -> None:
    offer = await make_offer(client, employer, publish=False)
    for path in (
        f"/espace/offres?organisation={employer.id}",
        f"/espace/offres/{offer['id']}/modifier",
        f"/espace/formations?organisation={employer.id}",
        f"/espace/jetons?organisation={employer.id}",
    ):
        response = await client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/connexion?suivant=/espace/")
    # A form posted with a valid CSRF token but no session.
    token = await csrf(client, "/connexion")
    response = await client.post(
        f"/espace/offres/{offer['id']}/publier", data={"_csrf_token": token}
    )
    assert response.status_code == 303
    # Back to the space after signing in, not to the POST-only address.
    assert response.headers["location"] == "/connexion?suivant=/espace"
    # Without the token, the CSRF check refuses it first.
    assert (await client.post(f"/espace/offres/{offer['id']}/publier")).status_code == 403
    assert (await offer_row(offer["id"]))["status"] == "draft"


async def test_a_school_changes_seats_creates_and_cancels_sessions(
    client: AsyncClient, clock: FrozenClock, school: Org
) -> None:
    training = (
        await client.post("/api/trainings", json=training_body(), headers=school.auth)
    ).json()
    session = (
        await client.post("/api/sessions", json=session_body(training["id"]), headers=school.auth)
    ).json()
    sid = session["id"]
    await signed_in_member(client, school, "direction@ecole.example", clock)
    space = parse((await client.get("/espace")).text)
    hrefs = [a.get("href") for a in space.cssselect("section a")]
    assert f"/espace/formations?organisation={school.id}" in hrefs
    assert f"/espace/offres?organisation={school.id}" not in hrefs

    page = f"/espace/formations?organisation={school.id}"
    tree = parse((await client.get(page)).text)
    assert texts(tree, "h2") == [training["title"]]
    assert texts(tree, f"#session-{sid} .seats") == ["0 / 12"]
    assert texts(tree, f"#session-{sid} .status") == ["Inscriptions ouvertes"]

    # More seats taken than there are: refused next to the field, input kept, nothing changed.
    too_many = await post_form(
        client, f"/espace/sessions/{sid}/inscrits", {"seats_taken": "20"}, form_page=page
    )
    assert too_many.status_code == 400
    tree = parse(too_many.text)
    assert tree.cssselect(f"#seats-{sid}-error")
    assert tree.cssselect(f"#seats-{sid}")[0].get("value") == "20"
    assert tree.cssselect(f"#seats-{sid}")[0].get("aria-invalid") == "true"
    assert (await TrainingSession.select().where(TrainingSession.id == sid).first() or {})[
        "seats_taken"
    ] == 0

    changed = await post_form(
        client, f"/espace/sessions/{sid}/inscrits", {"seats_taken": "12"}, form_page=page
    )
    assert changed.status_code == 303
    tree = parse((await client.get(changed.headers["location"])).text)
    assert texts(tree, ".notice-ok") == ["Le nombre d'inscrits est enregistré."]
    assert texts(tree, f"#session-{sid} .seats") == ["12 / 12"]
    assert texts(tree, f"#session-{sid} .status") == ["Complet"]

    # A new session, checked as the API checks it.
    new = f"/espace/formations/{training['id']}/sessions/nouvelle"
    values = {
        "place": "Font-Romeu",
        "start_date": "2027-03-01",
        "end_date": "2027-03-26",
        "registration_deadline": "2027-03-10",
        "seats_total": "10",
        "seats_taken": "",
    }
    late = await post_form(client, new, values, form_page=new)
    assert late.status_code == 400
    tree = parse(late.text)
    assert tree.cssselect("#registration_deadline-error")
    assert tree.cssselect("#place")[0].get("value") == "Font-Romeu"
    assert await TrainingSession.count() == 1
    made = await post_form(
        client, new, {**values, "registration_deadline": "2027-02-15"}, form_page=new
    )
    assert made.status_code == 303
    created = await TrainingSession.objects(TrainingSession.place).order_by(TrainingSession.id)
    assert [(s.place.slug, s.seats_total, s.seats_taken, s.status) for s in created[1:]] == [
        ("font-romeu", 10, 0, "open")
    ]

    # Registrations closed by hand before the deadline; a second close is refused.
    new_id = created[-1].id
    closed = await post_form(client, f"/espace/sessions/{new_id}/clore", {}, form_page=page)
    assert closed.status_code == 303
    row = await TrainingSession.objects().where(TrainingSession.id == new_id).first()
    assert row is not None
    assert row.status == "closed"
    assert row.registration_deadline < clock.now().date()
    tree = parse((await client.get(closed.headers["location"])).text)
    assert not tree.cssselect(f'form[action="/espace/sessions/{new_id}/clore"]')
    again_closed = await post_form(client, f"/espace/sessions/{new_id}/clore", {}, form_page=page)
    assert again_closed.status_code == 409

    cancelled = await post_form(client, f"/espace/sessions/{sid}/annuler", {}, form_page=page)
    assert cancelled.status_code == 303
    tree = parse((await client.get(cancelled.headers["location"])).text)
    assert texts(tree, f"#session-{sid} .status") == ["Annulée"]
    assert not tree.cssselect(f"#session-{sid} form")  # nothing left to change
    again = await post_form(client, f"/espace/sessions/{sid}/annuler", {}, form_page=page)
    assert again.status_code == 409


async def test_a_school_writes_and_edits_a_training_from_its_space(
    client: AsyncClient, clock: FrozenClock, school: Org, employer: Org
) -> None:
    await signed_in_member(client, school, "direction@ecole.example", clock)
    user = await User.objects().where(User.email == "direction@ecole.example").first()
    assert user is not None
    await Membership(user=user.id, organisation=employer.id, role="owner").save()  # both kinds
    listing = f"/espace/formations?organisation={school.id}"
    tree = parse((await client.get(listing)).text)
    new = f"/espace/formations/nouvelle?organisation={school.id}"
    assert tree.cssselect(f'a[href="{new}"]')
    # An employer has no trainings: no form for it.
    assert (
        await client.get(f"/espace/formations/nouvelle?organisation={employer.id}")
    ).status_code == 404

    form = parse((await client.get(new)).text)
    assert form.cssselect('input[name="trade_codes"][value="G1204"]')
    assert form.cssselect('input[name="modality"][value="on-site"]')[0].get("checked") is not None
    values: dict[str, Any] = {
        "organisation": str(school.id),
        "title": "Pisteur-secouriste, premier degré",
        "description": "Formation au secours sur piste, à la sécurité et au damage.",
        "trade_codes": [],
        "duration_hours": "deux cents",
        "modality": "on-site",
        "certification_code": "rncp 12",
        "certification_title": "",
        "price_excl_vat": "2 500",
        "price_incl_vat": "3000",
        "funding": ["cpf"],
        "entry_requirements": "Avoir 18 ans.\nNiveau 2e étoile.",
    }
    refused = await post_form(client, "/espace/formations/nouvelle", values, form_page=new)
    assert refused.status_code == 400
    tree = parse(refused.text)
    for name in ("trade_codes", "duration_hours", "certification_code"):
        assert tree.cssselect(f"#{name}-error"), name
    assert not tree.cssselect("#title-error")
    assert tree.cssselect("#title")[0].get("value") == values["title"]
    assert tree.cssselect("#entry_requirements")[0].text_content() == values["entry_requirements"]
    assert tree.cssselect('input[name="funding"][value="cpf"]')[0].get("checked") is not None
    assert await Training.count() == 0

    fixed = {
        **values,
        "trade_codes": ["G1204"],
        "duration_hours": "200",
        "certification_code": "",
    }
    made = await post_form(client, "/espace/formations/nouvelle", fixed, form_page=new)
    assert made.status_code == 303, made.text
    assert done_message((await client.get(made.headers["location"])).text) == [
        "La formation est créée : ajoutez-lui ses sessions."
    ]
    [row] = await Training.objects()
    assert (row.title, row.trade_codes, row.duration_hours, row.organisation) == (
        "Pisteur-secouriste, premier degré",
        ["G1204"],
        200,
        school.id,
    )
    stored: tuple[Any, ...] = (row.price_excl_vat, row.certification_code, row.funding)
    assert stored == (Decimal("2500"), None, ["cpf"])
    assert row.entry_requirements == "Avoir 18 ans.\nNiveau 2e étoile."

    # Edited: the form shows what is stored; a price cleared is cleared.
    edit = f"/espace/formations/{row.id}/modifier"
    tree = parse((await client.get(edit)).text)
    assert tree.cssselect("#price_excl_vat")[0].get("value") == "2500"
    assert tree.cssselect('input[name="trade_codes"][value="G1204"]')[0].get("checked") is not None
    changed = {**fixed, "title": "Pisteur-secouriste, 1er degré", "price_excl_vat": ""}
    del changed["organisation"]
    bad_price = await post_form(client, edit, {**changed, "price_incl_vat": "-4"}, form_page=edit)
    assert bad_price.status_code == 400
    assert parse(bad_price.text).cssselect("#price_incl_vat-error")
    unchanged = await Training.objects().where(Training.id == row.id).first()
    assert unchanged is not None
    assert unchanged.title == "Pisteur-secouriste, premier degré"
    saved = await post_form(client, edit, changed, form_page=edit)
    assert saved.status_code == 303
    row2 = await Training.objects().where(Training.id == row.id).first()
    assert row2 is not None
    edited: tuple[Any, ...] = (row2.title, row2.price_excl_vat, row2.slug)
    assert edited == ("Pisteur-secouriste, 1er degré", None, row.slug)
    tree = parse((await client.get(saved.headers["location"])).text)
    assert texts(tree, "h2") == ["Pisteur-secouriste, 1er degré"]


async def test_api_tokens_are_shown_once_work_and_are_revoked(
    client: AsyncClient, clock: FrozenClock
) -> None:
    org = await make_org(client, "Loueur du Col", place="val-thorens")
    await signed_in_member(client, org, "chef@col.example", clock)
    page = f"/espace/jetons?organisation={org.id}"
    listed = parse((await client.get(page)).text)
    assert texts(listed, ".space-token .card-title") == ["tests"]  # made by the fixture

    empty = await post_form(
        client, "/espace/jetons", {"organisation": str(org.id), "label": " "}, form_page=page
    )
    assert empty.status_code == 400
    assert parse(empty.text).cssselect("#label-error")

    created = await post_form(
        client,
        "/espace/jetons",
        {"organisation": str(org.id), "label": "site carrière"},
        form_page=page,
    )
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    tree = parse(created.text)
    token = tree.cssselect("#token")[0].get("value")
    assert token.startswith("em_")
    assert "il ne sera plus jamais affiché" in tree.text_content()
    row = await ApiToken.objects().where(ApiToken.label == "site carrière").first()
    assert row is not None
    assert row.token_hash != token
    assert token not in (await client.get(page)).text  # never shown again
    assert f"{row.prefix}…" in (await client.get(page)).text

    bearer = {"Authorization": f"Bearer {token}"}
    made = await client.post(
        "/api/offers",
        json={
            "title": "Loueur de skis",
            "description": "Réglage et location de skis au pied des pistes, tout l'hiver.",
            "trade": "D1211",
            "place": "val-thorens",
            "seasons": ["winter"],
            "contract": "seasonal",
            "start_date": "2026-12-12",
            "apply_email": "jobs@col.example",
        },
        headers=bearer,
    )
    assert made.status_code == 201, made.text
    drafts = await client.get("/api/offers", params={"status": "draft"}, headers=bearer)
    assert [o["title"] for o in drafts.json()["items"]] == ["Loueur de skis"]

    revoked = await post_form(
        client, f"/espace/jetons/{row.id}/revoquer", {"organisation": str(org.id)}, form_page=page
    )
    assert revoked.status_code == 303
    assert revoked.headers["location"] == f"/espace/jetons?organisation={org.id}&fait=jeton-revoque"
    after = await client.get("/api/offers", params={"status": "draft"}, headers=bearer)
    assert after.status_code == 401
    tree = parse((await client.get(page)).text)
    assert texts(tree, f"#jeton-{row.id} .status") == ["Révoqué"]
    assert not tree.cssselect(f"#jeton-{row.id} form")
    twice = await post_form(
        client, f"/espace/jetons/{row.id}/revoquer", {"organisation": str(org.id)}, form_page=page
    )
    assert twice.status_code == 404
    actions = [
        e["action"] for e in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)
    ]
    assert actions == ["token-create", "token-revoke"]


async def test_a_refused_invitation_is_said_in_french(
    client: AsyncClient, clock: FrozenClock, employer: Org
) -> None:
    await signed_in_member(client, employer, "patron@chalet.example", clock)
    refusals = {
        "patron@chalet.example": (409, "Cette personne fait déjà partie de l'organisation."),
        "pas-une-adresse": (
            400,
            "Cette adresse e-mail n'est pas valide : vérifiez-la et renvoyez l'invitation.",
        ),
        "lou\x01@chalet.example": (
            400,
            "« adresse e-mail » contient un caractère invisible (U+0001) : supprimez-le.",
        ),
    }
    for email, (status, said) in refusals.items():
        form = {"organisation": str(employer.id), "email": email}
        response = await post_form(client, "/espace/equipe", form, form_page="/espace")
        assert response.status_code == status, response.text
        tree = parse(response.text)
        assert texts(tree, ".notice-error small") == [f"Détail : {said}"]
        assert [a.get("href") for a in tree.cssselect(".notice-error a")] == ["/espace"]
        for english in ("member", "email:", "character", "address"):
            assert english not in tree.cssselect(".notice-error")[0].text_content()
    assert await AuditEvent.count().where(AuditEvent.action == "invite") == 0
