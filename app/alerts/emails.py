"""The e-mails of alerts, one small function each: its context, recorded in the e-mail
outbox. Call inside the transaction of the change that causes it. (The alert e-mails
themselves are sent by app.alerts.digests, claim by claim, not through the outbox.)"""

from __future__ import annotations

from datetime import datetime

from app.alerts import services
from app.alerts.tables import Alert
from app.config import Settings
from app.emails import services as emails


async def alert_confirm(row: Alert, settings: Settings, now: datetime) -> None:
    """The double opt-in: confirm, unsubscribe and manage links; dropped unsent once the
    confirmation link has expired."""
    context = {"urls": services.links(row, settings, now), "frequency": row.frequency}
    expires_at = now + services.CONFIRM_LIFETIME
    await emails.queue("alert_confirm", row.email, context, now, expires_at=expires_at)
