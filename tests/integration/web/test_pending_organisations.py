"""An organisation pending verification is public nowhere, nor is anything of its own: a
school's trainings and sessions, an employer's offers, on the pages, the API, the sitemap,
the feed and the search indexes. Its own tokens and the admin token still see them; staff
verifying it publishes them (search included, through the outbox), un-verifying hides them."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from app.core.clock import FrozenClock
from tests.integration.conftest import (
    ADMIN,
    Org,
    RunWorker,
    make_offer,
    make_org,
    session_body,
    training_body,
)


async def pending_org(client: AsyncClient, name: str, kind: str, place: str) -> Org:
    """An organisation staff have not verified yet, with a token of its own."""
    body = {"kind": kind, "name": name, "contact_email": "accueil@example.fr", "place": place}
    created = await client.post("/api/organisations", json=body, headers=ADMIN)
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["verified"] is False
    token = await client.post(
        f"/api/organisations/{org['id']}/tokens", json={"label": "tests"}, headers=ADMIN
    )
    assert token.status_code == 201, token.text
    return Org(id=org["id"], slug=org["slug"], token=token.json()["token"])


async def set_verified(client: AsyncClient, org: Org, verified: bool) -> None:
    url = f"/api/organisations/{org.id}"
    done = await client.patch(url, json={"verified": verified}, headers=ADMIN)
    assert done.status_code == 200, done.text


async def school_with_session(client: AsyncClient, school: Org) -> tuple[dict[str, Any], int]:
    """A training (title with "pisteur") and one open session of it: (training, session id)."""
    body = training_body(title="Formation de pisteur secouriste")
    training = await client.post("/api/trainings", json=body, headers=school.auth)
    assert training.status_code == 201, training.text
    session = await client.post(
        "/api/sessions", json=session_body(training.json()["id"]), headers=school.auth
    )
    assert session.status_code == 201, session.text
    assert session.json()["status"] == "open"
    return training.json(), session.json()["id"]


async def listed(client: AsyncClient, url: str, headers: dict[str, str] | None = None) -> set[int]:
    response = await client.get(url, headers=headers or {})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


async def searched(client: AsyncClient, url: str) -> set[int]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return {hit["id"] for hit in response.json()["hits"]}


async def sitemap(client: AsyncClient) -> str:
    response = await client.get("/sitemap.xml")
    assert response.status_code == 200
    return response.text


async def school_is_public(
    client: AsyncClient, school: Org, training: dict[str, Any], session_id: int
) -> bool:
    """Whether anonymous callers find the school's training and session, asserting that
    every way of finding them agrees."""
    slug, training_id = training["slug"], training["id"]
    seen = {
        "page": (await client.get(f"/formations/{slug}")).status_code == 200,
        "school page": (await client.get(f"/ecoles/{school.slug}")).status_code == 200,
        "catalogue": slug in (await client.get("/formations")).text,
        "catalogue words": slug in (await client.get("/formations?q=pisteur")).text,
        "sitemap training": f"/formations/{slug}<" in await sitemap(client),
        "sitemap school": f"/ecoles/{school.slug}<" in await sitemap(client),
        "api trainings": training_id in await listed(client, "/api/trainings"),
        "api trainings of": training_id
        in await listed(client, f"/api/trainings?organisation={school.id}"),
        "api training": (await client.get(f"/api/trainings/{training_id}")).status_code == 200,
        "api sessions": session_id in await listed(client, "/api/sessions"),
        "api sessions of": session_id
        in await listed(client, f"/api/sessions?training={training_id}"),
        "api session": (await client.get(f"/api/sessions/{session_id}")).status_code == 200,
        "search": session_id in await searched(client, "/api/sessions/search?q=pisteur"),
        "search all": session_id in await searched(client, "/api/sessions/search"),
    }
    assert len(set(seen.values())) == 1, seen
    return next(iter(seen.values()))


async def test_a_pending_school_trainings_and_sessions_are_not_public(
    client: AsyncClient, clock: FrozenClock, run_worker: RunWorker, employer: Org
) -> None:
    school = await pending_org(client, "École du Vieux Pic", "school", "chamrousse")
    training, session_id = await school_with_session(client, school)
    await run_worker()  # the outbox drained: the session went by the search index
    assert not await school_is_public(client, school, training, session_id)
    assert school.slug not in await sitemap(client)

    # Its own token and the admin token see them all; another organisation's does not.
    for headers in (school.auth, ADMIN):
        assert training["id"] in await listed(client, "/api/trainings", headers)
        assert session_id in await listed(client, "/api/sessions", headers)
        for url in (f"/api/trainings/{training['id']}", f"/api/sessions/{session_id}"):
            assert (await client.get(url, headers=headers)).status_code == 200, url
    assert training["id"] not in await listed(client, "/api/trainings", employer.auth)
    assert session_id not in await listed(client, "/api/sessions", employer.auth)
    for url in (f"/api/trainings/{training['id']}", f"/api/sessions/{session_id}"):
        assert (await client.get(url, headers=employer.auth)).status_code == 404, url

    # Staff verify it: all of it is public, search included once the worker has drained.
    await set_verified(client, school, True)
    await run_worker()
    assert await school_is_public(client, school, training, session_id)

    # Staff take the verification back: hidden again everywhere.
    await set_verified(client, school, False)
    await run_worker()
    assert not await school_is_public(client, school, training, session_id)


async def test_a_verified_school_sees_its_sessions_beside_the_others(
    client: AsyncClient, clock: FrozenClock, school: Org
) -> None:
    """A school's token lists its own sessions and the public ones of the others, not the
    ones of another pending school."""
    pending = await pending_org(client, "École du Vieux Pic", "school", "chamrousse")
    _, hidden = await school_with_session(client, pending)
    _, public = await school_with_session(client, school)
    assert await listed(client, "/api/sessions", school.auth) == {public}
    assert await listed(client, "/api/sessions", pending.auth) == {public, hidden}
    assert await listed(client, "/api/sessions") == {public}


async def employer_is_public(client: AsyncClient, employer: Org, offer: dict[str, Any]) -> bool:
    """Whether anonymous callers find the employer's offer, every way agreeing."""
    seen = {
        "page": (await client.get(f"/offres/{offer['slug']}")).status_code == 200,
        "employer page": (await client.get(f"/employeurs/{employer.slug}")).status_code == 200,
        "sitemap offer": f"/offres/{offer['slug']}<" in await sitemap(client),
        "sitemap employer": f"/employeurs/{employer.slug}<" in await sitemap(client),
        "feed": offer["slug"] in (await client.get("/offres/flux.atom")).text,
        "search page": offer["slug"] in (await client.get("/offres?q=pisteur")).text,
        "api offers": offer["id"] in await listed(client, "/api/offers"),
        "api offer": (await client.get(f"/api/offers/{offer['id']}")).status_code == 200,
        "search": offer["id"] in await searched(client, "/api/offers/search?q=pisteur"),
    }
    assert len(set(seen.values())) == 1, seen
    return next(iter(seen.values()))


