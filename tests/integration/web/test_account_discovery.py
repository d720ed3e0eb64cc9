"""No account discovery: every branch of sign-up, sign-in, reset and invitation does the same
hashing work (counted, not timed); e-mail lookups are exact and ignore case only; pending
organisations and login addresses are never public. Real PostgreSQL, Redis, site forms."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, Literal

import pytest
from argon2 import PasswordHasher
from httpx import AsyncClient, Response
from piccolo.conf.apps import Finder

from app.accounts import users
from app.accounts.tables import Membership, User
from app.core.clock import FrozenClock
from app.emails.tables import EmailOutbox
from app.organisations.tables import Organisation
from tests.integration.conftest import ADMIN, PASSWORD, Org, confirmed_account
from tests.integration.web.test_accounts import csrf, post_form, sign_in, sign_up

EMAIL = "employeur@chalet.example"


class CountingHasher(PasswordHasher):
    """argon2's own hasher (cheap parameters), counting what it is asked to do."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.calls: Counter[str] = Counter()

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.calls["hash"] += 1
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.calls["verify"] += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(users, "HASHER", counting)
    return counting


async def work_of(hasher: CountingHasher, action: Callable[[], Awaitable[Any]]) -> dict[str, int]:
    hasher.calls.clear()
    await action()
    return dict(hasher.calls)


async def test_every_branch_does_the_same_hashing_work(
    client: AsyncClient, hasher: CountingHasher, clock: FrozenClock, employer: Org
) -> None:
    await confirmed_account(EMAIL, clock)
    await users.create_user("nouveau@chalet.example", PASSWORD, "", clock.now())  # unconfirmed
    locked = await confirmed_account("verrou@chalet.example", clock)
    await User.update({User.locked_until: clock.now() + timedelta(hours=1)}).where(
        User.id == locked.id
    )

    def signing_in(email: str, password: str = PASSWORD) -> Callable[[], Awaitable[Response]]:
        return lambda: sign_in(client, email, password)

    sign_ins = {
        "unknown": await work_of(hasher, signing_in("personne@chalet.example")),
        "wrong password": await work_of(hasher, signing_in(EMAIL, "pas-le-bon-mot")),
        "locked": await work_of(hasher, signing_in("verrou@chalet.example")),
        "not confirmed": await work_of(hasher, signing_in("nouveau@chalet.example")),
        "malformed address": await work_of(hasher, signing_in("pas-une-adresse")),
        "ok": await work_of(hasher, signing_in(EMAIL)),
    }
    assert all(work == {"verify": 1} for work in sign_ins.values()), sign_ins

    sign_ups = {
        "new address": await work_of(hasher, lambda: sign_up(client, "neuf@chalet.example")),
        "taken address": await work_of(hasher, lambda: sign_up(client, EMAIL)),
        "taken, other case": await work_of(hasher, lambda: sign_up(client, EMAIL.upper())),
    }
    assert all(work == {"hash": 1} for work in sign_ups.values()), sign_ups

    def resetting(email: str, status: int = 200) -> Callable[[], Awaitable[Response]]:
        async def reset() -> Response:
            response = await post_form(client, "/mot-de-passe-oublie", {"email": email})
            assert response.status_code == status, response.text
            return response

        return reset

    # Five, the per-client allowance of an hour: none of them is refused for that.
    resets = {
        "known": await work_of(hasher, resetting(EMAIL)),
        "unknown": await work_of(hasher, resetting("personne@chalet.example")),
        "locked": await work_of(hasher, resetting("verrou@chalet.example")),
        "not confirmed": await work_of(hasher, resetting("nouveau@chalet.example")),
        "malformed address": await work_of(hasher, resetting("pas-une-adresse", 400)),
    }
    assert all(work == {} for work in resets.values()), resets  # no branch hashes
    # Each well-formed one records one e-mail (more in tests/integration/emails/).
    kinds = ["password_reset", "password_reset_unknown"]
    assert await EmailOutbox.count().where(EmailOutbox.template.is_in(kinds)) == 4

    inviter = await confirmed_account("equipe@chalet.example", clock)
    staff = users.SignedIn(
        user_id=inviter.id, email=inviter.email, name="", staff=True, organisation_ids=()
    )

    async def accepting(email: str) -> Response:
        _, token = await users.invite(employer.id, email, staff, clock.now())
        accept = f"/invitation?token={token}"
        form = {"name": "Sam", "password": "glacier-bleu-2026"}
        response = await post_form(client, accept, form, form_page=accept)
        assert response.status_code == 303, response.text
        return response

    accepts = {
        "newcomer": await work_of(hasher, lambda: accepting("sam@chalet.example")),
        "has an account": await work_of(hasher, lambda: accepting(EMAIL)),
    }
    assert all(work == {"hash": 1} for work in accepts.values()), accepts
    assert await Membership.count().where(Membership.organisation == employer.id) == 2

    async def inviting(email: str) -> None:
        await users.invite(employer.id, email, staff, clock.now())

    invites = {
        "new address": await work_of(hasher, lambda: inviting("lou@chalet.example")),
        "has an account": await work_of(hasher, lambda: inviting("nouveau@chalet.example")),
    }
    assert invites == {"new address": {}, "has an account": {}}


