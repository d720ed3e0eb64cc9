"""Password reset: every branch of the form records exactly one e-mail, in the transaction
that asks a worker to send it, and the worker sends the kind the branch calls for: a link
to an account's address, "no account here" (sign-in and sign-up links) to any other.
Nobody learns from the answer, nor from the work done, whether an address has an account.
Real PostgreSQL, Redis, SMTP server and worker."""

from __future__ import annotations

from datetime import timedelta

from arq.connections import ArqRedis
from httpx import AsyncClient, Response

from app.accounts import users
from app.accounts.tables import User
from app.config import get_settings
from app.core.clock import FrozenClock
from app.emails.tables import EmailOutbox
from tests.integration.conftest import PASSWORD, RunWorker, confirmed_account, forget_jobs, link
from tests.integration.web.conftest import parse, texts
from tests.integration.web.test_accounts import post_form
from tests.smtp_server import SmtpServer

KNOWN = "rh@chalet.example"
UNKNOWN = "personne@chalet.example"
LOCKED = "verrou@chalet.example"
UNCONFIRMED = "nouveau@chalet.example"


async def forgot(client: AsyncClient, email: str) -> Response:
    return await post_form(client, "/mot-de-passe-oublie", {"email": email})


async def outbox() -> list[tuple[str, str]]:
    rows = await EmailOutbox.select(EmailOutbox.template, EmailOutbox.recipient).order_by(
        EmailOutbox.id
    )
    return [(r["template"], r["recipient"]) for r in rows]


def notice(response: Response, email: str) -> list[str]:
    """The answer's notice, the address it names put aside."""
    return [t.replace(email, "…") for t in texts(parse(response.text), ".notice")]


async def test_each_branch_records_one_email_and_the_worker_sends_its_kind(
    client: AsyncClient,
    run_worker: RunWorker,
    smtp: SmtpServer,
    clock: FrozenClock,
    queue: ArqRedis,
) -> None:
    await confirmed_account(KNOWN, clock)
    answers: dict[str, list[str]] = {}
    for email, kind in ((KNOWN, "password_reset"), (UNKNOWN, "password_reset_unknown")):
        await forget_jobs(queue)
        before = await outbox()
        answer = await forgot(client, email)
        assert answer.status_code == 200, answer.text
        answers[email] = notice(answer, email)
        assert await outbox() == [*before, (kind, email)]  # exactly one, of its kind
        # Committed with a worker asked to send it, as every promised e-mail is.
        assert "send_emails" in [j.function for j in await queue.queued_jobs()]
    assert answers[KNOWN] == answers[UNKNOWN]
    assert answers[KNOWN]

    await run_worker()
    [reset] = smtp.to(KNOWN)
    [nothing_here] = smtp.to(UNKNOWN)
    assert reset.subject == "Choisir un nouveau mot de passe"
    assert (await client.get(link(reset.text, "/mot-de-passe/nouveau"))).status_code == 200
    assert nothing_here.subject == "Mot de passe oublié : aucun compte à cette adresse"
    site = get_settings().site.base_url
    for part in (nothing_here.text, nothing_here.html):
        assert "aucun compte" in part
        assert f"{site}/inscription" in part
        assert f"{site}/connexion" in part
        assert "/mot-de-passe/nouveau" not in part  # no link that could open anything
    assert link(nothing_here.text, "/inscription") == "/inscription"
    assert link(nothing_here.text, "/connexion") == "/connexion"
    waiting = await EmailOutbox.count().where(EmailOutbox.sent_at.is_null())
    assert waiting == 0


async def test_a_locked_or_unconfirmed_account_gets_its_link_a_malformed_address_nothing(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, clock: FrozenClock
) -> None:
    locked = await confirmed_account(LOCKED, clock)
    await User.update({User.locked_until: clock.now() + timedelta(hours=1)}).where(
        User.id == locked.id
    )
    await users.create_user(UNCONFIRMED, PASSWORD, "", clock.now())
    for email in (LOCKED, UNCONFIRMED, UNCONFIRMED.upper()):
        assert (await forgot(client, email)).status_code == 200
    refused = await forgot(client, "pas-une-adresse")
    assert refused.status_code == 400  # the form again: a typing error, not an account question
    assert await outbox() == [
        ("password_reset", LOCKED),
        ("password_reset", UNCONFIRMED),
        ("password_reset", UNCONFIRMED),  # asked in capitals: sent to the account's address
    ]

    await run_worker()
    for email, count in ((LOCKED, 1), (UNCONFIRMED, 2)):
        mails = smtp.to(email)
        assert len(mails) == count
        for mail in mails:
            assert link(mail.text, "/mot-de-passe/nouveau")
    assert not smtp.to("pas-une-adresse")


async def test_an_address_without_account_gets_no_more_mail_than_the_per_address_limit(
    client: AsyncClient, run_worker: RunWorker, smtp: SmtpServer, clock: FrozenClock
) -> None:
    statuses = [(await forgot(client, email)).status_code for email in (UNKNOWN,) * 3]
    statuses.append((await forgot(client, UNKNOWN.upper())).status_code)
    assert statuses == [200, 200, 200, 429]  # RESET_PER_EMAIL: 3 an hour, whatever the case
    assert await outbox() == [("password_reset_unknown", UNKNOWN)] * 3
    await run_worker()
    assert len(smtp.to(UNKNOWN)) == 3

    clock.advance(timedelta(hours=1))  # the next hour, the address may ask again
    assert (await forgot(client, UNKNOWN)).status_code == 200
    assert len(await outbox()) == 4
