"""What the pages of the organisation space share: who may see what, the services' caller,
the confirmations after a change, and the pages shown again with their errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.params import FromQuery
from litestar.response import Redirect, Template

from app.accounts import services as accounts
from app.accounts.users import SignedIn
from app.core.auth import Principal
from app.core.catalogue import label
from app.core.clock import Clock, today
from app.core.creation import new_key
from app.core.errors import Conflict, DomainError, InvalidInput, NotFound
from app.core.params import MAX_ID
from app.core.text import search_key
from app.core.vocabulary import (
    Contract,
    Experience,
    Funding,
    Housing,
    Modality,
    OrganisationKind,
    PayPeriod,
    Season,
)
from app.offers import services as offers
from app.offers.tables import Offer
from app.organisations import services as organisations
from app.organisations.tables import Organisation
from app.trades import services as trades
from app.trainings import services as trainings
from app.trainings.tables import Training, TrainingSession
from app.web import space_forms as forms
from app.web.pages import not_found_page, page, problem_page

# ?organisation=<id> (the person's only one when absent) and ?fait=<code> of the space's pages.
OrganisationParam = FromQuery[str | None]
Done = FromQuery[str | None]

# The confirmation shown on a list after a change (?fait=<code>).
DONE = {
    "creee": "L'offre est enregistrée comme brouillon : publiez-la quand elle est prête.",
    "modifiee": "L'offre est modifiée.",
    "publiee": "L'offre est publiée.",
    "prolongee": "L'offre est prolongée.",
    "pourvue": "L'offre est marquée comme pourvue : elle n'est plus proposée aux candidats.",
    "archivee": "L'offre est archivée.",
    "dupliquee": "L'offre est dupliquée : la copie est un brouillon, à relire avant de publier.",
    "formation-creee": "La formation est créée : ajoutez-lui ses sessions.",
    "formation-modifiee": "La formation est modifiée.",
    "session-creee": "La session est créée.",
    "inscrits": "Le nombre d'inscrits est enregistré.",
    "session-annulee": "La session est annulée.",
    "inscriptions-closes": "Les inscriptions à cette session sont closes.",
    "jeton-revoque": "Le jeton est révoqué : il ne donne plus accès à l'API.",
}


def _choices(kind: str, values: Any) -> list[tuple[str, str]]:
    return [(str(v), label(kind, str(v))) for v in values]


OFFER_CHOICES = {
    "seasons": _choices("season", Season),
    "contract": _choices("contract", Contract),
    "pay_period": _choices("pay_period", PayPeriod),
    "housing": _choices("housing", Housing),
    "experience": _choices("experience", Experience),
    "languages": _choices("language", forms.FORM_LANGUAGES),
}
TRAINING_CHOICES = {
    "modality": _choices("modality", Modality),
    "funding": _choices("funding", Funding),
}


def principal(person: SignedIn, organisation_id: int) -> Principal:
    """The services' caller: the organisation the person acts for (staff: any)."""
    return Principal(organisation_id=organisation_id, admin=person.staff)


def done(path: str, organisation_id: int, code: str) -> Redirect:
    return Redirect(f"{path}?organisation={organisation_id}&fait={code}", status_code=303)


async def organisation_for(person: SignedIn, raw: str | None) -> Organisation | None:
    """The organisation a page is about, when the person may act for it; by default their
    first one."""
    if not raw:
        if not person.organisation_ids:
            return None
        raw = str(person.organisation_ids[0])
    try:
        organisation_id = int(raw)
    except ValueError:
        return None
    if not 1 <= organisation_id <= MAX_ID or not person.may_act_for(organisation_id):
        return None
    try:
        return await organisations.get(organisation_id)
    except NotFound:
        return None


async def school_for(person: SignedIn, raw: str | None) -> Organisation | None:
    """As `organisation_for`, for a school only: an employer has no trainings to write."""
    org = await organisation_for(person, raw)
    return org if org is not None and org.kind == OrganisationKind.SCHOOL else None


async def offer_of(person: SignedIn, offer_id: int) -> Offer | None:
    try:
        row = await offers.get(offer_id)
    except NotFound:
        return None
    return row if person.may_act_for(row.organisation.id) else None


async def training_of(person: SignedIn, training_id: int) -> Training | None:
    try:
        row = await trainings.get_training(training_id)
    except NotFound:
        return None
    return row if person.may_act_for(row.organisation.id) else None


async def session_of(person: SignedIn, session_id: int) -> TrainingSession | None:
    try:
        row = await trainings.get_session(session_id)
    except NotFound:
        return None
    return row if person.may_act_for(row.training.organisation.id) else None


async def _trade_choices(*current: str) -> list[tuple[str, str]]:
    """The mountain trades by name, and the record's own trades when they are other ones."""
    rows = await trades.mountain_trades()
    choices = sorted(
        ((t.code, t.mountain_label or t.label) for t in rows), key=lambda c: search_key(c[1])
    )
    for code in reversed(current):
        if not code or code.upper() in {known for known, _ in choices}:
            continue
        try:
            trade = await trades.get_by_code(code)
        except NotFound:
            continue
        choices.insert(0, (trade.code, trade.mountain_label or trade.label))
    return choices


async def offer_form(
    organisation: Organisation,
    values: forms.Shown,
    errors: dict[str, str],
    offer: Offer | None = None,
    status_code: int = 200,
    creation_key: str | None = None,
) -> Template:
    return page(
        "space/offer_form.html",
        status_code=status_code,
        creation_key=creation_key or new_key(),
        organisation=organisation,
        offer=offer,
        values=values,
        errors=errors,
        trades=await _trade_choices(values.get("trade", "")),
        choices=OFFER_CHOICES,
    )


