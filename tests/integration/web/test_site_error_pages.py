"""Every refusal of the site is a French page a visitor can read: no JSON, no English detail.

Litestar's own refusals (unrouted path, wrong method, CSRF, a missing or malformed link token)
are French pages outside /api and stay problem details under it; refused links say what to do
next; a used reset link says so before the new password is typed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from httpx import AsyncClient, Response

from app.accounts import users
from app.config import get_settings
from app.core.clock import FrozenClock
from tests.integration.conftest import Org, confirmed_account, make_offer
from tests.integration.web.conftest import parse, texts
from tests.integration.web.test_accounts import csrf, post_form, sign_in

FORM = {"email": "a@b.example", "password": "x" * 14}
# The pages behind e-mailed links, each reached with its token in the query string.
LINK_PAGES = [
    ("GET", "/mot-de-passe/nouveau"),
    ("POST", "/mot-de-passe/nouveau"),
    ("GET", "/inscription/confirmer"),
    ("GET", "/alertes/gerer"),
    ("GET", "/alertes/confirmer"),
    ("POST", "/alertes/confirmer"),
    ("GET", "/alertes/desabonner"),
    ("POST", "/alertes/desabonner"),
    ("GET", "/offres/prolonger"),
    ("POST", "/offres/prolonger"),
    ("GET", "/invitation"),
    ("POST", "/invitation"),
]
# What each account link offers next (the others: back to the offers).
NEXT_STEP = {
    "/mot-de-passe/nouveau": ("/mot-de-passe-oublie", "Demander un nouveau lien"),
    "/inscription/confirmer": ("/connexion", "Se connecter"),
    "/invitation": ("/connexion", "Se connecter"),
    "/offres/prolonger": ("/espace/offres", "Gérer mes offres"),
}
ENGLISH = ("Détail :", "token", "Missing", "Expected", "not valid", "No offer", "link", "CSRF", "{")


def french_page(response: Response, status: int, heading: str) -> object:
    """The response is the site's French page: HTML, never cached, no English detail."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    tree = parse(response.text)
    assert texts(tree, "h1") == [heading]
    shown = " ".join(texts(tree, "main"))
    assert not [word for word in ENGLISH if word in shown], shown
    return tree


def next_link(tree: object) -> tuple[str, str]:
    [link] = tree.cssselect(".notice a")  # type: ignore[attr-defined]
    return str(link.get("href")), " ".join(link.text_content().split())


# A button, not an action (mail scanners open links): a long token is checked when it is sent.
BUTTON_PAGES = {
    ("GET", "/alertes/confirmer"),
    ("GET", "/alertes/desabonner"),
    ("GET", "/offres/prolonger"),
}
BAD_TOKEN = "?token=" + "x" * 40


@pytest.mark.parametrize(("method", "path"), LINK_PAGES)
@pytest.mark.parametrize("query", ["", "?token=", "?token=abc", BAD_TOKEN])
async def test_a_missing_short_or_bad_link_token_is_the_same_french_page(
    client: AsyncClient, method: str, path: str, query: str
) -> None:
    if query == BAD_TOKEN and (method, path) in BUTTON_PAGES:
        assert (await client.get(path + query)).status_code == 200  # its POST is tested
        return
    if method == "POST" and path in ("/mot-de-passe/nouveau", "/invitation"):
        token = await csrf(client, "/connexion")  # these two forms carry a CSRF token
        data = {**FORM, "confirmation": FORM["password"], "_csrf_token": token}
        response = await client.post(path + query, data=data)
    else:
        response = await client.request(
            method, path + query, data=FORM if method == "POST" else None
        )
    tree = french_page(response, 400, "Lien invalide ou expiré")
    assert next_link(tree) == NEXT_STEP.get(path, ("/offres", "Retour aux offres"))


async def test_a_used_or_expired_reset_link_says_so_before_the_password_is_typed(
    client: AsyncClient, clock: FrozenClock
) -> None:
    user = await confirmed_account("rh@chalet.example", clock)
    secret = get_settings().site.secret_key
    token = users.reset_token(user, secret, clock.now())
    form = await client.get("/mot-de-passe/nouveau", params={"token": token})
    assert form.status_code == 200
    assert parse(form.text).cssselect('input[name="confirmation"]')

    await users.reset_password(token, "another horse battery", secret, clock.now())
    used = await client.get("/mot-de-passe/nouveau", params={"token": token})
    tree = french_page(used, 400, "Lien invalide ou expiré")
    assert next_link(tree) == ("/mot-de-passe-oublie", "Demander un nouveau lien")
    assert not tree.cssselect("input")  # type: ignore[attr-defined]

    fresh = users.reset_token(await users.by_email("rh@chalet.example"), secret, clock.now())  # type: ignore[arg-type]
    clock.advance(timedelta(days=30))
    expired = await client.get("/mot-de-passe/nouveau", params={"token": fresh})
    french_page(expired, 400, "Lien invalide ou expiré")


