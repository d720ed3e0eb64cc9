"""`make bench-accounts`: how long each branch of the account forms takes, side by side.

    python -m bench.accounts_timing [--samples N] [--keep]

No branch may tell whether an address has an account: sign-up (new / taken address), sign-in
(unknown address / wrong password / locked / not confirmed / right password), password reset
(known / unknown: a link, or "no account here", one e-mail either way), invitation sent and
accepted (newcomer / has an account) each do the same hashing work and write the same rows
(tests/integration/web/test_account_discovery.py counts them). This prints the medians, with
argon2's production parameters, so that the equality can be seen in milliseconds too.

The app runs in this process (httpx's ASGI transport: no network, no uvicorn) on a database
of its own, `em_bench_accounts`, created, migrated and dropped here; the branches are taken
in turn, sample after sample, so that a slow moment of the machine weighs on all of them. No
worker runs and no Redis queue is used (e-mails stay in the outbox table, rate limits are
not counted); sessions go to Redis under the key prefix `bench-accounts`, removed after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

DATABASE = "postgresql://postgres@127.0.0.1:5432/em_bench_accounts"
PREFIX = "bench-accounts"
PASSWORD = "neige-fraiche-2026"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

# Set before the app is imported: piccolo_conf.py reads the settings at import.
os.environ.update({"DATABASE_URL": DATABASE, "REDIS_KEY_PREFIX": PREFIX, "APP_ENV": "test"})


Branch = Callable[[int], Awaitable[Any]]


async def run(samples: int) -> dict[str, dict[str, list[float]]]:
    from httpx import ASGITransport, AsyncClient
    from lxml import html

    from app.accounts import users
    from app.accounts.tables import Membership, User
    from app.config import load_settings
    from app.core.clock import FrozenClock
    from app.core.vocabulary import OrganisationKind
    from app.main import create_app
    from app.organisations import services as organisations
    from app.organisations.schemas import OrganisationCreate
    from app.server.startup import close_database, open_database

    settings = load_settings()
    clock = FrozenClock(START)
    app = create_app(settings, clock)
    await open_database(settings)
    transport = ASGITransport(app=app)  # type: ignore[arg-type]
    client = AsyncClient(transport=transport, base_url="http://bench.local")

    async def token(path: str, http: AsyncClient = client) -> str:
        page = await http.get(path)
        [value] = html.fromstring(page.text).xpath('//input[@name="_csrf_token"]/@value')[:1]
        return str(value)

    async def confirmed(email: str) -> User:
        user = await users.create_user(email, PASSWORD, "Camille", clock.now())
        await User.update({User.email_verified_at: clock.now()}).where(User.id == user.id)
        return user

    known = await confirmed("employeur@chalet.example")
    inviter = await confirmed("equipe@chalet.example")
    locked = await confirmed("verrou@chalet.example")
    await User.update({User.locked_until: START + timedelta(days=3650)}).where(User.id == locked.id)
    await users.create_user("nouveau@chalet.example", PASSWORD, "", clock.now())
    staff = users.SignedIn(
        user_id=inviter.id, email=inviter.email, name="", staff=True, organisation_ids=()
    )
    org = await organisations.create(
        OrganisationCreate(
            kind=OrganisationKind.EMPLOYER, name="Hôtel des Cimes", contact_email="a@b.fr"
        ),
        clock.now(),
    )
    form_token = await token("/connexion")
    # Invitations are sent from the site by an owner, signed in on a client of its own.
    owner = await confirmed("patron@chalet.example")
    await Membership(user=owner.id, organisation=org.id, role="owner").save()
    await confirmed("compte@chalet.example")  # an account, member of no organisation
    team = AsyncClient(transport=transport, base_url="http://bench.local")
    sign_in_form = {"email": owner.email, "password": PASSWORD}
    await team.post(
        "/connexion", data={**sign_in_form, "_csrf_token": await token("/connexion", team)}
    )
    team_token = await token("/espace", team)

    def post(path: str, data: dict[str, str]) -> Awaitable[Any]:
        return client.post(path, data={**data, "_csrf_token": form_token})

    def sign_in(email: str, password: str = PASSWORD) -> Branch:
        return lambda n: post("/connexion", {"email": email, "password": password})

    def sign_up(email: Callable[[int], str]) -> Branch:
        def call(n: int) -> Awaitable[Any]:
            form = {
                "kind": "employer",
                "organisation": f"Chalet {n}",
                "name": "Camille",
                "email": email(n),
                "contact_email": "contact@chalet.example",
                "password": PASSWORD,
            }
            return post("/inscription", form)

        return call

    def reset(email: str) -> Branch:
        return lambda n: post("/mot-de-passe-oublie", {"email": email})

    invitations: dict[str, list[str]] = {"newcomer": [], "has an account": []}
    for n in range(samples + 1):
        for kind, email in (
            ("newcomer", f"nouvel-arrivant-{n}@chalet.example"),
            ("has an account", known.email),
        ):
            _, secret = await users.invite(org.id, email, staff, clock.now())
            invitations[kind].append(secret)

    def accept(kind: str) -> Branch:
        def call(n: int) -> Awaitable[Any]:
            url = f"/invitation?token={invitations[kind][n]}"
            return client.post(
                url, data={"name": "Sam", "password": PASSWORD, "_csrf_token": form_token}
            )

        return call

    def invite(email: Callable[[int], str]) -> Branch:
        def call(n: int) -> Awaitable[Any]:
            form = {"organisation": str(org.id), "email": email(n), "_csrf_token": team_token}
            return team.post("/espace/equipe", data=form)

        return call

    flows: dict[str, dict[str, Branch]] = {
        "sign-up": {
            "new address": sign_up(lambda n: f"neuf-{n}@chalet.example"),
            "taken address": sign_up(lambda n: known.email),
        },
        "sign-in": {
            "unknown address": sign_in("personne@chalet.example"),
            "wrong password": sign_in(known.email, "pas-le-bon-mot-de-passe"),
            "locked": sign_in("verrou@chalet.example"),
            "not confirmed": sign_in("nouveau@chalet.example"),
            "right password": sign_in(known.email),
        },
        "password reset": {
            "known address": reset(known.email),
            "unknown address": reset("personne@chalet.example"),
        },
        "invitation sent": {
            "newcomer": invite(lambda n: f"invite-{n}@chalet.example"),
            "has an account": invite(lambda n: "compte@chalet.example"),
        },
        "invitation accepted": {
            "newcomer": accept("newcomer"),
            "has an account": accept("has an account"),
        },
    }
    timings: dict[str, dict[str, list[float]]] = {
        flow: {branch: [] for branch in branches} for flow, branches in flows.items()
    }
    for branches in flows.values():  # one untimed round: imports, caches, pool connections
        for call in branches.values():
            await call(samples)  # its own data: the timed rounds use 0 … samples - 1
    for n in range(samples):
        # A wrong password counts towards a lock-out: time moves past any lock between rounds.
        clock.advance(timedelta(hours=2))
        for flow, branches in flows.items():
            # Every other round in the other order: the first branch after a heavy flow
            # (argon2 just used 64 MiB) runs a little slower, whichever branch it is.
            turn = list(branches.items())
            for branch, call in turn if n % 2 == 0 else reversed(turn):
                started = time.perf_counter()
                await call(n)
                timings[flow][branch].append((time.perf_counter() - started) * 1000)
    await client.aclose()
    await team.aclose()
    await app.state.search_engine.close()
    await app.stores.get("sessions").__aexit__(None, None, None)
    await close_database()
    return timings


def report(timings: dict[str, dict[str, list[float]]], samples: int) -> str:
    lines = [f"Median time of each branch, ms ({samples} samples each, argon2id defaults)", ""]
    for flow, branches in timings.items():
        medians = {branch: statistics.median(values) for branch, values in branches.items()}
        spread = max(medians.values()) / min(medians.values())
        cells = "  ".join(f"{branch}: {value:6.1f}" for branch, value in medians.items())
        lines.append(f"{flow:<19} {cells}   (slowest / fastest: {spread:.2f})")
    return "\n".join(lines)


async def _forget_sessions() -> None:
    from redis.asyncio import Redis

    from app.config import load_settings

    redis = Redis.from_url(load_settings().redis.url)
    try:
        keys = [k async for k in redis.scan_iter(match=f"{PREFIX}:*", count=1000)]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=25, help="samples per branch (25)")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    options = parser.parse_args(argv)
    # They import the app: only once the environment above is set.
    from bench._setup import drop_database
    from bench.generate import ensure_database, migrate

    asyncio.run(drop_database(DATABASE))  # a fresh one each time
    asyncio.run(ensure_database(DATABASE))
    try:
        migrate(DATABASE)
        timings = asyncio.run(run(options.samples))
        print(report(timings, options.samples))
    finally:
        asyncio.run(_forget_sessions())
        if not options.keep:
            asyncio.run(drop_database(DATABASE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
