"""The permission matrix of every route that changes something, API and site alike.

The routes come from the app itself: a new POST/PUT/PATCH/DELETE route without an entry
here, or an entry for a route that is gone, fails `test_the_matrix_names_every_changing_route`.
Each entry is then tried by every principal — anonymous, a member (API: a token) of another
organisation, a member (token) of the owning organisation, staff (API: the admin token) —
with valid input on data made for the call. The allowed succeed (2xx, or the page's 303);
the refused get 401/403 problem details (API), the "not found" page or the way to sign-in
(site), and every table is left exactly as it was. Routes public by design say why; those
opened by a link from an email also refuse a missing, forged or misdirected link, and site
forms refuse a post without its CSRF token. Real PostgreSQL and Redis.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any, Literal
from urllib.parse import parse_qs, urlsplit

import pytest
from argon2 import PasswordHasher
from arq.connections import ArqRedis
from httpx import AsyncClient, Response
from litestar import Litestar

from app.accounts import users
from app.accounts.tables import Membership, User
from app.alerts import services as alerts
from app.alerts.tables import Alert
from app.config import Settings, get_settings
from app.core.clock import FrozenClock
from app.notices import services as notices
from app.offers import services as offers
from app.organisations.tables import Organisation
from app.web.session import NOT_ACCOUNT_PAGES
from tests.conftest import DATA_TABLES, NOW
from tests.integration.conftest import (
    ADMIN,
    PASSWORD,
    Org,
    http_client,
    make_offer,
    make_org,
    offer_body,
    running_app,
    session_body,
    training_body,
)
from tests.integration.web.test_accounts import csrf, sign_in
from tests.integration.web.test_space import offer_form
from tests.routes import app_routes

Who = Literal["anonymous", "other", "owner", "staff"]
Kind = Literal["employer", "school"]
WHO: tuple[Who, ...] = ("anonymous", "other", "owner", "staff")
EVERYONE: frozenset[Who] = frozenset(WHO)
OWNER_OR_STAFF: frozenset[Who] = frozenset({"owner", "staff"})
STAFF: frozenset[Who] = frozenset({"staff"})
NEW_PASSWORD = "glacier-bleu-2026"
# Where the site sends an anonymous visitor who tried a page of the space.
TO_SIGN_IN = "/connexion?suivant="


# --- the requests --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request: a JSON body for the API, a form for the site."""

    method: str
    url: str
    json: Any = None
    form: dict[str, Any] | None = None

    @property
    def path(self) -> str:
        return self.url.split("?")[0]

    @property
    def api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def needs_csrf(self) -> bool:
        """The account pages (sessions, CSRF); the other pages stay cookie-free."""
        return not self.api and re.match(NOT_ACCOUNT_PAGES, self.path) is None


MakeCall = Callable[["World", Who], Awaitable[Call]]


@dataclass(frozen=True)
class Rule:
    """Who may use a route; `call` makes fresh data and the request for one principal."""

    route: str  # "METHOD /path/{param:type}", as the app names it
    allowed: frozenset[Who]
    call: MakeCall
    owner: Kind = "employer"  # the kind of organisation the data belongs to
    public: str = ""  # why anyone may: public routes only
    bad_links: tuple[tuple[str, MakeCall], ...] = ()  # requests with a bad link: refused
    changes: bool = True  # a success changes the database


# --- the world: organisations, people, one client per principal ---------------------------------


# Passwords are hashed with argon2id as in production, with its cheapest parameters here: the
# matrix signs people in some eighty times, and each sign-in verifies a hash.
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@functools.cache
def password_hash() -> str:
    return QUICK_HASHER.hash(PASSWORD)


