"""The offer search: home page, /offres (htmx partial updates), its Atom feed, its alert form."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import CacheControlHeader
from litestar.response import Response, Template

from app.alerts import schemas as alert_schemas
from app.alerts import services as alerts
from app.alerts.services import TooSoon
from app.core.dependencies import AppSettings, CurrentClock, SearchDependency
from app.core.errors import DomainError, InvalidInput, Unavailable, problem_response
from app.core.ratelimit import ALERT_PER_CLIENT, RateLimited, client_of, hit
from app.core.vocabulary import Contract, Housing, Massif, Season
from app.web import feeds, offer_search
from app.web.csrf import public_form
from app.web.form_input import read_form, refused_fields
from app.web.pages import page, problem_page, uncached
from app.web.query import RADII

SEARCH_CACHE = CacheControlHeader(public=True, max_age=60)
FREQUENCIES = {"instant": "Dès la publication", "daily": "Chaque jour", "weekly": "Chaque semaine"}


def _query(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    params = request.query_params
    return {key: params.getall(key) for key in params}


def _partial(request: Request[Any, Any, Any]) -> bool:
    """htmx asks for the results zone only, except when it restores history."""
    headers = request.headers
    return headers.get("hx-request") == "true" and not headers.get("hx-history-restore-request")


def _choices() -> dict[str, Any]:
    return {
        "massifs": list(Massif),
        "seasons": list(Season),
        "contracts": list(Contract),
        "housings": list(Housing),
        "radii": RADII,
        "sorts": offer_search.SORTS,
        "frequencies": FREQUENCIES,
    }


async def _search_page(
    request: Request[Any, Any, Any],
    engine: SearchDependency,
    clock: CurrentClock,
    template: str,
    path: str,
) -> Template:
    try:
        view = await offer_search.run(engine, path, _query(request), clock.now())
    except Unavailable as error:
        return problem_page(error, kind="search-unavailable")
    partial = _partial(request)
    name = "search/_partial.html" if partial else template
    response = page(name, status_code=view.status_code, view=view, **_choices())
    response.headers["Vary"] = "HX-Request"
    if partial:  # the address bar gets the tidy URL, not the raw form with its empty fields
        response.headers["HX-Push-Url"] = view.state.at_page(view.state.page)
    return response


class SearchPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/", cache_control=SEARCH_CACHE)
    async def home(
        self, request: Request[Any, Any, Any], search_engine: SearchDependency, clock: CurrentClock
    ) -> Template:
        return await _search_page(request, search_engine, clock, "search/home.html", "/offres")

    @get("/offres", cache_control=SEARCH_CACHE)
    async def offers(
        self, request: Request[Any, Any, Any], search_engine: SearchDependency, clock: CurrentClock
    ) -> Template:
        return await _search_page(request, search_engine, clock, "search/offers.html", "/offres")

    @get("/offres/flux.atom", cache_control=CacheControlHeader(public=True, max_age=300))
    async def feed(
        self,
        request: Request[Any, Any, Any],
        search_engine: SearchDependency,
        clock: CurrentClock,
        settings: AppSettings,
    ) -> Response[Any]:
        """The newest offers of any search, as Atom: the same parameters as /offres."""
        try:
            view = await offer_search.run(
                search_engine,
                "/offres",
                _query(request),
                clock.now(),
                page_size=50,
                sort="recent",
                page=1,
            )
        except Unavailable as error:
            return uncached(
                problem_response(
                    request,
                    status=error.status,
                    kind=error.kind,
                    title="Recherche momentanément indisponible",
                    detail="Le moteur de recherche ne répond pas : réessayez dans une minute.",
                    headers=error.headers,
                )
            )
        if view.state.errors:  # a feed of another search than the one asked for would mislead
            return uncached(
                problem_response(
                    request,
                    status=400,
                    kind="invalid-input",
                    title="Recherche incorrecte",
                    detail="; ".join(view.state.errors),
                )
            )
        body = await feeds.offers_atom(view, settings.site.base_url, clock.now())
        return Response(content=body, media_type="application/atom+xml; charset=utf-8")

    @post(
        "/offres/alerte",
        status_code=202,
        opt=public_form(
            "the alert form of the cacheable, cookie-free search page; double opt-in, so a "
            "forged post can only send a confirmation request"
        ),
    )
    async def subscribe(
        self, request: Request[Any, Any, Any], clock: CurrentClock, search_engine: SearchDependency
    ) -> Template:
        """The "receive these offers by email" form of the search page."""
        try:
            await hit(
                request.app.state.queue,
                request.app.state.settings.redis.key_prefix,
                ALERT_PER_CLIENT,
                client_of(request),
                clock.now(),
            )
        except RateLimited as error:
            return problem_page(error)
        form = await read_form(request)
        values = {key: form.getall(key) for key in form}
        state = offer_search.parse_state("/offres", values)
        params, _ = await offer_search.to_params(state)
        email = str(form.get("email", "")).strip()
        frequency = str(form.get("frequency", ""))
        # A refused character is listed with the other errors; nothing is saved.
        errors = [refused.message for refused in refused_fields(request)] + list(state.errors)
        if frequency not in FREQUENCIES:
            errors.append("fréquence : dès la publication, chaque jour ou chaque semaine")
        if errors:
            back = state.url()
            return page("search/alert_refused.html", status_code=400, errors=errors, back=back)
        saved = msgspec.convert(
            {
                "q": params.q,
                "massif": list(params.massif),
                "season": list(params.season),
                "trade": list(params.trade),
                "contract": list(params.contract),
                "housing": list(params.housing),
                "departement": list(params.departement),
                "place": list(params.place),
                "organisation": list(params.organisation),
                "near": params.near,
                "radius_km": params.radius_km,
            },
            alert_schemas.SavedSearch,
        )
        data = alert_schemas.AlertCreate(
            email=email, frequency=alert_schemas.Frequency(frequency), search=saved
        )
        try:
            await alerts.subscribe_and_confirm(
                data, request.app.state.settings, clock.now(), request.app.state.queue
            )
        except TooSoon:
            return page(
                "search/alert_sent.html",
                status_code=429,
                email=email,
                back=state.url(),
                too_soon=True,
            )
        except InvalidInput as error:
            messages = [f"{e.field} : {e.message}" for e in error.errors] or [error.detail]
            if any(e.field == "email" for e in error.errors):
                messages = [f"adresse e-mail : « {email[:100]} » n'est pas une adresse valide"]
            return page(
                "search/alert_refused.html", status_code=400, errors=messages, back=state.url()
            )
        except DomainError as error:
            return problem_page(error)
        return page(
            "search/alert_sent.html", status_code=202, email=email, back=state.url(), too_soon=False
        )
