"""What the public and the owners may see of the offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piccolo.columns.combination import Where

from app.core.auth import Principal
from app.core.errors import NotFound
from app.core.pagination import Page, PageRequest
from app.core.vocabulary import (
    Massif,
    OfferStatus,
    Season,
)
from app.offers import schemas
from app.offers.services._rows import RELATED, get, to_schema
from app.offers.tables import Offer
from app.organisations.tables import is_public, row_is_public


@dataclass(frozen=True)
class OfferFilters:
    organisation: list[int] | None = None
    status: list[OfferStatus] | None = None
    massif: list[Massif] | None = None
    season: list[Season] | None = None
    trade: list[str] | None = None


def visible(now: datetime) -> Where | Any:
    """The offers the public may see: published, not past their expiry, of a verified
    organisation (staff vet who posts)."""
    return (
        (Offer.status == OfferStatus.PUBLISHED.value)
        & (Offer.expires_at > now)
        & is_public(Offer.organisation._)
    )


async def get_visible_to(offer_id: int, principal: Principal | None, now: datetime) -> Offer:
    """One offer, if the caller may see it: the public sees live offers, owners see all theirs."""
    row = await get(offer_id)
    if principal is not None and principal.may_act_for(row.organisation.id):
        return row
    if is_live(row, now):
        return row
    raise NotFound(f"No offer {offer_id}")


async def list_page(
    page: PageRequest, filters: OfferFilters, principal: Principal | None, now: datetime
) -> Page[schemas.Offer]:
    conditions: list[Any] = []
    if principal is None:
        conditions.append(visible(now))
    elif not principal.admin:
        # An organisation sees every offer of its own and the live offers of the others.
        conditions.append(visible(now) | (Offer.organisation == principal.organisation_id))
    if filters.organisation:
        conditions.append(Offer.organisation.is_in(filters.organisation))
    if filters.status:
        conditions.append(Offer.status.is_in([s.value for s in filters.status]))
    if filters.massif:
        conditions.append(Offer.place._.massif.is_in([m.value for m in filters.massif]))
    if filters.trade:
        conditions.append(Offer.trade._.code.is_in([c.upper() for c in filters.trade]))
    if filters.season:
        season_condition: Any = None
        for season in filters.season:
            one = Offer.seasons.any(season.value)
            season_condition = one if season_condition is None else season_condition | one
        conditions.append(season_condition)
    query = Offer.objects(*RELATED)
    count = Offer.count()
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    rows = await query.order_by(Offer.id, ascending=False).limit(page.page_size).offset(page.offset)
    return Page.of([to_schema(r) for r in rows], int(await count), page)


async def get_public_by_slug(slug: str) -> Offer:
    """An offer the public may have seen: live, or once live (filled, expired, archived)."""
    row = await (
        Offer.objects(*RELATED)
        .where(
            (Offer.slug == slug)
            & (Offer.status != OfferStatus.DRAFT.value)
            & is_public(Offer.organisation._)
        )
        .first()
    )
    if row is None:
        raise NotFound(f"No offer {slug}")
    return row


def is_live(row: Offer, now: datetime) -> bool:
    """What `visible` selects, for one loaded offer (its organisation loaded with it)."""
    expires: datetime | None = row.expires_at
    return (
        row.status == OfferStatus.PUBLISHED
        and expires is not None
        and expires > now
        and row_is_public(row.organisation)
    )


async def other_live_offers(
    organisation_id: int, exclude_id: int, now: datetime, limit: int = 5
) -> list[Offer]:
    """The organisation's other live offers, newest first."""
    return await (
        Offer.objects(Offer.place)
        .where(visible(now) & (Offer.organisation == organisation_id) & (Offer.id != exclude_id))
        .order_by(Offer.published_at, ascending=False)
        .limit(limit)
    )


async def live_of_organisation(organisation_id: int, now: datetime) -> list[Offer]:
    """An employer's live offers, most recently published first, for its public page."""
    return (
        await Offer.objects(*RELATED)
        .where(visible(now) & (Offer.organisation == organisation_id))
        .order_by(Offer.published_at, ascending=False)
        .order_by(Offer.id, ascending=False)
    )


async def live_for_sitemap(now: datetime) -> list[dict[str, Any]]:
    """Every live offer's slug and last change, with its employer's slug and last change."""
    return await (
        Offer.select(
            Offer.slug,
            Offer.updated_at,
            Offer.organisation._.slug.as_alias("organisation_slug"),
            Offer.organisation._.updated_at.as_alias("organisation_updated_at"),
        )
        .where(visible(now))
        .order_by(Offer.id)
    )
