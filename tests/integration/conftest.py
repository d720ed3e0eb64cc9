"""The app under test, driven through httpx's ASGI transport, and data built via services."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from arq.connections import ArqRedis
from arq.worker import Worker
from httpx import ASGITransport, AsyncClient
from litestar import Litestar

from app.accounts import users
from app.accounts.tables import Membership, User
from app.config import Settings, get_settings
from app.core.clock import Clock, FrozenClock
from app.core.queue import open_queue
from app.outbox.sync import ensure_indexes
from app.search_indexes import ALL
from search.client import SearchEngine
from tests.conftest import ADMIN_TOKEN
from tests.integration.live_server import live_server as live_server  # the fixture
from tests.meilisearch_server import MeilisearchServer
from tests.smtp_server import SmtpServer
from workers.mail import SmtpMailer
from workers.settings import WorkerSettings

TEST_QUEUE = f"arq:test:{os.getpid()}"


@dataclass
class Org:
    id: int
    slug: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "neige-fraiche-2026"  # the test accounts' password


@pytest.fixture(scope="session")
async def queue() -> AsyncIterator[ArqRedis]:
    """A queue of the suite's own on the real Redis, emptied at the end."""
    from app.config import get_settings
    from app.core.queue import open_queue

    pool = await open_queue(get_settings().redis.url, TEST_QUEUE)
    try:
        yield pool
    finally:
        await pool.delete(TEST_QUEUE)
        await pool.aclose()


def settings_with(**sections: dict[str, Any]) -> Settings:
    """The suite's settings with fields of some sections changed, as in
    `settings_with(redis={"url": closed}, search={"master_key": "wrong"})`."""
    settings = get_settings()
    changed = {name: replace(getattr(settings, name), **f) for name, f in sections.items()}
    return replace(settings, **changed)


@asynccontextmanager
async def running_app(
    settings: Settings, clock: Clock | None = None, queue: ArqRedis | None = None
) -> AsyncIterator[Litestar]:
    """The app built on `settings`, with `queue` as its lifespan would have opened it (None:
    Redis did not answer at start). No lifespan runs here: what the app opened when it was
    made is closed at the end."""
    from app.main import create_app

    app = create_app(settings, clock)
    app.state.queue = queue
    try:
        yield app
    finally:
        await close_clients(app)


def http_client(app: Any, peer: tuple[str, int] = ("127.0.0.1", 123)) -> AsyncClient:
    """A client of an ASGI app run in this event loop, seen as coming from `peer`.

    Litestar's AsyncTestClient runs the app in a portal thread with a loop of its own,
    where asyncpg connections of this loop cannot be used; httpx's ASGI transport does not.
    """
    transport = ASGITransport(app=app, client=peer)
    return AsyncClient(transport=transport, base_url="http://testserver.local")


@asynccontextmanager
async def app_client(
    settings: Settings, clock: Clock | None = None, queue: ArqRedis | None = None
) -> AsyncIterator[AsyncClient]:
    """A client of the app built on `settings` (see running_app)."""
    async with running_app(settings, clock, queue) as app, http_client(app) as http:
        yield http


@pytest.fixture
async def client(clean: None, clock: Any, queue: ArqRedis) -> AsyncIterator[AsyncClient]:
    """The app on the suite's settings and queue, in this event loop (the suite's connection
    pool is bound to it)."""
    async with app_client(get_settings(), clock, queue) as http:
        yield http


async def close_clients(app: Any) -> None:
    """No lifespan runs in these tests: close what the app opened when it was made."""
    await app.state.search_engine.close()
    await app.stores.get("sessions").__aexit__(None, None, None)


async def make_org(
    client: AsyncClient, name: str, kind: str = "employer", place: str | None = None
) -> Org:
    body: dict[str, Any] = {
        "kind": kind,
        "name": name,
        "contact_email": "rh@example.fr",
        "verified": True,  # vetted: its offers are public
    }
    if place:
        body["place"] = place
    response = await client.post("/api/organisations", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    org = response.json()
    token = await client.post(
        f"/api/organisations/{org['id']}/tokens", json={"label": "tests"}, headers=ADMIN
    )
    assert token.status_code == 201, token.text
    return Org(id=org["id"], slug=org["slug"], token=token.json()["token"])


async def confirmed_account(
    email: str,
    clock: FrozenClock,
    organisation_id: int | None = None,
    *,
    staff: bool = False,
    password: str = PASSWORD,
) -> User:
    """An account made through the service (as sign-up would), its address marked confirmed
    in the database; owner of the organisation `organisation_id` when one is given."""
    user = await users.create_user(email, password, "Camille", clock.now())
    await User.update({User.email_verified_at: clock.now(), User.staff: staff}).where(
        User.id == user.id
    )
    if organisation_id is not None:
        await Membership(user=user.id, organisation=organisation_id, role="owner").save()
    return user


@pytest.fixture
async def employer(client: AsyncClient) -> Org:
    return await make_org(client, "Hôtel des Cimes", place="val-thorens")


@pytest.fixture
async def other_employer(client: AsyncClient) -> Org:
    return await make_org(client, "Remontées du Lac", place="gerardmer")


@pytest.fixture
async def school(client: AsyncClient) -> Org:
    return await make_org(client, "École des Neiges", kind="school", place="chamrousse")


def offer_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Serveur / Serveuse en restaurant d'altitude",
        "description": "Service en salle et en terrasse, au pied des pistes, pour la saison.",
        "trade": "G1803",
        "place": "val-thorens",
        "seasons": ["winter"],
        "contract": "seasonal",
        "start_date": "2026-12-12",
        "end_date": "2027-04-20",
        "hours_per_week": 39,
        "pay_min": 1850,
        "pay_max": 2100,
        "pay_period": "month",
        "housing": "provided",
        "meals": True,
        "languages": ["fr", "en"],
        "apply_email": "jobs@hotel-des-cimes.example",
    }
    body.update(overrides)
    return body