async def row_counts() -> dict[str, int]:
    """How many rows each table of the app holds."""
    return {t._meta.tablename: await t.count() for t in Finder().get_table_classes()}


async def writes_of(action: Callable[[], Awaitable[Any]]) -> dict[str, int]:
    """The rows an action added (or removed), table by table."""
    before = await row_counts()
    await action()
    after = await row_counts()
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


async def test_an_invitation_writes_the_same_rows_whether_the_address_has_an_account_or_not(
    client: AsyncClient, hasher: CountingHasher, clock: FrozenClock, employer: Org
) -> None:
    owner = await confirmed_account("patron@chalet.example", clock, employer.id)
    await confirmed_account(EMAIL, clock)  # an account, member of no organisation
    assert (await sign_in(client, owner.email)).status_code == 303

    def inviting(email: str, status: int = 303) -> Callable[[], Awaitable[Response]]:
        async def invite() -> Response:
            form = {"organisation": str(employer.id), "email": email}
            response = await post_form(client, "/espace/equipe", form, form_page="/espace")
            assert response.status_code == status, response.text
            return response

        return invite

    one_of_each = {"invitation": 1, "audit_event": 1, "email_outbox": 1}
    invites = {
        "newcomer": await writes_of(inviting("lou@chalet.example")),
        "has an account": await writes_of(inviting(EMAIL)),
        "has an account, other case": await writes_of(inviting(EMAIL.upper())),
    }
    assert all(writes == one_of_each for writes in invites.values()), invites
    templates = await EmailOutbox.select(EmailOutbox.template).where(
        EmailOutbox.template == "invitation"
    )
    assert len(templates) == 3

    # A member is not invited again, in any case of letters; nothing is written.
    for member in (owner.email, owner.email.upper()):
        assert await writes_of(inviting(member, 409)) == {}


async def test_an_address_is_matched_exactly_whatever_its_case(
    client: AsyncClient, hasher: CountingHasher, clock: FrozenClock
) -> None:
    await confirmed_account(EMAIL, clock)
    # `_` and `%` are characters, not patterns.
    for lookalike in ("employeu_@chalet.example", "employeu%@chalet.example", "%@chalet.example"):
        refused = await sign_in(client, lookalike)
        assert refused.status_code == 401, lookalike
    assert (await sign_in(client, "EMPLOYEUR@Chalet.Example")).status_code == 303

    for lookalike in ("employeu_@chalet.example", "employeu%@chalet.example"):
        done = await post_form(client, "/mot-de-passe-oublie", {"email": lookalike})
        assert done.status_code == 200
    assert await EmailOutbox.count().where(EmailOutbox.recipient == EMAIL) == 0
    await post_form(client, "/mot-de-passe-oublie", {"email": "Employeur@CHALET.example"})
    assert await EmailOutbox.count().where(EmailOutbox.recipient == EMAIL) == 1

    # A look-alike address is a new account, not "address taken".
    assert (await sign_up(client, "employeu_@chalet.example")).status_code == 200
    assert await User.count().where(User.email == "employeu_@chalet.example") == 1
    # The same address in other letters is taken.
    await sign_up(client, "EMPLOYEUR@chalet.example", organisation="Autre Chalet")
    assert await User.count() == 2
    assert await Organisation.count() == 1


async def test_pending_organisations_and_login_addresses_are_not_public(
    client: AsyncClient, hasher: CountingHasher, employer: Org
) -> None:
    assert (await sign_up(client, EMAIL, contact_email="accueil@chalet.example")).status_code == 200
    [pending] = await Organisation.objects().where(Organisation.verified.eq(False))
    assert pending.contact_email == "accueil@chalet.example"  # the one it chose to publish

    async def listed(params: str, headers: dict[str, str] | None = None) -> list[int]:
        response = await client.get(f"/api/organisations{params}", headers=headers or {})
        assert response.status_code == 200, response.text
        assert EMAIL not in response.text
        return [item["id"] for item in response.json()["items"]]

    assert pending.id not in await listed("")
    assert await listed("?verified=false") == []
    assert pending.id not in await listed("?verified=true")
    assert employer.id in await listed("")
    assert pending.id in await listed("?verified=false", ADMIN)
    anonymous = await client.get(f"/api/organisations/{pending.id}")
    assert anonymous.status_code == 404
    assert EMAIL not in anonymous.text
    other = await client.get(f"/api/organisations/{pending.id}", headers=employer.auth)
    assert other.status_code == 404
    assert (await client.get(f"/api/organisations/{pending.id}", headers=ADMIN)).status_code == 200
    page = await client.get(f"/employeurs/{pending.slug}")
    assert page.status_code == 404
    assert EMAIL not in page.text


async def test_the_contact_address_is_asked_for(client: AsyncClient) -> None:
    response = await sign_up(client, EMAIL, contact_email="pas-une-adresse")
    assert response.status_code == 400
    assert await Organisation.count() == 0
    token = await csrf(client, "/inscription")
    assert token
