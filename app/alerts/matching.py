"""Running alerts: the new offers of each due alert, one email per alert and run.

Each alert runs in its own transaction, its row locked (SKIP LOCKED: several workers share
the work). Offers are claimed in the send log (unique per alert and offer) in that same
transaction, and the transaction commits only after the email was accepted by the mail
server: a failed send claims nothing and the alert runs again; a sent pair is never sent
twice. The one gap left is a crash between the server accepting the mail and the commit.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from piccolo.engine import engine_finder

from app.alerts.schemas import Frequency
from app.alerts.services import links, next_run, offer_search, saved_search
from app.alerts.tables import Alert, AlertSend
from app.config import Settings
from app.core.catalogue import label
from app.core.delivery import Undeliverable
from app.offers.search import to_query
from app.offers.tables import Offer
from search.client import SearchEngine
from search.queries import search_offers

log = logging.getLogger(__name__)

# Offers reach the index a little after they are published: look back a little further
# than the last run. The send log keeps the overlap from sending anything twice.
OVERLAP = timedelta(hours=2)
MAX_OFFERS_PER_EMAIL = 30

SendAlert = Callable[[Alert, list[dict[str, Any]], dict[str, str]], Awaitable[str]]


async def due_alerts(now: datetime) -> list[int]:
    rows = (
        await Alert.select(Alert.id)
        .where(Alert.confirmed_at.is_not_null() & (Alert.next_run_at <= now))
        .order_by(Alert.next_run_at)
    )
    return [r["id"] for r in rows]


def offer_lines(rows: list[Offer], settings: Settings) -> list[dict[str, Any]]:
    """What an alert email shows of each offer."""
    lines = []
    for row in rows:
        pay = None
        bounds: list[Any] = [row.pay_min, row.pay_max]  # nullable, typed as not null
        amounts = [f"{float(v):,.0f}".replace(",", " ") for v in bounds if v is not None]
        if amounts:
            pay = f"{' – '.join(amounts)} € {label('pay_period', row.pay_period or '')}"
        lines.append(
            {
                "title": row.title,
                "employer": row.organisation.name,
                "place": row.place.name,
                "massif": label("massif", row.place.massif),
                "start_date": row.start_date,
                "end_date": row.end_date,
                "pay": pay,
                "housing": label("housing", row.housing),
                "url": f"{settings.site.base_url}/offres/{row.slug}",
            }
        )
    return lines


async def run_alert(
    alert_id: int, engine: SearchEngine, settings: Settings, now: datetime, send: SendAlert
) -> int:
    """Run one due alert; returns how many offers its email listed (0: no email)."""
    db = engine_finder()
    assert db is not None
    async with db.transaction():
        locked = await Alert.raw(
            "SELECT id FROM alert WHERE id = {} AND confirmed_at IS NOT NULL "
            "AND next_run_at <= {} FOR UPDATE SKIP LOCKED",
            alert_id,
            now,
        )
        if not locked:
            return 0
        alert = await Alert.objects().where(Alert.id == alert_id).first()
        assert alert is not None
        # Nullable columns that Piccolo types as not null.
        last: Any = alert.last_run_at
        confirmed: Any = alert.confirmed_at
        since = (last or confirmed or now) - OVERLAP
        query = await to_query(
            offer_search(
                saved_search(alert),
                published_after=since,
                sort="recent",
                page_size=MAX_OFFERS_PER_EMAIL,
            )
        )
        page = await search_offers(engine, query, now)
        found = [hit["id"] for hit in page.hits]
        already = {
            r["offer"]
            for r in await AlertSend.select(AlertSend.offer).where(
                (AlertSend.alert == alert_id) & AlertSend.offer.is_in(found or [0])
            )
        }
        fresh = [i for i in found if i not in already]
        listed = 0
        if fresh:
            rows = await Offer.objects(Offer.organisation, Offer.place).where(
                Offer.id.is_in(fresh) & (Offer.status == "published") & (Offer.expires_at > now)
            )
            by_id = {r.id: r for r in rows}
            ordered = [by_id[i] for i in fresh if i in by_id]
            if ordered:
                await AlertSend.insert(
                    *[AlertSend(alert=alert_id, offer=r.id, claimed_at=now) for r in ordered]
                )
                unsent = (AlertSend.alert == alert_id) & AlertSend.sent_at.is_null()
                try:
                    message_id = await send(
                        alert, offer_lines(ordered, settings), links(alert, settings, now)
                    )
                except Undeliverable as exc:  # the address is refused: skip this run
                    log.warning("alert %s undeliverable: %s", alert_id, exc)
                    await AlertSend.delete().where(unsent)
                else:
                    await AlertSend.update(
                        {AlertSend.sent_at: now, AlertSend.message_id: message_id}
                    ).where(unsent)
                    listed = len(ordered)
        await Alert.update(
            {Alert.last_run_at: now, Alert.next_run_at: next_run(Frequency(alert.frequency), now)}
        ).where(Alert.id == alert_id)
    return listed


async def run_due_alerts(
    engine: SearchEngine, settings: Settings, now: datetime, send: SendAlert
) -> dict[str, int]:
    """Run every due alert; one failing alert does not stop the others (it runs again)."""
    emails = offers = failed = 0
    for alert_id in await due_alerts(now):
        try:
            listed = await run_alert(alert_id, engine, settings, now, send)
        except Exception as exc:  # logged with its reason; the alert stays due
            failed += 1
            log.warning("alert %s failed: %s: %s", alert_id, type(exc).__name__, exc)
            continue
        if listed:
            emails += 1
            offers += listed
    if failed:
        raise AlertRunError(f"{failed} alert(s) failed and will run again")
    return {"emails": emails, "offers": offers}


class AlertRunError(RuntimeError):
    """Some alerts failed; they stay due and the job is retried."""