async def make_offer(
    client: AsyncClient, org: Org, publish: bool = True, **overrides: Any
) -> dict[str, Any]:
    response = await client.post("/api/offers", json=offer_body(**overrides), headers=org.auth)
    assert response.status_code == 201, response.text
    offer: dict[str, Any] = response.json()
    if publish:
        published = await client.post(f"/api/offers/{offer['id']}/publish", headers=org.auth)
        assert published.status_code == 200, published.text
        offer = published.json()
    return offer


def training_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Préparation au test technique de moniteur de ski",
        "description": "Six semaines d'entraînement encadré pour réussir le test technique.",
        "trade_codes": ["G1204"],
        "duration_hours": 180,
        "modality": "on-site",
        "certification_code": "RNCP37735",
        "certification_title": "Diplôme d'État de ski – moniteur national de ski alpin",
        "price_excl_vat": 3200,
        "price_incl_vat": 3840,
        "funding": ["cpf", "france-travail"],
    }
    body.update(overrides)
    return body


def session_body(training_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "training_id": training_id,
        "place": "chamrousse",
        "start_date": str(date(2027, 1, 4)),
        "end_date": str(date(2027, 2, 12)),
        "seats_total": 12,
        "registration_deadline": str(date(2026, 12, 15)),
    }
    body.update(overrides)
    return body


@pytest.fixture
async def engine(
    meilisearch_server: MeilisearchServer, clean: None, clock: FrozenClock
) -> AsyncIterator[SearchEngine]:
    """A client on empty indexes built with the code's settings."""
    from app.config import get_settings
    from app.server.startup import open_search

    search_engine = open_search(get_settings())
    # Building indexes takes seconds (settings); emptying them takes milliseconds.
    if not await ensure_indexes(search_engine, clock.now()):
        for spec in ALL:
            task = await search_engine.index(spec).delete_all_documents()
            await search_engine.client.wait_for_task(task.task_uid)
    try:
        yield search_engine
    finally:
        await search_engine.close()


# --- a real arq worker (burst mode) and a real SMTP server --------------------------------

RunWorker = Callable[..., Awaitable[Worker]]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp(smtp_server: SmtpServer) -> SmtpServer:
    smtp_server.clear()
    return smtp_server


@pytest.fixture
def worker_settings(smtp: SmtpServer) -> Settings:
    return settings_with(mail={"smtp_url": smtp.url})


@pytest.fixture
def worker_ctx(worker_settings: Settings, clock: FrozenClock) -> dict[str, Any]:
    """What the worker's jobs find in ctx (see workers.settings.startup), sending to `smtp`."""
    return {
        "settings": worker_settings,
        "clock": clock,
        "mailer": SmtpMailer(worker_settings.mail.smtp_url, worker_settings.mail),
    }


async def forget_jobs(queue: ArqRedis) -> None:
    """Empty the suite's queue and the job keys left by earlier tests (a left job id blocks
    the next enqueue of that id)."""
    name = queue.default_queue_name
    ids = [i.decode() for i in await queue.zrange(name, 0, -1)]
    keys = [f"arq:job:{i}" for i in ids] + [k async for k in queue.scan_iter(f"arq:*{name}*")]
    await queue.delete(name, *keys)


@pytest.fixture
async def run_worker(
    queue: ArqRedis, engine: SearchEngine, worker_ctx: dict[str, Any]
) -> RunWorker:
    """Run a burst worker over whatever is queued (plus `jobs` enqueued first), then stop."""
    name = queue.default_queue_name
    await forget_jobs(queue)

    async def run(*jobs: str) -> Worker:
        for job in jobs:
            await queue.enqueue_job(job)
        worker = Worker(
            functions=WorkerSettings.functions,
            # The worker closes its pool when done: give it one of its own.
            redis_pool=await open_queue(get_settings().redis.url, name),
            queue_name=name,
            burst=True,
            poll_delay=0,
            ctx={**worker_ctx, "search_engine": engine, "owns_search_engine": False},
            on_startup=WorkerSettings.on_startup,
            on_shutdown=WorkerSettings.on_shutdown,
            handle_signals=False,
            keep_result=0,
        )
        try:
            await worker.main()
        finally:
            await worker.close()
        assert worker.jobs_failed == 0, f"{worker.jobs_failed} job(s) failed"
        return worker

    return run


LINK = re.compile(r"https?://[^/\s]+(/[^\s\"<>]+)")


def link(text: str, path: str) -> str:
    """The path and query of the first link in `text` that goes to `path`."""
    for found in LINK.findall(text):
        if found.startswith(path):
            return str(found)
    raise AssertionError(f"no link to {path} in:\n{text}")


def listed_titles(text: str) -> list[str]:
    """The offer titles of an alert email's text part (the lines starting with "- ")."""
    return [line[2:].strip() for line in text.splitlines() if line.startswith("- ")]