class World:
    """The app, four organisations, and a client per principal (each its own cookie jar)."""

    def __init__(self, app: Litestar, clock: FrozenClock) -> None:
        self.app = app
        self.clock = clock
        self.settings: Settings = app.state.settings
        self.clients: list[AsyncClient] = []
        self.api = self.new_client()
        self.orgs: dict[tuple[Who, Kind], Org] = {}
        self.people: dict[str, User] = {}
        self.sites: dict[str, AsyncClient] = {}
        self.count = 0

    def new_client(self) -> AsyncClient:
        client = http_client(self.app)
        self.clients.append(client)
        return client

    async def start(self) -> None:
        made: tuple[tuple[Who, Kind, str, str], ...] = (
            ("owner", "employer", "Hôtel des Cimes", "val-thorens"),
            ("other", "employer", "Remontées du Lac", "gerardmer"),
            ("owner", "school", "École des Neiges", "chamrousse"),
            ("other", "school", "Académie du Vercors", "villard-de-lans"),
        )
        for who, kind, name, place in made:
            self.orgs[(who, kind)] = await make_org(self.api, name, kind=kind, place=place)

    def org(self, kind: Kind, who: Who = "owner") -> Org:
        return self.orgs[("other" if who == "other" else "owner", kind)]

    def number(self) -> int:
        """A new number, to keep apart what each principal's call makes."""
        self.count += 1
        return self.count

    def unique(self, who: Who) -> str:
        return f"{who}-{self.number()}"

    def headers(self, who: Who, kind: Kind) -> dict[str, str]:
        if who == "anonymous":
            return {}
        if who == "staff":
            return ADMIN
        return self.org(kind, who).auth

    async def new_user(self, email: str, staff: bool = False) -> User:
        now = self.clock.now()
        user = User(
            email=email,
            name="Dominique",
            password_hash=password_hash(),
            email_verified_at=now,
            staff=staff,
            created_at=now,
            updated_at=now,
        )
        await user.save()
        return user

    async def person(self, who: Who, kind: Kind) -> User:
        """Staff (a member of no organisation), or a member of the owner or another one."""
        key = "staff" if who == "staff" else f"{who}-{kind}"
        if key not in self.people:
            user = await self.new_user(f"{key}@membres.example", staff=who == "staff")
            if who != "staff":
                organisation = self.org(kind, who).id
                await Membership(user=user.id, organisation=organisation, role="owner").save()
            self.people[key] = user
        return self.people[key]

    async def site(self, who: Who, kind: Kind) -> AsyncClient:
        """The principal's browser, signed in through /connexion (anonymous: not)."""
        key = who if who in ("anonymous", "staff") else f"{who}-{kind}"
        if key not in self.sites:
            client = self.new_client()
            if who != "anonymous":
                user = await self.person(who, kind)
                signed = await sign_in(client, user.email)
                assert signed.status_code == 303, signed.text
            self.sites[key] = client
        return self.sites[key]

    async def send(self, who: Who, kind: Kind, call: Call, with_csrf: bool = True) -> Response:
        if call.api:
            return await self.api.request(
                call.method, call.url, json=call.json, headers=self.headers(who, kind)
            )
        client = await self.site(who, kind)
        data = dict(call.form or {})
        if call.needs_csrf and with_csrf:
            data["_csrf_token"] = await csrf(client, "/connexion")
        return await client.request(call.method, call.url, data=data)

    # --- data -----------------------------------------------------------------------------------

    async def offer(self, publish: bool = True) -> int:
        return int((await make_offer(self.api, self.org("employer"), publish=publish))["id"])

    async def training(self) -> int:
        school = self.org("school")
        response = await self.api.post("/api/trainings", json=training_body(), headers=school.auth)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def session(self) -> int:
        school = self.org("school")
        body = session_body(await self.training())
        response = await self.api.post("/api/sessions", json=body, headers=school.auth)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def api_token(self) -> int:
        url = f"/api/organisations/{self.org('employer').id}/tokens"
        response = await self.api.post(url, json={"label": "à révoquer"}, headers=ADMIN)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    async def alert(self, who: Who) -> Alert:
        row: Alert = await Alert.objects().create(
            email=f"{self.unique(who)}@alertes.example",
            search={"q": "serveur"},
            frequency="daily",
            key=secrets.token_hex(8),
        )
        return row

    async def renew_token(self, offer_id: int) -> str:
        return notices.renew_token(await offers.get(offer_id), self.settings, self.clock.now())


@pytest.fixture(scope="module")
async def matrix_app(queue: ArqRedis) -> AsyncIterator[Litestar]:
    """One app for the module (making one takes a while); its clock never moves here."""
    async with running_app(get_settings(), FrozenClock(NOW), queue) as app:
        yield app


