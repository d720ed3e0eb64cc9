"""Alerts: subscribe with double opt-in, signed links, schedules; no account needed."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from typing import Any

import msgspec
from arq.connections import ArqRedis

from app.alerts import schemas
from app.alerts.schemas import Frequency
from app.alerts.tables import Alert
from app.config import Settings
from app.core.clock import FRANCE
from app.core.email_lookup import normalised_email, same_email
from app.core.errors import DomainError, InvalidInput, NotFound
from app.core.signing import BadLink, BadSignature, sign, unsign
from app.emails import services as emails
from app.offers.search import OFFER_FILTERS, OfferSearch, canonical, to_query

SEND_HOUR = time(7, 0)
CONFIRM_LIFETIME = timedelta(days=7)
MANAGE_LIFETIME = timedelta(days=90)
RESEND_INTERVAL = timedelta(minutes=10)
MAX_CONFIRMATIONS = 5


class TooSoon(DomainError):
    status = 429
    kind = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: timedelta) -> None:
        super().__init__(detail)
        self.retry_after = max(int(retry_after.total_seconds()), 1)

    @property
    def headers(self) -> dict[str, str] | None:
        return {"Retry-After": str(self.retry_after)}


def is_confirmed(row: Alert) -> bool:
    confirmed: Any = row.confirmed_at  # Piccolo types nullable columns as not null
    return confirmed is not None


def saved_search(row: Alert) -> schemas.SavedSearch:
    return saved_search_of(row.search)


def saved_search_of(raw: Any) -> schemas.SavedSearch:
    """JSONB: text when read back, a dict before the first save."""
    return msgspec.convert(
        msgspec.json.decode(raw) if isinstance(raw, str | bytes) else raw, schemas.SavedSearch
    )


def to_schema(row: Alert) -> schemas.Alert:
    return schemas.Alert(
        id=row.id,
        email=row.email,
        frequency=Frequency(row.frequency),
        search=saved_search(row),
        confirmed=is_confirmed(row),
        created_at=row.created_at,
        next_run_at=row.next_run_at,
    )


def offer_search(search: schemas.SavedSearch, **extra: Any) -> OfferSearch:
    values = msgspec.structs.asdict(search)
    return OfferSearch(**{**values, **extra})


def canonical_search(search: schemas.SavedSearch) -> dict[str, Any]:
    """The saved search in canonical form (sets sorted and deduplicated, words trimmed,
    case-folded and whitespace-collapsed, defaults dropped): the identity of an alert."""
    found, errors = canonical(offer_search(search))
    if errors:
        raise InvalidInput(errors)
    return found.as_dict(OFFER_FILTERS)


def next_run(frequency: Frequency, now: datetime) -> datetime:
    """Instant: now; daily: the next 07:00 in France; weekly: the next Monday at 07:00."""
    if frequency == Frequency.INSTANT:
        return now
    local = now.astimezone(FRANCE)
    day = local.date() + timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        day = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(day, SEND_HOUR, tzinfo=FRANCE)


async def subscribe(data: schemas.AlertCreate, now: datetime) -> Alert:
    """The alert, new or already there, after the rate limit of confirmation emails.

    Raises TooSoon when a confirmation was sent too recently; the caller then sends none.
    Call inside a transaction: the same address's subscriptions are taken one at a time (a
    lock until it ends), so the same alert asked twice at once is one alert.
    """
    email = normalised_email(data.email)
    await to_query(offer_search(data.search))  # the same checks as the search API
    search = canonical_search(data.search)
    await Alert.raw(
        "SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", f"alert:{email.lower()}"
    )
    existing = await Alert.objects().where(
        same_email(Alert.email, email) & (Alert.frequency == data.frequency.value)
    )
    for row in existing:
        # Stored searches are canonical already (saved so, and the merge migration rewrote
        # older ones): compared as stored, an old row the contract would now refuse cannot
        # turn every later subscription of the address into a 400.
        stored = (
            msgspec.json.decode(row.search) if isinstance(row.search, str | bytes) else row.search
        )
        if stored == search:
            if not is_confirmed(row):
                _check_rate(row, now)
            return row
    row = Alert(
        email=email,
        search=search,
        frequency=data.frequency.value,
        key=secrets.token_hex(8),
        created_at=now,
        updated_at=now,
    )
    await row.save()
    return row


async def subscribe_and_confirm(
    data: schemas.AlertCreate, settings: Settings, now: datetime, jobs: ArqRedis | None
) -> Alert:
    """Subscribe, and unless already confirmed, record the confirmation e-mail with it.

    The alert, its confirmation count and the e-mail commit together (or not at all): a
    later "sent moments ago" (TooSoon) always means the e-mail is recorded.
    """
    from app.alerts import emails as alert_emails  # its context needs links() from here

    async with emails.transaction(jobs):
        row = await subscribe(data, now)
        if not is_confirmed(row):
            await mark_confirmation_sent(row.id, now)
            await alert_emails.alert_confirm(row, settings, now)
    return row


def _check_rate(row: Alert, now: datetime) -> None:
    if row.confirmations_sent >= MAX_CONFIRMATIONS:
        raise TooSoon(
            "confirmation already sent several times; check your inbox", timedelta(days=1)
        )
    sent: datetime | None = row.confirmation_sent_at
    if sent is not None and now - sent < RESEND_INTERVAL:
        wait = RESEND_INTERVAL - (now - sent)
        raise TooSoon("a confirmation email was sent moments ago", wait)


async def mark_confirmation_sent(alert_id: int, now: datetime) -> None:
    await Alert.update(
        {Alert.confirmation_sent_at: now, Alert.confirmations_sent: Alert.confirmations_sent + 1}
    ).where(Alert.id == alert_id)


# --- signed links ------------------------------------------------------------------------------


def confirm_token(row: Alert, settings: Settings, now: datetime) -> str:
    return sign(
        settings.site.secret_key,
        "alert-confirm",
        {"a": row.id, "k": row.key},
        now + CONFIRM_LIFETIME,
    )


def unsubscribe_token(row: Alert, settings: Settings) -> str:
    return _unsubscribe_token(row.id, row.key, settings)


def _unsubscribe_token(alert_id: int, key: str, settings: Settings) -> str:
    return sign(settings.site.secret_key, "alert-unsubscribe", {"a": alert_id, "k": key}, None)


def manage_token(email: str, settings: Settings, now: datetime) -> str:
    return sign(settings.site.secret_key, "alert-manage", {"e": email}, now + MANAGE_LIFETIME)


def links(row: Alert, settings: Settings, now: datetime) -> dict[str, str]:
    base = settings.site.base_url
    return {
        "confirm": f"{base}/alertes/confirmer?token={confirm_token(row, settings, now)}",
        "unsubscribe": f"{base}/alertes/desabonner?token={unsubscribe_token(row, settings)}",
        "manage": f"{base}/alertes/gerer?token={manage_token(row.email, settings, now)}",
    }


def digest_links(
    alert_id: int, key: str, email: str, settings: Settings, now: datetime
) -> dict[str, str]:
    """The links of an alert email (links() less the confirmation), from the alert's columns."""
    base = settings.site.base_url
    unsubscribe = _unsubscribe_token(alert_id, key, settings)
    return {
        "unsubscribe": f"{base}/alertes/desabonner?token={unsubscribe}",
        "manage": f"{base}/alertes/gerer?token={manage_token(email, settings, now)}",
    }


