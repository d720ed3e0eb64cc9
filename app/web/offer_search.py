"""The offer search behind /offres, its feed and its alert form: URL state → search → page data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from app.core.catalogue import label
from app.core.errors import InvalidInput
from app.core.text import de
from app.core.vocabulary import Contract, Housing, Massif, Season
from app.offers import schemas
from app.offers.search import OFFER_FILTERS, OfferSearch, search, trade_labels
from app.places import services as places
from app.places.tables import Place
from app.web.query import DEPARTEMENT, RADII, ROME, SLUG_PATTERN, Field, QueryState, parse
from search.client import SearchEngine

PAGE_SIZE = 20
SORTS = {"relevance": "Pertinence", "recent": "Plus récentes", "start": "Date de début"}
FIELDS = (
    Field("q", "recherche", many=False),
    Field("massif", "massif", choices=Massif),
    Field("season", "saison", choices=Season),
    Field("trade", "métier", pattern=ROME),
    Field("contract", "contrat", choices=Contract),
    Field("housing", "logement", choices=Housing),
    Field("departement", "département", pattern=DEPARTEMENT),
    Field("place", "lieu", pattern=SLUG_PATTERN),
    Field("organisation", "employeur", pattern=SLUG_PATTERN),
    Field("near", "station", many=False),
    Field("radius_km", "rayon", many=False),
    Field("sort", "tri", many=False),
)
FIELD_NAMES_FR = {f.name: f.label for f in FIELDS}


@dataclass
class SearchView:
    """Everything a search page or feed shows."""

    state: QueryState
    result: schemas.OfferSearchResult | None
    near_place: Place | None = None
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def status_code(self) -> int:
        return 400 if self.state.errors else 200


DEFAULT_RADIUS = 20


def _radius(state: QueryState) -> float:
    value = state.get("radius_km", str(DEFAULT_RADIUS))
    try:
        radius = float(value)
    except ValueError:
        radius = 0
    if radius not in RADII:
        state.errors.append(f"rayon : une des valeurs {', '.join(map(str, RADII))} km")
        state.values.pop("radius_km", None)
        return float(DEFAULT_RADIUS)
    return radius


async def _near(state: QueryState) -> Place | None:
    """The resort typed in "près de": a slug, or a name found among the places."""
    text = state.get("near")
    if not text:
        return None
    if SLUG_PATTERN.match(text):
        found = await Place.objects().where(Place.slug == text).first()
        if found is not None:
            return found
    matches = await places.find(text, limit=1)
    if not matches:
        state.errors.append(f"station : aucun lieu ne correspond à « {text[:60]} »")
        state.values.pop("near", None)
        return None
    state.values["near"] = [matches[0].slug]
    return matches[0]


def parse_state(path: str, params: Mapping[str, Sequence[str]]) -> QueryState:
    state = parse(path, params, FIELDS, OFFER_FILTERS)
    q = state.get("q")
    if len(q) > 200:
        state.values["q"] = [q[:200]]
        state.errors.append("recherche : 200 caractères au plus")
    sort = state.get("sort")
    if sort and sort not in SORTS and sort != "distance":
        state.errors.append(f"tri : valeur inconnue « {sort[:20]} »")
        state.values.pop("sort", None)
    # Defaults stay out of the URL, so that one search has one address.
    if sort == "relevance":
        state.values.pop("sort", None)
    if not state.get("near") or state.get("radius_km") == str(DEFAULT_RADIUS):
        state.values.pop("radius_km", None)
    return state


async def to_params(
    state: QueryState, page_size: int = PAGE_SIZE
) -> tuple[OfferSearch, Place | None]:
    near = await _near(state)
    radius = _radius(state)
    sort = state.get("sort") or None
    if sort == "distance" and near is None:
        sort = None
        state.values.pop("sort", None)
    params = OfferSearch(
        q=state.get("q"),
        massif=[Massif(v) for v in state.getall("massif")],
        season=[Season(v) for v in state.getall("season")],
        trade=state.getall("trade"),
        contract=[Contract(v) for v in state.getall("contract")],
        housing=[Housing(v) for v in state.getall("housing")],
        departement=state.getall("departement"),
        place=state.getall("place"),
        organisation=state.getall("organisation"),
        near=near.slug if near else None,
        radius_km=radius,
        sort=sort,
        page=state.page,
        page_size=page_size,
    )
    return params, near


async def run(
    engine: SearchEngine,
    path: str,
    query: Mapping[str, Sequence[str]],
    now: datetime,
    page_size: int = PAGE_SIZE,
    **overrides: Any,
) -> SearchView:
    """Parse, search, and on values the database does not know, drop them and say so."""
    state = parse_state(path, query)
    params, near = await to_params(state, page_size)
    params = replace(params, **overrides)
    try:
        result = await search(engine, params, now)
    except InvalidInput as error:
        for problem in error.errors:
            name = problem.field.split(".")[0]
            state.errors.append(f"{FIELD_NAMES_FR.get(name, name)} : valeur inconnue")
            state.values.pop(name, None)
        params, near = await to_params(state, page_size)
        params = replace(params, **overrides)
        result = await search(engine, params, now)
    return SearchView(state=state, result=result, near_place=near, labels=await _labels(state))


async def _labels(state: QueryState) -> dict[str, str]:
    """French labels of the active filters, keyed "name:value"."""
    labels: dict[str, str] = {}
    for kind, name in (
        ("massif", "massif"),
        ("season", "season"),
        ("contract", "contract"),
        ("housing", "housing"),
    ):
        for value in state.getall(name):
            labels[f"{name}:{value}"] = label(kind, value)
    for code, text in (await trade_labels(state.getall("trade"))).items():
        labels[f"trade:{code}"] = text
    slugs = state.getall("place") + state.getall("near")
    if slugs:
        for row in await Place.select(Place.slug, Place.name).where(Place.slug.is_in(slugs)):
            labels[f"place:{row['slug']}"] = row["name"]
            labels[f"near:{row['slug']}"] = f"près {de(row['name'])}"
    for value in state.getall("q"):
        labels[f"q:{value}"] = f"« {value} »"
    for value in state.getall("departement"):
        labels[f"departement:{value}"] = f"dép. {value}"
    return labels