async def test_a_pending_employer_offers_are_not_public(
    client: AsyncClient, clock: FrozenClock, run_worker: RunWorker
) -> None:
    employer = await pending_org(client, "Chalet du Vieux Pic", "employer", "val-thorens")
    offer = await make_offer(client, employer, title="Pisteur secouriste")
    await run_worker()
    assert not await employer_is_public(client, employer, offer)
    assert employer.slug not in await sitemap(client)
    for headers in (employer.auth, ADMIN):
        assert offer["id"] in await listed(client, "/api/offers", headers)

    await set_verified(client, employer, True)
    await run_worker()
    assert await employer_is_public(client, employer, offer)

    await set_verified(client, employer, False)
    await run_worker()
    assert not await employer_is_public(client, employer, offer)


async def test_verified_organisations_are_unchanged(
    client: AsyncClient, clock: FrozenClock, run_worker: RunWorker
) -> None:
    """The same checks pass the other way for organisations made verified (the checks can
    see what they look for)."""
    school = await make_org(client, "École du Vieux Pic", kind="school", place="chamrousse")
    training, session_id = await school_with_session(client, school)
    employer = await make_org(client, "Chalet du Vieux Pic", place="val-thorens")
    offer = await make_offer(client, employer, title="Pisteur secouriste")
    await run_worker()
    assert await school_is_public(client, school, training, session_id)
    assert await employer_is_public(client, employer, offer)