async def _alert_from(token: str, purpose: str, settings: Settings, now: datetime) -> Alert:
    try:
        payload = unsign(settings.site.secret_key, purpose, token, now)
    except BadSignature as exc:
        raise BadLink(str(exc)) from exc
    alert_id, key = payload.get("a"), str(payload.get("k", ""))
    row = await Alert.objects().where(Alert.id == alert_id).first()
    if row is None and isinstance(alert_id, int):
        row = await _merged_into(alert_id, key)
    elif row is not None and not secrets.compare_digest(row.key, key):
        row = None
    if row is None:
        raise NotFound("This alert no longer exists")
    return row


async def _merged_into(alert_id: int, key: str) -> Alert | None:
    """The alert that a duplicate merged away became (alert_merged, written by the migration
    alerts_2026_11_30t12 that merged saved searches of one canonical form): the links of the
    e-mails the duplicate sent act on it. None when the alert was not merged (or the key
    does not match)."""
    rows = await Alert.raw("SELECT old_key, into_id FROM alert_merged WHERE old_id = {}", alert_id)
    if not rows or not secrets.compare_digest(str(rows[0]["old_key"]), key):
        return None
    return await Alert.objects().where(Alert.id == rows[0]["into_id"]).first()


async def confirm(token: str, settings: Settings, now: datetime) -> Alert:
    row = await _alert_from(token, "alert-confirm", settings, now)
    if not is_confirmed(row):
        frequency = Frequency(row.frequency)
        await Alert.update(
            {
                Alert.confirmed_at: now,
                Alert.last_run_at: now,
                Alert.next_run_at: next_run(frequency, now),
                Alert.updated_at: now,
            }
        ).where(Alert.id == row.id)
        row = await Alert.objects().where(Alert.id == row.id).first() or row
    return row