@pytest.fixture
async def world(
    clean: None, matrix_app: Litestar, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[World]:
    """Each test its own data, people and clients (`clean` empties the tables and sessions)."""
    monkeypatch.setattr(users, "HASHER", QUICK_HASHER)
    made = World(matrix_app, matrix_app.state.clock)
    try:
        await made.start()
        yield made
    finally:
        for client in made.clients:
            await client.aclose()


# --- bad links -----------------------------------------------------------------------------------


def _token_of(call: Call) -> str:
    return parse_qs(urlsplit(call.url).query)["token"][0]


def _with_token(call: Call, token: str | None) -> Call:
    return replace(call, url=call.path if token is None else f"{call.path}?token={token}")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def missing(make: MakeCall) -> tuple[str, MakeCall]:
    async def bad(world: World, who: Who) -> Call:
        return _with_token(await make(world, who), None)

    return "missing link token", bad


def forged(make: MakeCall) -> tuple[str, MakeCall]:
    """The same payload, signed without the secret key (or, unsigned, a made-up token)."""

    async def bad(world: World, who: Who) -> Call:
        call = await make(world, who)
        raw, dot, _ = _token_of(call).partition(".")
        if not dot:
            return _with_token(call, secrets.token_urlsafe(24))
        mac = hmac.new(b"not-the-secret-key-0123456789-0123", raw.encode(), hashlib.sha256)
        return _with_token(call, f"{raw}.{_b64(mac.digest())}")

    return "forged link token", bad


def misdirected(
    label: str, token: Callable[[World, Call], Awaitable[str]]
) -> Callable[[MakeCall], tuple[str, MakeCall]]:
    """A genuine link, but for something else: another purpose, or another person."""

    def wrap(make: MakeCall) -> tuple[str, MakeCall]:
        async def bad(world: World, who: Who) -> Call:
            call = await make(world, who)
            return _with_token(call, await token(world, call))

        return label, bad

    return wrap


async def _manage_link_of_someone_else(world: World, call: Call) -> str:
    other = await world.alert("other")
    return alerts.manage_token(other.email, world.settings, world.clock.now())


async def _manage_link(world: World, call: Call) -> str:
    return alerts.manage_token("quelquun@alertes.example", world.settings, world.clock.now())


async def _confirm_link(world: World, call: Call) -> str:
    row = await world.alert("other")
    return alerts.confirm_token(row, world.settings, world.clock.now())


async def _verify_email_link(world: World, call: Call) -> str:
    user = await world.new_user(f"{world.unique('other')}@membres.example")
    return users.verify_token(user, world.settings.site.secret_key, world.clock.now())


someone_elses_alerts = misdirected("manage link of another address", _manage_link_of_someone_else)
manage_link = misdirected("a manage link (another purpose)", _manage_link)
confirm_link = misdirected("a confirm link (another purpose)", _confirm_link)
verify_email_link = misdirected("an email check link (another purpose)", _verify_email_link)


def links(
    make: MakeCall, *more: Callable[[MakeCall], tuple[str, MakeCall]]
) -> tuple[tuple[str, MakeCall], ...]:
    """A missing and a forged link, and the misdirected ones given."""
    return (missing(make), forged(make), *(m(make) for m in more))


# --- the calls: API ------------------------------------------------------------------------------


async def create_organisation(w: World, who: Who) -> Call:
    body = {
        "kind": "employer",
        "name": f"Chalet {w.unique(who)}",
        "contact_email": "rh@chalet.example",
    }
    return Call("POST", "/api/organisations", json=body)


async def update_organisation(w: World, who: Who) -> Call:
    body = {"description": f"Hôtel familial au pied des pistes ({w.unique(who)})."}
    return Call("PATCH", f"/api/organisations/{w.org('employer').id}", json=body)


async def create_token(w: World, who: Who) -> Call:
    url = f"/api/organisations/{w.org('employer').id}/tokens"
    return Call("POST", url, json={"label": f"intégration {w.unique(who)}"})


async def revoke_token(w: World, who: Who) -> Call:
    url = f"/api/organisations/{w.org('employer').id}/tokens/{await w.api_token()}"
    return Call("DELETE", url)


async def create_offer(w: World, who: Who) -> Call:
    return Call("POST", "/api/offers", json=offer_body(organisation_id=w.org("employer").id))


async def update_offer(w: World, who: Who) -> Call:
    return Call("PATCH", f"/api/offers/{await w.offer()}", json={"title": f"Titre {who}"})


def offer_action(action: str, publish: bool = True) -> MakeCall:
    async def call(w: World, who: Who) -> Call:
        return Call("POST", f"/api/offers/{await w.offer(publish)}/{action}")

    return call


async def renew_offer_by_link(w: World, who: Who) -> Call:
    token = await w.renew_token(await w.offer())
    return Call("POST", f"/api/offers/renew-by-link?token={token}")


async def subscribe_alert(w: World, who: Who) -> Call:
    body = {
        "email": f"{w.unique(who)}@alertes.example",
        "frequency": "daily",
        "search": {"q": "serveur", "massif": ["alpes-nord"]},
    }
    return Call("POST", "/api/alerts", json=body)


async def unsubscribe_alert(w: World, who: Who) -> Call:
    token = alerts.unsubscribe_token(await w.alert(who), w.settings)
    return Call("POST", f"/api/alerts/unsubscribe?token={token}")


async def _managed(w: World, who: Who) -> tuple[int, str]:
    row = await w.alert(who)
    return row.id, alerts.manage_token(row.email, w.settings, w.clock.now())


async def update_alert(w: World, who: Who) -> Call:
    alert_id, token = await _managed(w, who)
    return Call("PATCH", f"/api/alerts/{alert_id}?token={token}", json={"frequency": "weekly"})


async def delete_alert(w: World, who: Who) -> Call:
    alert_id, token = await _managed(w, who)
    return Call("DELETE", f"/api/alerts/{alert_id}?token={token}")


async def create_training(w: World, who: Who) -> Call:
    body = training_body(organisation_id=w.org("school").id)
    return Call("POST", "/api/trainings", json=body)


async def update_training(w: World, who: Who) -> Call:
    body = {"duration_hours": 200 + w.number()}
    return Call("PATCH", f"/api/trainings/{await w.training()}", json=body)


async def create_session(w: World, who: Who) -> Call:
    return Call("POST", "/api/sessions", json=session_body(await w.training()))


async def update_session(w: World, who: Who) -> Call:
    return Call("PATCH", f"/api/sessions/{await w.session()}", json={"seats_taken": 3})


async def cancel_session(w: World, who: Who) -> Call:
    return Call("POST", f"/api/sessions/{await w.session()}/cancel")


# --- the calls: the site's accounts and space -----------------------------------------------------


async def site_sign_in(w: World, who: Who) -> Call:
    user = await w.new_user(f"connexion-{w.unique(who)}@chalet.example")
    return Call("POST", "/connexion", form={"email": user.email, "password": PASSWORD})


async def site_sign_out(w: World, who: Who) -> Call:
    return Call("POST", "/deconnexion", form={})


async def site_sign_up(w: World, who: Who) -> Call:
    name = w.unique(who)
    form = {
        "kind": "employer",
        "organisation": f"Chalet {name}",
        "place": "Val Thorens",
        "name": "Camille",
        "email": f"{name}@chalet.example",
        "contact_email": "contact@chalet.example",
        "password": PASSWORD,
    }
    return Call("POST", "/inscription", form=form)


async def site_forgot_password(w: World, who: Who) -> Call:
    user = await w.new_user(f"oubli-{w.unique(who)}@chalet.example")
    return Call("POST", "/mot-de-passe-oublie", form={"email": user.email})


async def site_new_password(w: World, who: Who) -> Call:
    user = await w.new_user(f"reset-{w.unique(who)}@chalet.example")
    token = users.reset_token(user, w.settings.site.secret_key, w.clock.now())
    form = {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    return Call("POST", f"/mot-de-passe/nouveau?token={token}", form=form)


async def site_accept_invitation(w: World, who: Who) -> Call:
    inviter = await w.person("owner", "employer")
    organisation = w.org("employer").id
    by = users.SignedIn(inviter.id, inviter.email, "", False, (organisation,))
    email = f"recrue-{w.unique(who)}@chalet.example"
    _, token = await users.invite(organisation, email, by, w.clock.now())
    return Call(
        "POST", f"/invitation?token={token}", form={"name": "Sam", "password": NEW_PASSWORD}
    )


async def site_invite(w: World, who: Who) -> Call:
    form = {
        "organisation": str(w.org("employer").id),
        "email": f"recrue-{w.unique(who)}@chalet.example",
    }
    return Call("POST", "/espace/equipe", form=form)


async def site_create_offer(w: World, who: Who) -> Call:
    form = {**offer_form(), "organisation": str(w.org("employer").id)}
    return Call("POST", "/espace/offres/nouvelle", form=form)


async def site_edit_offer(w: World, who: Who) -> Call:
    form = offer_form(title=f"Chef de rang ({who})")
    return Call("POST", f"/espace/offres/{await w.offer()}/modifier", form=form)


def site_offer_action(action: str, publish: bool = True) -> MakeCall:
    async def call(w: World, who: Who) -> Call:
        return Call("POST", f"/espace/offres/{await w.offer(publish)}/{action}", form={})

    return call


def training_form(**overrides: str | list[str]) -> dict[str, Any]:
    """The training form as a browser sends it (check boxes repeat their name)."""
    form: dict[str, Any] = {
        "title": "Préparation au test technique de moniteur de ski",
        "description": "Six semaines d'entraînement encadré pour réussir le test technique.",
        "trade_codes": ["G1204"],
        "duration_hours": "180",
        "modality": "on-site",
        "certification_code": "RNCP37735",
        "certification_title": "Diplôme d'État de ski – moniteur national de ski alpin",
        "price_excl_vat": "3200",
        "price_incl_vat": "3840",
        "funding": ["cpf"],
        "entry_requirements": "",
    }
    form.update(overrides)
    return form


async def site_create_training(w: World, who: Who) -> Call:
    form = {**training_form(), "organisation": str(w.org("school").id)}
    return Call("POST", "/espace/formations/nouvelle", form=form)


async def site_edit_training(w: World, who: Who) -> Call:
    form = training_form(title=f"Préparation au test technique ({who})")
    return Call("POST", f"/espace/formations/{await w.training()}/modifier", form=form)


async def site_create_session(w: World, who: Who) -> Call:
    form = {
        "place": "Chamrousse",
        "start_date": "2027-02-01",
        "end_date": "2027-02-20",
        "registration_deadline": "2027-01-15",
        "seats_total": "8",
    }
    return Call("POST", f"/espace/formations/{await w.training()}/sessions/nouvelle", form=form)


async def site_change_seats(w: World, who: Who) -> Call:
    return Call("POST", f"/espace/sessions/{await w.session()}/inscrits", form={"seats_taken": "3"})


async def site_cancel_session(w: World, who: Who) -> Call:
    return Call("POST", f"/espace/sessions/{await w.session()}/annuler", form={})


async def close_registrations(w: World, who: Who) -> Call:
    return Call("POST", f"/api/sessions/{await w.session()}/close")


async def site_close_registrations(w: World, who: Who) -> Call:
    return Call("POST", f"/espace/sessions/{await w.session()}/clore", form={})


async def site_create_token(w: World, who: Who) -> Call:
    form = {"organisation": str(w.org("employer").id), "label": f"jeton {w.unique(who)}"}
    return Call("POST", "/espace/jetons", form=form)


async def site_revoke_token(w: World, who: Who) -> Call:
    form = {"organisation": str(w.org("employer").id)}
    return Call("POST", f"/espace/jetons/{await w.api_token()}/revoquer", form=form)


async def verify_organisation(w: World, who: Who) -> Call:
    organisation = w.org("employer").id
    await Organisation.update({Organisation.verified: False}).where(Organisation.id == organisation)
    return Call("POST", f"/moderation/organisations/{organisation}/verifier", form={})


async def unpublish_offer(w: World, who: Who) -> Call:
    form = {"reason": "Salaire inférieur au minimum légal : corrigez la rémunération."}
    return Call("POST", f"/moderation/offres/{await w.offer()}/depublier", form=form)


# --- the calls: the site's public pages and the links of emails ----------------------------------


async def site_subscribe_alert(w: World, who: Who) -> Call:
    form = {"email": f"{w.unique(who)}@alertes.example", "frequency": "daily", "q": "serveur"}
    return Call("POST", "/offres/alerte", form=form)


async def site_confirm_alert(w: World, who: Who) -> Call:
    token = alerts.confirm_token(await w.alert(who), w.settings, w.clock.now())
    return Call("POST", f"/alertes/confirmer?token={token}", form={})


async def site_unsubscribe_alert(w: World, who: Who) -> Call:
    token = alerts.unsubscribe_token(await w.alert(who), w.settings)
    return Call("POST", f"/alertes/desabonner?token={token}", form={})


async def site_manage_alert(w: World, who: Who) -> Call:
    alert_id, token = await _managed(w, who)
    return Call("POST", f"/alertes/gerer/{alert_id}?token={token}", form={"frequency": "weekly"})


async def site_renew_offer_by_link(w: World, who: Who) -> Call:
    token = await w.renew_token(await w.offer())
    return Call("POST", f"/offres/prolonger?token={token}", form={})


# --- the matrix ----------------------------------------------------------------------------------

SIGNED_LINK = "opened from the signed link of an email: the link is the credential"

MATRIX: tuple[Rule, ...] = (
    # API: organisations and their tokens.
    Rule("POST /api/organisations", STAFF, create_organisation),
    Rule("PATCH /api/organisations/{organisation_id:int}", OWNER_OR_STAFF, update_organisation),
    Rule("POST /api/organisations/{organisation_id:int}/tokens", OWNER_OR_STAFF, create_token),
    Rule(
        "DELETE /api/organisations/{organisation_id:int}/tokens/{token_id:int}",
        OWNER_OR_STAFF,
        revoke_token,
    ),
    # API: offers.
    Rule("POST /api/offers", OWNER_OR_STAFF, create_offer),
    Rule("PATCH /api/offers/{offer_id:int}", OWNER_OR_STAFF, update_offer),
    Rule(
        "POST /api/offers/{offer_id:int}/publish",
        OWNER_OR_STAFF,
        offer_action("publish", publish=False),
    ),
    Rule("POST /api/offers/{offer_id:int}/renew", OWNER_OR_STAFF, offer_action("renew")),
    Rule("POST /api/offers/{offer_id:int}/fill", OWNER_OR_STAFF, offer_action("fill")),
    Rule("POST /api/offers/{offer_id:int}/archive", OWNER_OR_STAFF, offer_action("archive")),
    Rule(
        "POST /api/offers/renew-by-link",
        EVERYONE,
        renew_offer_by_link,
        public=SIGNED_LINK + " (expiry reminder)",
        bad_links=links(renew_offer_by_link, manage_link),
    ),
    # API: trainings and sessions.
    Rule("POST /api/trainings", OWNER_OR_STAFF, create_training, owner="school"),
    Rule("PATCH /api/trainings/{training_id:int}", OWNER_OR_STAFF, update_training, owner="school"),
    Rule("POST /api/sessions", OWNER_OR_STAFF, create_session, owner="school"),
    Rule("PATCH /api/sessions/{session_id:int}", OWNER_OR_STAFF, update_session, owner="school"),
    Rule(
        "POST /api/sessions/{session_id:int}/cancel",
        OWNER_OR_STAFF,
        cancel_session,
        owner="school",
    ),
    Rule(
        "POST /api/sessions/{session_id:int}/close",
        OWNER_OR_STAFF,
        close_registrations,
        owner="school",
    ),
    # API: alerts, no account needed.
    Rule(
        "POST /api/alerts",
        EVERYONE,
        subscribe_alert,
        public="anyone saves a search; nothing is sent but a confirmation (double opt-in)",
    ),
    Rule(
        "POST /api/alerts/unsubscribe",
        EVERYONE,
        unsubscribe_alert,
        public=SIGNED_LINK + " (one-click unsubscribe)",
        bad_links=links(unsubscribe_alert, confirm_link),
    ),
    Rule(
        "PATCH /api/alerts/{alert_id:int}",
        EVERYONE,
        update_alert,
        public=SIGNED_LINK + " (manage the alerts of one address)",
        bad_links=links(update_alert, someone_elses_alerts),
    ),
    Rule(
        "DELETE /api/alerts/{alert_id:int}",
        EVERYONE,
        delete_alert,
        public=SIGNED_LINK + " (manage the alerts of one address)",
        bad_links=links(delete_alert, someone_elses_alerts),
    ),
    # Site: accounts.
    Rule("POST /connexion", EVERYONE, site_sign_in, public="signing in"),
    Rule(
        "POST /deconnexion",
        EVERYONE,
        site_sign_out,
        public="signing out ends one's own session only",
        changes=False,
    ),
    Rule(
        "POST /inscription",
        EVERYONE,
        site_sign_up,
        public="signing up: a new organisation, pending until staff verify it",
    ),
    Rule(
        "POST /mot-de-passe-oublie",
        EVERYONE,
        site_forgot_password,
        public="asking for a reset link, sent to the address only",
        changes=False,
    ),
    Rule(
        "POST /mot-de-passe/nouveau",
        EVERYONE,
        site_new_password,
        public=SIGNED_LINK + " (password reset)",
        bad_links=links(site_new_password, verify_email_link),
    ),
    Rule(
        "POST /invitation",
        EVERYONE,
        site_accept_invitation,
        public="opened from the secret link of an invitation email: the link is the credential",
        bad_links=links(site_accept_invitation),
    ),
    # Site: the organisation space.
    Rule("POST /espace/equipe", OWNER_OR_STAFF, site_invite),
    Rule("POST /espace/offres/nouvelle", OWNER_OR_STAFF, site_create_offer),
    Rule("POST /espace/offres/{offer_id:int}/modifier", OWNER_OR_STAFF, site_edit_offer),
    Rule(
        "POST /espace/offres/{offer_id:int}/publier",
        OWNER_OR_STAFF,
        site_offer_action("publier", publish=False),
    ),
    Rule(
        "POST /espace/offres/{offer_id:int}/prolonger",
        OWNER_OR_STAFF,
        site_offer_action("prolonger"),
    ),
    Rule(
        "POST /espace/offres/{offer_id:int}/pourvue", OWNER_OR_STAFF, site_offer_action("pourvue")
    ),
    Rule(
        "POST /espace/offres/{offer_id:int}/archiver",
        OWNER_OR_STAFF,
        site_offer_action("archiver"),
    ),
    Rule(
        "POST /espace/offres/{offer_id:int}/dupliquer",
        OWNER_OR_STAFF,
        site_offer_action("dupliquer"),
    ),
    Rule("POST /espace/formations/nouvelle", OWNER_OR_STAFF, site_create_training, owner="school"),
    Rule(
        "POST /espace/formations/{training_id:int}/modifier",
        OWNER_OR_STAFF,
        site_edit_training,
        owner="school",
    ),
    Rule(
        "POST /espace/formations/{training_id:int}/sessions/nouvelle",
        OWNER_OR_STAFF,
        site_create_session,
        owner="school",
    ),
    Rule(
        "POST /espace/sessions/{session_id:int}/inscrits",
        OWNER_OR_STAFF,
        site_change_seats,
        owner="school",
    ),
    Rule(
        "POST /espace/sessions/{session_id:int}/annuler",
        OWNER_OR_STAFF,
        site_cancel_session,
        owner="school",
    ),
    Rule(
        "POST /espace/sessions/{session_id:int}/clore",
        OWNER_OR_STAFF,
        site_close_registrations,
        owner="school",
    ),
    Rule("POST /espace/jetons", OWNER_OR_STAFF, site_create_token),
    Rule("POST /espace/jetons/{token_id:int}/revoquer", OWNER_OR_STAFF, site_revoke_token),
    # Site: moderation (the owner is a member of the organisation or offer concerned).
    Rule(
        "POST /moderation/organisations/{organisation_id:int}/verifier", STAFF, verify_organisation
    ),
    Rule("POST /moderation/offres/{offer_id:int}/depublier", STAFF, unpublish_offer),
    # Site: public forms and the pages behind the links of emails.
    Rule(
        "POST /offres/alerte",
        EVERYONE,
        site_subscribe_alert,
        public="anyone saves a search; nothing is sent but a confirmation (double opt-in)",
    ),
    Rule(
        "POST /alertes/confirmer",
        EVERYONE,
        site_confirm_alert,
        public=SIGNED_LINK + " (alert confirmation)",
        bad_links=links(site_confirm_alert, manage_link),
    ),
    Rule(
        "POST /alertes/desabonner",
        EVERYONE,
        site_unsubscribe_alert,
        public=SIGNED_LINK + " (unsubscribe, RFC 8058 one-click)",
        bad_links=links(site_unsubscribe_alert, confirm_link),
    ),
    Rule(
        "POST /alertes/gerer/{alert_id:int}",
        EVERYONE,
        site_manage_alert,
        public=SIGNED_LINK + " (manage the alerts of one address)",
        bad_links=links(site_manage_alert, someone_elses_alerts),
    ),
    Rule(
        "POST /offres/prolonger",
        EVERYONE,
        site_renew_offer_by_link,
        public=SIGNED_LINK + " (expiry reminder)",
        bad_links=links(site_renew_offer_by_link, manage_link),
    ),
)


# --- checks --------------------------------------------------------------------------------------


def changing_routes(app: Litestar) -> dict[str, Any]:
    """Every "METHOD /path" of the app that may change something, with its handler."""
    return {route.name: route.handler for route in app_routes(app)}


def path_pattern(path: str) -> re.Pattern[str]:
    return re.compile(re.sub(r"\\\{[a-z_]+:int\\\}", r"[0-9]+", re.escape(path)))


# The time of first use of an API token is noted, whether the call is then allowed or not.
VOLATILE = {"api_token": {"last_used_at"}}


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every data table (organisations, offers, trainings, sessions, tokens,
    people, memberships, invitations, alerts, the outbox and the audit log)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in DATA_TABLES:
        rows = await Organisation.raw(f"SELECT * FROM {table} ORDER BY id")
        drop = VOLATILE.get(table, set())
        tables[table] = [{k: v for k, v in row.items() if k not in drop} for row in rows]
    return tables


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [table for table in before if before[table] != after[table]]


Check = Callable[[Response], str | None]


def allowed_answer(response: Response) -> str | None:
    """Done: 2xx, or the 303 of a page (anywhere but to sign-in)."""
    status = response.status_code
    if 200 <= status < 300:
        return None
    if status == 303 and not response.headers["location"].startswith(TO_SIGN_IN):
        return None
    return "refused, but should be allowed"


def refusal_check(call: Call, who: Who) -> Check:
    def check(response: Response) -> str | None:
        status = response.status_code
        if call.api:
            expected = 401 if who == "anonymous" else 403
            if status != expected:
                return f"expected {expected}"
            if not response.headers["content-type"].startswith("application/problem+json"):
                return "expected problem details"
        elif who == "anonymous":
            if status != 303 or not response.headers["location"].startswith(TO_SIGN_IN):
                return "expected a redirect to sign in"
        elif status != 404 or "Introuvable" not in response.text:
            return "expected the not-found page"
        return None

    return check


def bad_link_answer(response: Response) -> str | None:
    """A link that does not hold (400), or an alert that is not the address's (404)."""
    return None if response.status_code in (400, 404) else "expected 400 or 404"


def csrf_answer(response: Response) -> str | None:
    return None if response.status_code == 403 else "expected 403 (CSRF)"


def _summary(response: Response) -> str:
    where = response.headers.get("location", "")
    text = " ".join(response.text.split())[:160] if not where else f"→ {where}"
    return f"{response.status_code} {text}"


# --- the tests -----------------------------------------------------------------------------------


async def test_the_matrix_names_every_changing_route(matrix_app: Litestar) -> None:
    routes = changing_routes(matrix_app)
    named = [rule.route for rule in MATRIX]
    assert len(named) == len(set(named)), "a route is named twice in the matrix"
    missing_rules = sorted(set(routes) - set(named))
    gone = sorted(set(named) - set(routes))
    assert not missing_rules, f"changing routes with no entry in the matrix: {missing_rules}"
    assert not gone, f"matrix entries for routes that no longer exist: {gone}"
    for rule in MATRIX:
        handler = routes[rule.route]
        assert rule.allowed, rule.route
        if "anonymous" in rule.allowed:
            assert rule.public, f"{rule.route}: open to anyone, say why"
            assert rule.allowed == EVERYONE, rule.route
        else:
            assert not rule.public, rule.route
        # A route taking a link's token must show it refuses a missing or forged one.
        if "token" in handler.parsed_fn_signature.parameters:
            labels = [label for label, _ in rule.bad_links]
            assert {"missing link token", "forged link token"} <= set(labels), rule.route


@pytest.mark.parametrize("rule", MATRIX, ids=[rule.route for rule in MATRIX])
async def test_permission(world: World, rule: Rule) -> None:
    method, path = rule.route.split(" ", 1)
    pattern = path_pattern(path)
    problems: list[str] = []

    async def attempt(
        who: Who, call: Call, check: Check, label: str = "", with_csrf: bool = True
    ) -> None:
        assert (call.method, pattern.fullmatch(call.path) is not None) == (method, True), call
        if not call.api:
            await world.site(who, rule.owner)  # signed in before the snapshot
        before = await snapshot()
        response = await world.send(who, rule.owner, call, with_csrf=with_csrf)
        differs = changed(before, await snapshot())
        problem = check(response)
        if check is allowed_answer:
            if problem is None and rule.changes and not differs:
                problem = "answered as done, but nothing changed"
        elif differs:
            problem = f"{problem or 'refused'}, but changed {differs}"
        if problem:
            problems.append(f"{label or who}: {problem} ({_summary(response)})")

    for who in WHO:
        call = await rule.call(world, who)
        check = allowed_answer if who in rule.allowed else refusal_check(call, who)
        await attempt(who, call, check)
    for label, bad in rule.bad_links:
        await attempt("anonymous", await bad(world, "anonymous"), bad_link_answer, label)
    # A cross-site request: the browser of someone allowed, but the form without its token.
    if Call(method, path).needs_csrf:
        someone: Who = "owner" if "owner" in rule.allowed else "staff"
        call = await rule.call(world, someone)
        await attempt(someone, call, csrf_answer, "no CSRF token", with_csrf=False)
    assert not problems, f"{rule.route}:\n" + "\n".join(problems)
