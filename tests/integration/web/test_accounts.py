"""Accounts on the site: sign-up → email link → sign-in → the space; invitations; reset;
CSRF, rate limits, lock-out and no user enumeration. Real PostgreSQL, Redis, SMTP, worker."""

from __future__ import annotations

from datetime import timedelta

from httpx import AsyncClient, Response

from app.accounts.tables import AuditEvent, Membership, User
from app.core.clock import FrozenClock
from app.organisations.tables import Organisation
from tests.integration.conftest import PASSWORD, RunWorker, link
from tests.integration.web.conftest import parse, texts
from tests.smtp_server import SmtpServer

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def csrf(client: AsyncClient, path: str) -> str:
    """The CSRF token of the form on `path` (the cookie comes with it)."""
    page = await client.get(path)
    assert page.status_code == 200, page.text
    [token] = [i.get("value") for i in parse(page.text).cssselect('input[name="_csrf_token"]')][:1]
    return str(token)


async def post_form(
    client: AsyncClient, path: str, data: dict[str, str], form_page: str = ""
) -> Response:
    token = await csrf(client, form_page or path.split("?")[0])
    return await client.post(path, data={**data, "_csrf_token": token})


async def sign_up(client: AsyncClient, email: str = "rh@chalet.example", **extra: str) -> Response:
    data = {
        "kind": "employer",
        "organisation": "Chalet des Neiges",
        "place": "Val Thorens",
        "name": "Camille",
        "email": email,
        "contact_email": email,  # published: its choice here
        "password": PASSWORD,
        **extra,
    }
    return await post_form(client, "/inscription", data)


async def sign_in(client: AsyncClient, email: str, password: str = PASSWORD) -> Response:
    return await post_form(client, "/connexion", {"email": email, "password": password})


async def test_sign_up_confirm_sign_in_and_invite(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer
) -> None:
    response = await sign_up(client)
    assert response.status_code == 200
    assert "Vérifiez votre boîte mail" in response.text
    [org] = await Organisation.objects()
    assert (org.name, org.verified, org.kind) == ("Chalet des Neiges", False, "employer")
    [user] = await User.objects()
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash

    refused = await sign_in(client, "rh@chalet.example")
    assert refused.status_code == 401
    assert "Confirmez d'abord" in parse(refused.text).text_content()

    await run_worker()
    [mail] = smtp.to("rh@chalet.example")
    confirm = link(mail.text, "/inscription/confirmer")
    assert "Adresse confirmée" in (await client.get(confirm)).text

    signed = await sign_in(client, "rh@chalet.example")
    assert signed.status_code == 303
    assert signed.headers["location"] == "/espace"
    space = await client.get("/espace")
    assert space.status_code == 200
    tree = parse(space.text)
    assert texts(tree, "h2") == ["Chalet des Neiges"]
    assert "En attente de vérification" in space.text
    assert space.headers["cache-control"] == "no-store"

    invited = await post_form(
        client,
        "/espace/equipe",
        {"organisation": str(org.id), "email": "sam@chalet.example"},
        form_page="/espace",
    )
    assert invited.status_code == 303
    await run_worker()
    [invitation] = smtp.to("sam@chalet.example")
    assert "Chalet des Neiges" in invitation.subject
    accept = link(invitation.text, "/invitation")
    await client.post("/deconnexion", data={"_csrf_token": await csrf(client, "/espace")})
    assert (await client.get("/espace")).status_code == 303  # signed out
    joined = await post_form(
        client, accept, {"name": "Sam", "password": "glacier-bleu-2026"}, form_page=accept
    )
    assert joined.status_code == 303
    assert (await sign_in(client, "sam@chalet.example", "glacier-bleu-2026")).status_code == 303
    assert "Chalet des Neiges" in (await client.get("/espace")).text
    assert await Membership.count().where(Membership.organisation == org.id) == 2
    actions = [
        e["action"] for e in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.id)
    ]
    assert actions == ["sign-up", "invite", "join"]
    # The link works once.
    assert (await client.get(accept)).status_code == 400


async def test_bad_sign_up_keeps_input_and_names_fields(client: AsyncClient) -> None:
    response = await sign_up(client, email="pas-une-adresse", password="court")
    assert response.status_code == 400
    tree = parse(response.text)
    assert tree.cssselect("#email")[0].get("value") == "pas-une-adresse"
    assert tree.cssselect("#organisation")[0].get("value") == "Chalet des Neiges"
    assert tree.cssselect("#email")[0].get("aria-invalid") == "true"
    assert not tree.cssselect("#password")[0].get("value")  # never sent back
    assert await Organisation.count() == 0
    unknown_place = await sign_up(client, place="Atlantide")
    assert unknown_place.status_code == 400
    assert parse(unknown_place.text).cssselect("#place-error")


async def test_taken_address_gets_the_same_answer_and_its_owner_an_email(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer
) -> None:
    first = await sign_up(client)
    second = await sign_up(client, organisation="Autre Chalet")
    assert texts(parse(first.text), "h1") == texts(parse(second.text), "h1")
    assert await Organisation.count() == 1
    await run_worker()
    subjects = sorted(m.subject for m in smtp.to("rh@chalet.example"))
    assert subjects == [
        "Confirmez votre adresse e-mail",
        "Vous avez déjà un compte Emploi Montagne",
    ]


