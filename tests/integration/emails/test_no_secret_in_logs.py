"""No token, signed link, password or session id in any log line: the reset, invitation and
alert flows run with a job queue that does not answer and an SMTP server that is down, every
record of every logger captured at DEBUG."""

from __future__ import annotations

import logging
import re
from typing import Any

import msgspec
import pytest
from httpx import AsyncClient

from app.accounts import users
from app.accounts.tables import Membership, User
from app.core.clock import FrozenClock
from app.emails.tables import EmailOutbox
from app.organisations.schemas import OrganisationCreate
from tests.integration.conftest import PASSWORD
from tests.integration.emails.conftest import ask_alert, ask_reset
from tests.integration.web.test_accounts import post_form, sign_in
from workers import emails as email_jobs

NEW_PASSWORD = "glacier-bleu-2026"
FORGED = "eyJub3QiOiJyZWFsIn0.Zm9yZ2Vk"
TOKEN = re.compile(r"token=([^&\s\"'<>]+)")


async def test_reset_invitation_and_alert_flows_log_no_secret(
    offline_client: AsyncClient,
    smtp_down: Any,
    clock: FrozenClock,
    worker_ctx: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    organisation = msgspec.convert(
        {"kind": "employer", "name": "Chalet des Neiges", "contact_email": "rh@chalet.example"},
        OrganisationCreate,
    )
    user = await users.sign_up("rh@chalet.example", PASSWORD, "Camille", organisation, clock.now())
    assert user is not None
    await User.update({User.email_verified_at: clock.now()}).where(User.id == user.id)

    await ask_reset(offline_client, "rh@chalet.example")
    assert (await sign_in(offline_client, "rh@chalet.example")).status_code == 303
    [org_id] = [r["organisation"] for r in await Membership.select(Membership.organisation)]
    invited = await post_form(
        offline_client,
        "/espace/equipe",
        {"organisation": str(org_id), "email": "sam@chalet.example"},
        form_page="/espace",
    )
    assert invited.status_code == 303
    assert await ask_alert(offline_client) == 202
    session = offline_client.cookies.get("em_session")
    assert session
    secrets = {PASSWORD, NEW_PASSWORD, FORGED, session}
    for row in await EmailOutbox.objects():
        secrets.update(TOKEN.findall(str(row.context)))
    assert len(secrets) >= 7  # the passwords, the session, reset, invitation and alert tokens
    [reset_token] = [
        TOKEN.findall(str(r.context))[0]
        for r in await EmailOutbox.objects().where(EmailOutbox.template == "password_reset")
    ]
    # A forged link is refused as soon as it is opened (the invalid-link page), and logged
    # without its token.
    forged = await offline_client.get(f"/mot-de-passe/nouveau?token={FORGED}")
    assert forged.status_code == 400
    path = f"/mot-de-passe/nouveau?token={reset_token}"
    changed = await post_form(
        offline_client,
        path,
        {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
        form_page=path,
    )
    assert changed.status_code == 303, changed.text

    await email_jobs.send_emails(worker_ctx)  # SMTP down: every e-mail deferred, logged
    # Even a careless line of ours or of a library is redacted.
    logging.getLogger("careless").warning("sent %s", {"url": f"https://x/?token={session}"})

    lines = [caplog.text] + [r.getMessage() + (r.exc_text or "") for r in caplog.records]
    assert "could not ask for the e-mails to be sent" in caplog.text  # the queue failed
    assert "deferred" in caplog.text  # and SMTP did
    for secret in secrets:
        assert not any(secret in line for line in lines), f"a secret leaked: {secret[:6]}…"
    assert "[redacted]" in caplog.text
