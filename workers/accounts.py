"""Account emails (address check, password reset, invitations): rendered and sent here."""

from __future__ import annotations

import logging
from typing import Any

from arq import Retry

from workers.indexing import backoff
from workers.mail import PermanentMailError, TemporaryMailError, render

log = logging.getLogger(__name__)
ACCOUNT_EMAILS = frozenset(
    {"account_verify", "account_exists", "password_reset", "invitation", "offer_unpublished"}
)


async def send_account_email(
    ctx: dict[str, Any], template: str, to: str, context: dict[str, Any]
) -> str | None:
    if template not in ACCOUNT_EMAILS:
        raise ValueError(f"not an account email: {template}")
    email = render(template, context, to=to)
    try:
        message_id: str = await ctx["mailer"].send(email)
    except TemporaryMailError as exc:
        job_try = int(ctx.get("job_try", 1))
        log.warning("%s to %s deferred (try %d): %s", template, to, job_try, exc)
        raise Retry(defer=backoff(job_try)) from exc
    except PermanentMailError as exc:
        log.warning("%s to %s undeliverable: %s", template, to, exc)
        return None
    return message_id