async def training_form(
    organisation: Organisation,
    values: forms.Shown,
    errors: dict[str, str],
    training: Training | None = None,
    status_code: int = 200,
    creation_key: str | None = None,
) -> Template:
    return page(
        "space/training_form.html",
        status_code=status_code,
        creation_key=creation_key or new_key(),
        organisation=organisation,
        training=training,
        values=values,
        errors=errors,
        trades=await _trade_choices(*values.get("trade_codes", [])),
        choices=TRAINING_CHOICES,
    )


async def trainings_page(
    organisation: Organisation,
    clock: Clock,
    confirmation: str | None = None,
    errors: dict[int, dict[str, str]] | None = None,
    typed: dict[int, str] | None = None,
    status_code: int = 200,
) -> Template:
    day = today(clock)
    rows = await trainings.trainings_of(organisation.id)
    sessions = await trainings.sessions_not_over([t.id for t in rows], day)
    by_training: dict[int, list[TrainingSession]] = {t.id: [] for t in rows}
    for session in sessions:
        by_training[session.training].append(session)
    return page(
        "space/trainings.html",
        status_code=status_code,
        organisation=organisation,
        trainings=[(t, by_training[t.id]) for t in rows],
        statuses={s.id: trainings.shown_status(s, day).value for s in sessions},
        today=day,
        done=DONE.get(confirmation or ""),
        errors=errors or {},
        typed=typed or {},
    )


async def tokens_page(
    organisation: Organisation,
    confirmation: str | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    return page(
        "space/tokens.html",
        status_code=status_code,
        organisation=organisation,
        tokens=await accounts.tokens_of(organisation.id),
        done=DONE.get(confirmation or ""),
        errors=errors or {},
        values=values or {"label": ""},
    )


async def change_offer(
    person: SignedIn, offer_id: int, code: str, act: Callable[[Principal], Awaitable[object]]
) -> Template | Redirect:
    """One change of an offer through its service: back to the list, or the refusal."""
    row = await offer_of(person, offer_id)
    if row is None:
        return not_found_page()
    try:
        await act(principal(person, row.organisation.id))
    except DomainError as error:
        said = in_french(error, code)
        back = (f"/espace/offres?organisation={row.organisation.id}", "Retour à mes offres")
        if said in DATES_FR.values():  # the dates are what to change
            back = (f"/espace/offres/{row.id}/modifier", "Modifier les dates de l'offre")
        return problem_page(error, said=said, back=back)
    return done("/espace/offres", row.organisation.id, code)


async def change_session(
    person: SignedIn, session_id: int, code: str, act: Callable[[Principal], Awaitable[object]]
) -> Template | Redirect:
    """One change of a session through its service: back to the list, or the refusal."""
    row = await session_of(person, session_id)
    if row is None:
        return not_found_page()
    organisation_id = row.training.organisation.id
    try:
        await act(principal(person, organisation_id))
    except DomainError as error:
        back = (f"/espace/formations?organisation={organisation_id}", "Retour à mes formations")
        return problem_page(error, said=in_french(error, code), back=back)
    return done("/espace/formations", organisation_id, code)


# The states a refusal names (the `found` of a 409), in French, by what was refused.
STATE_FR = {
    "offer": {
        "draft": "un brouillon",
        "published": "publiée",
        "filled": "pourvue",
        "expired": "expirée",
        "archived": "archivée",
    },
    "session": {
        "open": "ouverte aux inscriptions",
        "full": "complète",
        "closed": "close aux inscriptions",
        "cancelled": "annulée",
        "archived": "terminée",
    },
}
THIS = {"offer": "Cette offre", "session": "Cette session"}
# The changes (by their ?fait= code) of sessions; the others are of offers.
SESSION_CHANGES = {"inscrits", "session-annulee", "inscriptions-closes"}
# A change refused because it was made already: its code, and the states that say so.
ALREADY = {
    "publiee": {"published"},
    "pourvue": {"filled"},
    "archivee": {"archived"},
    "session-annulee": {"cancelled"},
    "inscriptions-closes": {"open", "full", "closed"},  # open or full: deadline already past
}
ALREADY_SAID = {"inscriptions-closes": "Les inscriptions à cette session sont déjà closes."}
DATES_FR = {
    "end_date": "La date de fin de cette offre est passée : modifiez ses dates avant de la "
    "publier.",
    "start_date": "La date de début de cette offre est passée et elle n'a pas de date de fin : "
    "modifiez ses dates avant de la publier.",
}


def in_french(error: DomainError, code: str) -> str | None:
    """The refusal of a change of an offer or a session (`code`: the change's ?fait= code),
    said in French, or None when only the page's kind can say it; the API keeps the English
    detail."""
    thing = "session" if code in SESSION_CHANGES else "offer"
    states = STATE_FR[thing]
    if isinstance(error, Conflict) and error.found in states:
        if error.found in ALREADY.get(code, ()):
            return ALREADY_SAID.get(code, f"{THIS[thing]} est déjà {states[error.found]}.")
        return f"Action impossible : {THIS[thing].lower()} est {states[error.found]}."
    if (
        thing == "offer"
        and isinstance(error, InvalidInput)
        and error.errors
        and error.errors[0].field in DATES_FR
    ):
        return DATES_FR[error.errors[0].field]
    return None
