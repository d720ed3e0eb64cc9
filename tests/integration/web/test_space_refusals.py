"""A refused session change in the organisation space is said in French, as offers' are:
closing twice, cancelling twice, changing the seats of a cancelled or finished session. The
API keeps its English problem details. Real PostgreSQL, Redis and Meilisearch."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient, Response

from app.core.clock import FrozenClock
from app.trainings.tables import TrainingSession
from tests.integration.conftest import Org, session_body, training_body
from tests.integration.web.conftest import parse, texts
from tests.integration.web.test_accounts import post_form
from tests.integration.web.test_space import signed_in_member


async def stored(session_id: int) -> dict[str, Any]:
    row = await TrainingSession.select().where(TrainingSession.id == session_id).first()
    assert row is not None
    return row


def refusal(response: Response) -> tuple[int, list[str], str]:
    """The status, heading and detail of a refusal page."""
    tree = parse(response.text)
    detail = " ".join(tree.cssselect(".notice-error small")[0].text_content().split())
    assert "this session" not in response.text  # no English detail on the site
    return response.status_code, texts(tree, "h1"), detail


async def test_refused_session_changes_are_said_in_french(
    client: AsyncClient, clock: FrozenClock, school: Org
) -> None:
    training = (
        await client.post("/api/trainings", json=training_body(), headers=school.auth)
    ).json()

    async def new_session(**overrides: Any) -> int:
        body = session_body(training["id"], **overrides)
        made = await client.post("/api/sessions", json=body, headers=school.auth)
        assert made.status_code == 201, made.text
        return int(made.json()["id"])

    sid, other = await new_session(), await new_session()
    finished = await new_session(
        start_date="2026-10-01", end_date="2026-10-20", registration_deadline="2026-09-20"
    )
    assert (await stored(finished))["status"] == "archived"
    await signed_in_member(client, school, "direction@ecole.example", clock)
    page = f"/espace/formations?organisation={school.id}"

    async def post(path: str, data: dict[str, str] | None = None) -> Response:
        return await post_form(client, f"/espace/sessions/{path}", data or {}, form_page=page)

    # Registrations closed twice: the second says they are closed already.
    assert (await post(f"{other}/clore")).status_code == 303
    assert refusal(await post(f"{other}/clore")) == (
        409,
        ["Action impossible"],
        "Détail : Les inscriptions à cette session sont déjà closes.",
    )

    # Cancelled: a second cancel says so; seats and closing are refused naming the state.
    assert (await post(f"{sid}/annuler")).status_code == 303
    assert refusal(await post(f"{sid}/annuler")) == (
        409,
        ["Action impossible"],
        "Détail : Cette session est déjà annulée.",
    )
    cancelled = "Détail : Action impossible : cette session est annulée."
    seats = await post(f"{sid}/inscrits", {"seats_taken": "3"})
    assert refusal(seats) == (409, ["Action impossible"], cancelled)
    assert refusal(await post(f"{sid}/clore")) == (409, ["Action impossible"], cancelled)
    row = await stored(sid)
    assert (row["status"], row["seats_taken"]) == ("cancelled", 0)

    # Finished (archived): every change is refused, in French, and nothing changes.
    over = "Détail : Action impossible : cette session est terminée."
    for path, data in (
        (f"{finished}/inscrits", {"seats_taken": "3"}),
        (f"{finished}/annuler", {}),
        (f"{finished}/clore", {}),
    ):
        assert refusal(await post(path, data)) == (409, ["Action impossible"], over), path
    row = await stored(finished)
    assert (row["status"], row["seats_taken"]) == ("archived", 0)

    # The API keeps its English detail, naming the state found.
    api = await client.patch(f"/api/sessions/{sid}", json={"seats_taken": 3}, headers=school.auth)
    assert api.status_code == 409
    assert api.json()["detail"] == "status: this session is cancelled"