@pytest.mark.parametrize(
    ("method", "path", "status", "heading"),
    [
        ("GET", "/nope", 404, "Introuvable"),
        ("GET", "/offres/nope", 404, "Introuvable"),  # a handler's NotFound: "No offer nope"
        ("GET", "/espace/offres/abc/modifier", 404, "Introuvable"),  # not an int: unrouted
        ("DELETE", "/", 405, "Page introuvable"),
        ("PUT", "/offres", 405, "Page introuvable"),
        ("GET", "/deconnexion", 405, "Page introuvable"),
    ],
)
async def test_unrouted_paths_and_wrong_methods_are_french_pages_on_the_site(
    client: AsyncClient, method: str, path: str, status: int, heading: str
) -> None:
    response = await client.request(method, path)
    french_page(response, status, heading)
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("GET", "/api/nope", 404), ("DELETE", "/api/offers", 405), ("GET", "/api", 404)],
)
async def test_the_api_keeps_problem_details(
    client: AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == status


async def test_a_form_sent_without_its_csrf_cookie_links_back_to_the_form(
    client: AsyncClient,
) -> None:
    token = await csrf(client, "/connexion")
    client.cookies.clear()  # a browser restarted, or cookies cleared: the token stays in the page
    refused = await client.post("/connexion", data={**FORM, "_csrf_token": token})
    tree = french_page(refused, 403, "Formulaire expiré")
    assert "rechargez la page et renvoyez-le" in " ".join(texts(tree, "main"))
    assert next_link(tree) == ("/connexion", "Revenir au formulaire")

    # The page that sent it, when the browser says so (this site only), with its query.
    came_from = {"referer": "http://testserver.local/connexion?suivant=/espace/jetons"}
    refused = await client.post("/connexion", data=FORM, headers=came_from)
    assert next_link(french_page(refused, 403, "Formulaire expiré"))[0] == (
        "/connexion?suivant=/espace/jetons"
    )
    for foreign in ("https://evil.example/connexion", "http://testserver.local//evil.example/"):
        refused = await client.post("/connexion", data=FORM, headers={"referer": foreign})
        assert next_link(french_page(refused, 403, "Formulaire expiré"))[0] == "/connexion"
    # A button whose address is no page (publish, sign out): the space.
    refused = await client.post("/espace/offres/1/publier", data={})
    assert next_link(french_page(refused, 403, "Formulaire expiré"))[0] == "/espace"
    refused = await client.post("/api/offers/1/publish")  # the API: bearer tokens, no CSRF
    assert refused.headers["content-type"].startswith("application/problem+json")


async def test_the_csrf_cookie_lasts_as_long_as_a_session(client: AsyncClient) -> None:
    first = await client.get("/connexion")
    [cookie] = [c for c in first.headers.get_list("set-cookie") if c.startswith("em_csrf=")]
    assert "Max-Age=1209600" in cookie
    # Set again (same token) on each account page read: the 14 days count from the last one.
    again = await client.get("/mot-de-passe-oublie")
    [renewed] = [c for c in again.headers.get_list("set-cookie") if c.startswith("em_csrf=")]
    assert renewed == cookie
    assert (await client.get("/offres")).headers.get("set-cookie") is None  # public: none


async def test_not_found_and_refusals_never_show_the_english_detail(
    client: AsyncClient, employer: Org, clock: FrozenClock
) -> None:
    offer = await make_offer(client, employer, publish=False)
    await confirmed_account("rh@chalet.example", clock, employer.id)
    assert (await sign_in(client, "rh@chalet.example")).status_code == 303
    clock.advance(timedelta(days=200))  # its end date (2027-04-20) is past now
    refused = await post_form(
        client,
        f"/espace/offres/{offer['id']}/publier",
        {},
        f"/espace/offres?organisation={employer.id}",
    )
    assert refused.status_code == 400
    tree = parse(refused.text)
    assert "La date de fin de cette offre est passée" in " ".join(texts(tree, ".notice"))
    assert next_link(tree) == (
        f"/espace/offres/{offer['id']}/modifier",
        "Modifier les dates de l'offre",
    )
    assert "end_date" not in refused.text


async def test_offer_form_errors_are_french_only(
    client: AsyncClient, employer: Org, clock: FrozenClock
) -> None:
    await confirmed_account("rh@chalet.example", clock, employer.id)
    assert (await sign_in(client, "rh@chalet.example")).status_code == 303
    from tests.integration.web.test_space import offer_form

    response = await post_form(
        client,
        f"/espace/offres/nouvelle?organisation={employer.id}",
        offer_form(title="ab", hours_per_week="99", organisation=str(employer.id)),
        f"/espace/offres/nouvelle?organisation={employer.id}",
    )
    assert response.status_code == 400
    errors = texts(parse(response.text), ".error")
    assert "Indiquez l'intitulé du poste (3 à 200 caractères)." in errors
    assert not [e for e in errors if "Expected" in e or "`" in e], errors
