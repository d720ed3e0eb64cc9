"""Site sessions: a new id at sign-in and at every change of rights, ids the server never
issued are not adopted, sign-out kills the id and expires the cookie. Real Redis store."""

from __future__ import annotations

import secrets

from httpx import AsyncClient, Response
from redis.asyncio import Redis

from app.accounts import users
from app.config import get_settings
from app.core.clock import FrozenClock
from tests.integration.conftest import Org, confirmed_account
from tests.integration.web.test_accounts import csrf, post_form, sign_in

EMAIL = "rh@chalet.example"
COOKIE = "em_session"


def session_cookie(response: Response) -> str | None:
    """The value this answer sets for the session cookie (None: not set)."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name.strip() == COOKIE:
            return rest.split(";")[0].strip('"')
    return None


def cookie_attributes(response: Response) -> list[str]:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{COOKIE}="):
            return [part.strip().lower() for part in header.split(";")[1:]]
    return []


async def stored(session_id: str) -> bool:
    """Whether the Redis store holds a record for this id."""
    settings = get_settings()
    redis = Redis.from_url(settings.redis.url)
    try:
        return bool(await redis.exists(f"{settings.redis.key_prefix}:sessions:{session_id}"))
    finally:
        await redis.aclose()


def opens_space(response: Response) -> bool:
    return response.status_code == 200


async def test_a_planted_id_is_never_adopted(client: AsyncClient, clock: FrozenClock) -> None:
    await confirmed_account(EMAIL, clock)
    planted = secrets.token_hex(32)
    client.cookies.set(COOKIE, planted, domain="testserver.local")
    # The attacker's cookie is in the victim's browser; the victim signs in.
    signed = await sign_in(client, EMAIL)
    assert signed.status_code == 303
    issued = session_cookie(signed)
    assert issued
    assert issued != planted
    assert not await stored(planted)
    assert opens_space(await client.get("/espace"))
    # The attacker, holding the planted id, is not let in.
    client.cookies.clear()
    client.cookies.set(COOKIE, planted, domain="testserver.local")
    refused = await client.get("/espace")
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/connexion")


async def test_an_unknown_id_gets_no_record_and_an_expired_cookie(client: AsyncClient) -> None:
    planted = secrets.token_hex(32)
    client.cookies.set(COOKIE, planted, domain="testserver.local")
    page = await client.get("/connexion")
    assert page.status_code == 200
    assert session_cookie(page) == ""
    assert "max-age=0" in cookie_attributes(page)
    assert not await stored(planted)


async def test_the_id_changes_at_sign_in_and_the_old_one_dies(
    client: AsyncClient, clock: FrozenClock, employer: Org
) -> None:
    await confirmed_account(EMAIL, clock)
    await confirmed_account("autre@chalet.example", clock)
    first = session_cookie(await sign_in(client, EMAIL))
    assert first
    assert await stored(first)
    # Signing in again (here as someone else) from the same browser: a new id.
    second = session_cookie(await sign_in(client, "autre@chalet.example"))
    assert second
    assert second != first
    assert not await stored(first)
    client.cookies.clear()
    client.cookies.set(COOKIE, first, domain="testserver.local")
    assert (await client.get("/espace")).status_code == 303
    client.cookies.clear()
    client.cookies.set(COOKIE, second, domain="testserver.local")
    assert opens_space(await client.get("/espace"))


async def test_sign_out_deletes_the_record_and_expires_the_cookie(
    client: AsyncClient, clock: FrozenClock
) -> None:
    await confirmed_account(EMAIL, clock)
    session_id = session_cookie(await sign_in(client, EMAIL))
    assert session_id
    token = await csrf(client, "/espace")
    out = await client.post("/deconnexion", data={"_csrf_token": token})
    assert out.status_code == 303
    assert "max-age=0" in cookie_attributes(out)
    assert not await stored(session_id)
    client.cookies.clear()
    client.cookies.set(COOKIE, session_id, domain="testserver.local")
    assert (await client.get("/espace")).status_code == 303


async def test_joining_an_organisation_renews_the_id(
    client: AsyncClient, clock: FrozenClock, employer: Org
) -> None:
    user = await confirmed_account(EMAIL, clock)
    before = session_cookie(await sign_in(client, EMAIL))
    assert before
    person = users.SignedIn(user_id=user.id, email=EMAIL, name="", staff=True, organisation_ids=())
    _, token = await users.invite(employer.id, EMAIL, person, clock.now())
    accept = f"/invitation?token={token}"
    joined = await post_form(client, accept, {"name": "Camille"}, form_page=accept)
    assert joined.status_code == 303
    after = session_cookie(joined)
    assert after
    assert after != before
    assert not await stored(before)
    assert opens_space(await client.get("/espace"))


async def test_pages_without_a_session_write_none(client: AsyncClient) -> None:
    page = await client.get("/connexion")
    assert session_cookie(page) is None  # a CSRF cookie, but no session for a visitor
