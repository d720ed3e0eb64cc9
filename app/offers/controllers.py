from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from app.core.dependencies import (
    AppSettings,
    Caller,
    CurrentClock,
    Paging,
    SearchDependency,
    Writer,
)
from app.core.pagination import Page
from app.core.params import (
    Departements,
    Id,
    IdFilter,
    Latitude,
    Longitude,
    NearSlug,
    OfferSort,
    PageNumber,
    PageSize,
    PayMin,
    Radius,
    RomeFilter,
    SearchText,
    Slugs,
    TypeAheadFacet,
)
from app.core.ratelimit import search_rate_guard
from app.core.search_params import given_once
from app.core.vocabulary import Contract, Housing, Massif, OfferStatus, Season
from app.notices import services as notices
from app.offers import schemas, search, services
from app.offers.facet_values import live_facet_values

SECURITY: list[dict[str, list[str]]] = [{"BearerToken": []}]


RenewToken = Annotated[str, QueryParameter(min_length=10, max_length=2000)]


class OfferController(Controller):
    path = "/api/offers"
    tags = ["offers"]

    @get("/", operation_id="listOffers")
    async def list_offers(
        self,
        pagination: Paging,
        principal: Caller,
        clock: CurrentClock,
        organisation: IdFilter = None,
        status: FromQuery[list[OfferStatus] | None] = None,
        massif: FromQuery[list[Massif] | None] = None,
        season: FromQuery[list[Season] | None] = None,
        trade: RomeFilter = None,
    ) -> Page[schemas.Offer]:
        """Offers, newest first. Without a token: live offers only; with one: also your own."""
        filters = services.OfferFilters(
            organisation=organisation, status=status, massif=massif, season=season, trade=trade
        )
        return await services.list_page(pagination, filters, principal, clock.now())

    @get("/{offer_id:int}", operation_id="getOffer")
    async def get_offer(
        self,
        offer_id: Id,
        principal: Caller,
        clock: CurrentClock,
    ) -> schemas.Offer:
        return services.to_schema(await services.get_visible_to(offer_id, principal, clock.now()))

    @post("/", operation_id="createOffer", security=SECURITY)
    async def create_offer(
        self,
        data: JSONBody[schemas.OfferCreate],
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Offer:
        """Create an offer as a draft; publish it with POST /api/offers/{id}/publish."""
        return services.to_schema(await services.create(data, writer, clock.now()))

    @patch("/{offer_id:int}", operation_id="updateOffer", security=SECURITY)
    async def update_offer(
        self,
        offer_id: Id,
        data: JSONBody[schemas.OfferUpdate],
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Offer:
        return services.to_schema(await services.update(offer_id, data, writer, clock.now()))

    @post(
        "/{offer_id:int}/publish",
        operation_id="publishOffer",
        security=SECURITY,
        status_code=HTTP_200_OK,
    )
    async def publish_offer(
        self,
        offer_id: Id,
        writer: Writer,
        clock: CurrentClock,
        settings: AppSettings,
        data: JSONBody[schemas.Publication | None] = None,
    ) -> schemas.Offer:
        expires_at = data.expires_at if data else None
        row = await services.publish(
            offer_id, expires_at, writer, clock.now(), settings.site.offer_lifetime_days
        )
        return services.to_schema(row)

    @post(
        "/{offer_id:int}/renew",
        operation_id="renewOffer",
        security=SECURITY,
        status_code=HTTP_200_OK,
    )
    async def renew_offer(
        self,
        offer_id: Id,
        writer: Writer,
        clock: CurrentClock,
        settings: AppSettings,
        data: JSONBody[schemas.Publication | None] = None,
    ) -> schemas.Offer:
        expires_at = data.expires_at if data else None
        row = await services.renew(
            offer_id, expires_at, writer, clock.now(), settings.site.offer_lifetime_days
        )
        return services.to_schema(row)

    @post(
        "/renew-by-link",
        operation_id="renewOfferByLink",
        status_code=HTTP_200_OK,
    )
    async def renew_by_link(
        self, token: RenewToken, clock: CurrentClock, settings: AppSettings
    ) -> schemas.Offer:
        """Renew an offer from the signed link of its reminder or expiry email."""
        row = await notices.renew_by_link(token, settings, clock.now())
        return services.to_schema(row)

    @post(
        "/{offer_id:int}/fill",
        operation_id="fillOffer",
        security=SECURITY,
        status_code=HTTP_200_OK,
    )
    async def fill_offer(
        self,
        offer_id: Id,
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Offer:
        return services.to_schema(await services.mark_filled(offer_id, writer, clock.now()))

    @post(
        "/{offer_id:int}/archive",
        operation_id="archiveOffer",
        security=SECURITY,
        status_code=HTTP_200_OK,
    )
    async def archive_offer(
        self,
        offer_id: Id,
        writer: Writer,
        clock: CurrentClock,
    ) -> schemas.Offer:
        return services.to_schema(await services.archive(offer_id, writer, clock.now()))


class OfferSearchController(Controller):
    path = "/api/offers/search"
    tags = ["search"]
    guards = [search_rate_guard, given_once(search.OFFER_FILTERS)]

    @get("/", operation_id="searchOffers")
    async def search_offers(
        self,
        search_engine: SearchDependency,
        clock: CurrentClock,
        q: SearchText = "",
        massif: FromQuery[list[Massif] | None] = None,
        season: FromQuery[list[Season] | None] = None,
        trade: RomeFilter = None,
        contract: FromQuery[list[Contract] | None] = None,
        housing: FromQuery[list[Housing] | None] = None,
        departement: Departements = None,
        place: Slugs = None,
        organisation: Slugs = None,
        near: NearSlug = None,
        lat: Latitude = None,
        lon: Longitude = None,
        radius_km: Radius = 20.0,
        start_from: FromQuery[date | None] = None,
        start_to: FromQuery[date | None] = None,
        pay_min: PayMin = None,
        sort: OfferSort = None,
        page: PageNumber = 1,
        page_size: PageSize = 20,
    ) -> schemas.OfferSearchResult:
        """Live offers matching words and filters, with facet counts (disjunctive per facet)."""
        params = search.OfferSearch(
            q=q,
            massif=massif or (),
            season=season or (),
            trade=trade or (),
            contract=contract or (),
            housing=housing or (),
            departement=departement or (),
            place=place or (),
            organisation=organisation or (),
            near=near,
            lat=lat,
            lon=lon,
            radius_km=radius_km,
            start_from=start_from,
            start_to=start_to,
            pay_min=pay_min,
            sort=sort,
            page=page,
            page_size=page_size,
        )
        return await search.search(search_engine, params, clock.now())

    @get("/facet-values", operation_id="searchOfferFacetValues")
    async def facet_values(
        self,
        search_engine: SearchDependency,
        clock: CurrentClock,
        facet: FromQuery[TypeAheadFacet],
        q: SearchText = "",
        massif: FromQuery[list[Massif] | None] = None,
    ) -> list[schemas.FacetValue]:
        """Type-ahead over live offers: the trades or places q names, as the shared type-ahead
        reads it (`monitrice`, `l'alpe`), that live offers hold, each with their number, most
        relevant first (no q: the most frequent). 503 when Meilisearch does not answer."""
        return await live_facet_values(search_engine, facet, q, massif or (), clock.now())