async def test_forms_without_a_valid_csrf_token_are_refused(client: AsyncClient) -> None:
    await client.get("/connexion")  # the cookie, but no token in the form
    missing = await client.post("/connexion", data={"email": "a@b.fr", "password": "x" * 12})
    assert missing.status_code == 403
    wrong = await client.post(
        "/connexion", data={"email": "a@b.fr", "password": "x" * 12, "_csrf_token": "forged"}
    )
    assert wrong.status_code == 403
    assert await User.count() == 0


async def confirmed_user(client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer) -> None:
    await sign_up(client)
    await run_worker()
    await client.get(link(smtp.to("rh@chalet.example")[0].text, "/inscription/confirmer"))
    smtp.forget("rh@chalet.example")


async def test_no_enumeration_and_lock_out_with_back_off(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, clock: FrozenClock
) -> None:
    await confirmed_user(client, run_worker, smtp)
    unknown = await sign_in(client, "nobody@chalet.example", "whatever-password")
    wrong = await sign_in(client, "rh@chalet.example", "wrong-password-1")
    assert unknown.status_code == wrong.status_code == 401
    assert texts(parse(unknown.text), ".notice-error") == texts(parse(wrong.text), ".notice-error")
    for attempt in range(4):  # five failures in all
        await sign_in(client, "rh@chalet.example", f"wrong-password-{attempt + 2}")
    clock.advance(timedelta(seconds=30))
    locked = await sign_in(client, "rh@chalet.example")  # the right password, but locked
    assert locked.status_code == 401
    assert texts(parse(locked.text), ".notice-error") == texts(parse(wrong.text), ".notice-error")
    clock.advance(timedelta(seconds=31))  # the first lock lasts one minute
    assert (await sign_in(client, "rh@chalet.example")).status_code == 303


async def test_sign_in_is_rate_limited_per_client(client: AsyncClient) -> None:
    statuses = []
    for n in range(21):
        response = await sign_in(client, f"someone{n}@chalet.example", "whatever-password")
        statuses.append(response.status_code)
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429
    assert 0 < int(response.headers["retry-after"]) <= 60


async def test_password_reset_signs_every_session_out(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer
) -> None:
    await confirmed_user(client, run_worker, smtp)
    assert (await sign_in(client, "rh@chalet.example")).status_code == 303
    old_cookies = dict(client.cookies)

    known = await post_form(client, "/mot-de-passe-oublie", {"email": "rh@chalet.example"})
    unknown = await post_form(client, "/mot-de-passe-oublie", {"email": "nobody@chalet.example"})
    assert texts(parse(known.text), ".notice") == [
        t.replace("nobody", "rh") for t in texts(parse(unknown.text), ".notice")
    ]
    await run_worker()
    [mail] = smtp.to("rh@chalet.example")
    [no_account] = smtp.to("nobody@chalet.example")  # told so, with no link to any account
    assert "/mot-de-passe/nouveau" not in no_account.text
    reset = link(mail.text, "/mot-de-passe/nouveau")
    differ = await post_form(
        client,
        reset,
        {"password": "nouveau-mot-2026", "confirmation": "autre-chose-2026"},
        form_page=reset,
    )
    assert differ.status_code == 400
    done = await post_form(
        client,
        reset,
        {"password": "nouveau-mot-2026", "confirmation": "nouveau-mot-2026"},
        form_page=reset,
    )
    assert done.status_code == 303
    used = await client.get(reset)  # used once: said on opening, not after typing
    assert used.status_code == 400
    assert texts(parse(used.text), "h1") == ["Lien invalide ou expiré"]
    again = await post_form(
        client,
        reset,
        {"password": "troisieme-mot-2026", "confirmation": "troisieme-mot-2026"},
        form_page="/mot-de-passe-oublie",
    )
    assert again.status_code == 400

    client.cookies.clear()
    client.cookies.update(old_cookies)  # the session from before the change
    assert (await client.get("/espace")).status_code == 303
    assert (await sign_in(client, "rh@chalet.example")).status_code == 401
    assert (await sign_in(client, "rh@chalet.example", "nouveau-mot-2026")).status_code == 303


async def test_public_pages_set_no_cookie(client: AsyncClient) -> None:
    for path in ("/", "/offres", "/formations", "/sitemap.xml"):
        response = await client.get(path)
        assert "set-cookie" not in response.headers, path
    assert "set-cookie" in (await client.get("/connexion")).headers


async def test_next_page_is_never_another_site(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer
) -> None:
    await confirmed_user(client, run_worker, smtp)
    token = await csrf(client, "/connexion")
    response = await client.post(
        "/connexion",
        data={
            "email": "rh@chalet.example",
            "password": PASSWORD,
            "next": "//evil.example/x",
            "_csrf_token": token,
        },
    )
    assert response.headers["location"] == "/espace"
