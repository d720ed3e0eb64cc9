"""Accounts made at once, as two real HTTP requests on two connections to a live uvicorn
server, each from its own browser session with its own CSRF token: a double-clicked sign-up
makes one account and the e-mails of one sign-up plus an "account exists"; two organisations
of one name get distinct slugs; a double-clicked invitation acceptance joins once. Never a
500."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from httpx import AsyncClient

from app.accounts import users
from app.accounts.tables import AuditEvent, Membership, User
from app.emails.tables import EmailOutbox
from app.organisations.tables import Organisation
from tests.integration.conftest import PASSWORD, Org
from tests.integration.web.conftest import parse, texts


class Visitor:
    """A browser of its own: its own connection, cookies and CSRF token."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.token = ""

    async def open_form(self, path: str = "/inscription") -> None:
        form = await self.http.get(path)
        assert form.status_code == 200, form.text
        [token] = parse(form.text).cssselect('input[name="_csrf_token"]')[:1]
        self.token = str(token.get("value"))

    def post(self, path: str, data: dict[str, str]) -> httpx.Request:
        return self.http.build_request("POST", path, data={**data, "_csrf_token": self.token})

    def sign_up(self, email: str, organisation: str) -> httpx.Request:
        data = {
            "kind": "employer",
            "organisation": organisation,
            "place": "Val Thorens",
            "name": "Camille",
            "email": email,
            "contact_email": email,
            "password": PASSWORD,
        }
        return self.post("/inscription", data)


@pytest.fixture
async def visitors(live_server: str) -> AsyncIterator[tuple[Visitor, Visitor]]:
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with (
        httpx.AsyncClient(base_url=live_server, limits=one, timeout=20) as first,
        httpx.AsyncClient(base_url=live_server, limits=one, timeout=20) as second,
    ):
        pair = (Visitor(first), Visitor(second))
        for visitor in pair:
            await visitor.open_form()
        yield pair


async def at_once(*sends: tuple[Visitor, httpx.Request]) -> list[httpx.Response]:
    gate = asyncio.Event()

    async def send(visitor: Visitor, request: httpx.Request) -> httpx.Response:
        await gate.wait()
        return await visitor.http.send(request)

    tasks = [asyncio.create_task(send(v, r)) for v, r in sends]
    await asyncio.sleep(0)
    gate.set()
    return list(await asyncio.gather(*tasks))


def check_your_inbox(answer: httpx.Response) -> bool:
    tree = parse(answer.text)
    return answer.status_code == 200 and texts(tree, "h1") == ["Vérifiez votre boîte mail"]


async def outbox() -> list[tuple[str, str]]:
    rows: list[dict[str, Any]] = await EmailOutbox.select(
        EmailOutbox.template, EmailOutbox.recipient
    )
    return sorted((r["template"], r["recipient"]) for r in rows)


async def test_a_double_clicked_sign_up_makes_one_account(
    client: AsyncClient, visitors: tuple[Visitor, Visitor]
) -> None:
    first, second = visitors
    email = "rh@chalet-double.example"
    answers = await at_once(
        (first, first.sign_up(email, "Chalet du Double Clic")),
        (second, second.sign_up(email, "Chalet du Double Clic")),
    )
    assert [check_your_inbox(a) for a in answers] == [True, True], [a.text for a in answers]
    assert await User.count().where(User.email == email) == 1
    # The loser's organisation went with its account: one organisation, its owner's.
    assert await Organisation.count() == 1
    assert await Membership.count() == 1
    assert await outbox() == [("account_exists", email), ("account_verify", email)]


async def test_two_organisations_of_one_name_at_once(
    client: AsyncClient, visitors: tuple[Visitor, Visitor]
) -> None:
    first, second = visitors
    answers = await at_once(
        (first, first.sign_up("rh@hotel-a.example", "Hôtel du Col")),
        (second, second.sign_up("rh@hotel-b.example", "Hôtel du Col")),
    )
    assert [check_your_inbox(a) for a in answers] == [True, True], [a.text for a in answers]
    rows = await Organisation.select(Organisation.name, Organisation.slug)
    assert [r["name"] for r in rows] == ["Hôtel du Col", "Hôtel du Col"]
    assert len({r["slug"] for r in rows}) == 2
    assert "hotel-du-col" in {r["slug"] for r in rows}
    assert await User.count() == 2
    assert await outbox() == [
        ("account_verify", "rh@hotel-a.example"),
        ("account_verify", "rh@hotel-b.example"),
    ]


async def test_a_double_clicked_invitation_acceptance_joins_once(
    client: AsyncClient, employer: Org, visitors: tuple[Visitor, Visitor]
) -> None:
    now = datetime.now(UTC)  # the live server's clock is the real one
    owner = await users.create_user("patron@chalet.example", PASSWORD, "Dominique", now)
    by = users.SignedIn(owner.id, owner.email, "Dominique", False, (employer.id,))
    _, token = await users.invite(employer.id, "sam@chalet.example", by, now)
    first, second = visitors
    for visitor in visitors:
        await visitor.open_form(f"/invitation?token={token}")
    data = {"name": "Sam", "password": PASSWORD}
    answers = await at_once(
        (first, first.post(f"/invitation?token={token}", data)),
        (second, second.post(f"/invitation?token={token}", data)),
    )
    # One joins; the other waited for it and found the invitation used (as a later click).
    assert sorted(a.status_code for a in answers) == [303, 400], [a.text for a in answers]
    [refused] = [a for a in answers if a.status_code == 400]
    assert texts(parse(refused.text), "h1") == ["Lien invalide ou expiré"]
    assert await User.count().where(User.email == "sam@chalet.example") == 1
    assert await Membership.count().where(Membership.organisation == employer.id) == 1
    joins = await AuditEvent.count().where(AuditEvent.action == "join")
    assert joins == 1