async def unsubscribe(token: str, settings: Settings, now: datetime) -> int:
    """Delete the alert and its send log; a second click finds nothing and that is fine.

    The link of a duplicate merged into another alert deletes that one (`_merged_into`)."""
    try:
        row = await _alert_from(token, "alert-unsubscribe", settings, now)
    except NotFound:
        return 0
    deleted = await Alert.delete().where(Alert.id == row.id).returning(Alert.id)
    return len(deleted)


def email_of(token: str, settings: Settings, now: datetime) -> str:
    try:
        payload = unsign(settings.site.secret_key, "alert-manage", token, now)
    except BadSignature as exc:
        raise BadLink(str(exc)) from exc
    return str(payload["e"])


async def alerts_of(email: str) -> list[Alert]:
    return await Alert.objects().where(same_email(Alert.email, email)).order_by(Alert.id)


async def _owned(alert_id: int, email: str) -> Alert:
    row = (
        await Alert.objects().where((Alert.id == alert_id) & same_email(Alert.email, email)).first()
    )
    if row is None:
        raise NotFound(f"No alert {alert_id} for this address")
    return row


async def update(alert_id: int, email: str, data: schemas.AlertUpdate, now: datetime) -> Alert:
    row = await _owned(alert_id, email)
    changes: dict[Any, Any] = {Alert.updated_at: now}
    if data.search is not msgspec.UNSET:
        await to_query(offer_search(data.search))
        changes[Alert.search] = canonical_search(data.search)
    if data.frequency is not msgspec.UNSET:
        changes[Alert.frequency] = data.frequency.value
        if is_confirmed(row):
            changes[Alert.next_run_at] = next_run(data.frequency, now)
    await Alert.update(changes).where(Alert.id == row.id)
    return await _owned(alert_id, email)


async def delete(alert_id: int, email: str) -> None:
    row = await _owned(alert_id, email)
    await Alert.delete().where(Alert.id == row.id)


async def describe(search: schemas.SavedSearch) -> list[str]:
    """The saved search in the product's words: "« cuisinier »", "Alpes du Nord", "Logé" …"""
    from app.core.catalogue import label
    from app.core.text import de
    from app.places.tables import Place
    from app.trades.tables import Trade

    parts = [f"« {search.q} »"] if search.q else []
    if search.trade:
        rows = await Trade.select(Trade.code, Trade.label, Trade.mountain_label).where(
            Trade.code.is_in(search.trade)
        )
        parts += [r["mountain_label"] or r["label"] for r in rows]
    parts += [label("massif", m.value) for m in search.massif]
    parts += [label("season", s.value) for s in search.season]
    parts += [label("contract", c.value) for c in search.contract]
    parts += [label("housing", h.value) for h in search.housing]
    slugs = [*search.place, *([search.near] if search.near else [])]
    if slugs:
        names = {
            r["slug"]: r["name"]
            for r in await Place.select(Place.slug, Place.name).where(Place.slug.is_in(slugs))
        }
        parts += [names.get(s, s) for s in search.place]
        if search.near:
            parts.append(f"à {search.radius_km:g} km {de(names.get(search.near, search.near))}")
    parts += [f"dép. {d}" for d in search.departement]
    return parts
