"""Demo data: a realistic, seeded catalogue built through the services (idempotent).

Each demo organisation is found by its slug; one that already has offers or trainings is
left as it is, so a second run adds nothing.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from app.core.auth import Principal
from app.core.clock import Clock, today
from app.core.text import slugify
from app.core.vocabulary import Contract, Experience, Funding, Language, Modality, Season
from app.offers import schemas as offer_schemas
from app.offers import services as offers
from app.offers.tables import Offer
from app.organisations import schemas as organisation_schemas
from app.organisations import services as organisations
from app.organisations.tables import Organisation
from app.places import services as places
from app.places.tables import Place
from app.trainings import schemas as training_schemas
from app.trainings import services as trainings
from app.trainings.tables import Training

DATA = Path(__file__).resolve().parent / "data"
T = TypeVar("T")
ADMIN = Principal(organisation_id=None, admin=True)


@dataclass
class DemoReport:
    organisations: int = 0
    offers: int = 0
    trainings: int = 0
    sessions: int = 0
    accounts: int = 0
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"demo data: {self.organisations} organisations, {self.offers} offers, "
            f"{self.trainings} trainings, {self.sessions} sessions, "
            f"{self.accounts} accounts added"
            + (f" ({len(self.skipped)} organisations already there)" if self.skipped else "")
        )


def _validated(schema: type[T], **values: Any) -> T:
    """The request body the API would have received: demo data passes the same checks."""
    return msgspec.convert(values, schema, strict=False)


def _load(name: str) -> Any:
    return json.loads((DATA / name).read_text("utf-8"))


async def _place_named(name: str, massif: str, rng: random.Random) -> Place:
    found = [p for p in await places.find(name, limit=10) if p.massif == massif]
    if found:
        return found[0]
    in_massif = await Place.objects().where(Place.massif == massif).order_by(Place.slug)
    return rng.choice(in_massif)


async def _organisation(
    record: dict[str, Any], kind: str, clock: Clock, rng: random.Random
) -> tuple[Organisation, bool]:
    """The demo organisation, created if missing; True when it was created now."""
    existing = (
        await Organisation.objects()
        .where(Organisation.slug == slugify(record["name"], 100))
        .first()
    )
    if existing is not None:
        return existing, False
    place = await _place_named(record["resort"], record["massif"], rng)
    domain = record.get("website", "").split("//")[-1].strip("/") or "example.fr"
    data = _validated(
        organisation_schemas.OrganisationCreate,
        kind=kind,
        name=record["name"],
        contact_email=f"recrutement@{domain}",
        description=record.get("description", ""),
        website=record.get("website") or None,
        phone=f"+33 4 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)}",
        place=place.slug,
        siret=record.get("siret") or None,
        nda=record.get("nda") if kind == "school" else None,
        verified=True,
    )
    row = await organisations.create(data, clock.now())
    return row, True


def _season_dates(season: Season, day: date, rng: random.Random) -> tuple[date, date | None]:
    if season == Season.WINTER:
        if day.month in (11, 12, 1, 2):
            start = day + timedelta(days=rng.randint(3, 30))
        else:
            start = date(day.year, 12, rng.randint(1, 20))
        end_year = start.year + 1 if start.month >= 11 else start.year
        return start, date(end_year, 4, rng.randint(12, 26))
    if season == Season.SUMMER:
        year = day.year if day.month < 6 else day.year + 1
        return date(year, 6, rng.randint(10, 30)), date(year, 9, rng.randint(5, 25))
    return day + timedelta(days=rng.randint(10, 60)), None


async def _offers_for(
    employer: Organisation,
    place: Place,
    record: dict[str, Any],
    clock: Clock,
    rng: random.Random,
    templates: dict[str, list[dict[str, Any]]],
    trades: list[str],
    alpine_places: list[Place],
) -> int:
    count = 0
    day = today(clock)
    now = clock.now()
    for _ in range(rng.randint(4, 9)):
        code = rng.choice(trades)
        template = rng.choice(templates[code])
        contract = Contract(rng.choice(template["contracts"]))
        if contract in (Contract.PERMANENT, Contract.FREELANCE) and rng.random() < 0.7:
            seasons = [Season.YEAR_ROUND]
        else:
            seasons = [Season.WINTER] if rng.random() < 0.72 else [Season.SUMMER]
            if rng.random() < 0.08:
                seasons = [Season.WINTER, Season.SUMMER]
        start, end = _season_dates(seasons[0], day, rng)
        if len(seasons) == 2 and end is not None:
            end = date(end.year, 9, 20)
        where = place
        if record.get("kind_of_business") in ("equipment-maker", "engineering"):
            where = rng.choice(alpine_places)
        pay_min = float(template["pay_min"])
        pay_max = float(template["pay_max"])
        housing = (
            "provided"
            if template.get("housing_likely") and rng.random() < 0.75
            else ("help" if rng.random() < 0.3 else "none")
        )
        data = _validated(
            offer_schemas.OfferCreate,
            organisation_id=employer.id,
            title=template["title"],
            description=template["description"],
            trade=code,
            place=where.slug,
            seasons=seasons,
            contract=contract,
            start_date=start,
            end_date=end if contract != Contract.PERMANENT else None,
            hours_per_week=float(template.get("hours_per_week") or 35),
            pay_min=pay_min,
            pay_max=pay_max if rng.random() < 0.7 else None,
            pay_period=template["pay_period"],
            housing=housing,
            meals=housing == "provided" and rng.random() < 0.6,
            languages=[Language(x) for x in template.get("languages", ["fr"])],
            driving_licence=bool(template.get("driving_licence")),
            experience=Experience(template.get("experience", "none")),
            positions=rng.choice([1, 1, 1, 2, 2, 3, 5]),
            apply_email=employer.contact_email,
        )
        offer = await offers.create(data, ADMIN, now)
        roll = rng.random()
        if roll < 0.06:
            pass  # stays a draft
        elif roll < 0.10:
            published = now - timedelta(days=rng.randint(65, 90))
            await offers.publish(offer.id, None, ADMIN, published, 60)
            await offers.expire(offer.id, now)
        else:
            published = now - timedelta(days=rng.randint(0, 28), hours=rng.randint(0, 20))
            await offers.publish(offer.id, None, ADMIN, published, 60)
            if roll > 0.96:
                await offers.mark_filled(offer.id, ADMIN, now)
        count += 1
    return count


async def _sessions_for(
    training: Training, place: Place, clock: Clock, rng: random.Random, massif_places: list[Place]
) -> int:
    day = today(clock)
    count = 0
    for _ in range(rng.randint(1, 3)):
        start = day + timedelta(days=rng.randint(5, 200))
        length = max(1, training.duration_hours // 35) * 7
        seats = rng.choice([8, 10, 12, 15, 20, 24])
        taken = seats if rng.random() < 0.15 else rng.randint(0, seats - 1)
        deadline = max(day - timedelta(days=3), start - timedelta(days=rng.randint(10, 30)))
        where = place if rng.random() < 0.7 else rng.choice(massif_places)
        data = _validated(
            training_schemas.SessionCreate,
            training_id=training.id,
            place=where.slug,
            start_date=start,
            end_date=start + timedelta(days=length),
            seats_total=seats,
            seats_taken=taken,
            registration_deadline=min(deadline, start),
        )
        await trainings.create_session(data, ADMIN, clock)
        count += 1
    return count


async def load_demo(clock: Clock, seed: int = 2026) -> DemoReport:
    report = DemoReport()
    templates: dict[str, list[dict[str, Any]]] = _load("offer_templates.json")
    business_trades: dict[str, list[str]] = _load("business_trades.json")
    alpine_places = (
        await Place.objects()
        .where(Place.massif.is_in(["alpes-nord", "alpes-sud"]))
        .order_by(Place.slug)
    )

    for record in _load("employers.json"):
        rng = random.Random(f"{seed}:{record['name']}")
        employer, created = await _organisation(record, "employer", clock, rng)
        if not created and await Offer.exists().where(Offer.organisation == employer.id):
            report.skipped.append(employer.slug)
            continue
        report.organisations += int(created)
        place = await Place.objects().where(Place.id == employer.place).first()
        assert place is not None
        trades = [c for c in business_trades[record["kind_of_business"]] if c in templates]
        report.offers += await _offers_for(
            employer, place, record, clock, rng, templates, trades, alpine_places
        )

    schools = {s["name"]: s for s in _load("schools.json")}
    school_rows: dict[str, Organisation] = {}
    for name, record in schools.items():
        rng = random.Random(f"{seed}:{name}")
        school, created = await _organisation(record, "school", clock, rng)
        if not created and await Training.exists().where(Training.organisation == school.id):
            report.skipped.append(school.slug)
            continue
        report.organisations += int(created)
        school_rows[name] = school

    for record in _load("trainings.json"):
        owner = school_rows.get(record["school"])
        if owner is None:
            continue
        rng = random.Random(f"{seed}:{record['title']}")
        data = _validated(
            training_schemas.TrainingCreate,
            organisation_id=owner.id,
            title=record["title"],
            description=record["description"],
            trade_codes=record["trade_codes"],
            duration_hours=int(record["duration_hours"]),
            modality=Modality(record["modality"]),
            certification_code=record.get("certification_code") or None,
            certification_title=record.get("certification_title") or None,
            price_excl_vat=record.get("price_excl_vat"),
            price_incl_vat=record.get("price_incl_vat"),
            entry_requirements=record.get("entry_requirements", ""),
            funding=[Funding(f) for f in record.get("funding", [])],
        )
        training = await trainings.create_training(data, ADMIN, clock.now())
        report.trainings += 1
        place = await Place.objects().where(Place.id == owner.place).first()
        assert place is not None
        massif_places = await Place.objects().where(Place.massif == place.massif)
        report.sessions += await _sessions_for(training, place, clock, rng, massif_places)
    report.accounts = await _demo_accounts(clock)
    return report


# Development accounts, listed in the README: never created in production.
DEMO_STAFF = ("equipe@emploi-montagne.localhost", "montagne-equipe-2026")
DEMO_EMPLOYER = ("employeur@emploi-montagne.localhost", "montagne-employeur-2026")
DEMO_SCHOOL = ("ecole@emploi-montagne.localhost", "montagne-ecole-2026")


async def _demo_accounts(clock: Clock) -> int:
    """A staff member, and a member of the first demo employer and school (idempotent)."""
    from app.accounts import users
    from app.accounts.tables import Membership, User

    now = clock.now()
    made = 0
    employer = (
        await Organisation.objects()
        .where(Organisation.kind == "employer")
        .order_by(Organisation.id)
        .first()
    )
    school = (
        await Organisation.objects()
        .where(Organisation.kind == "school")
        .order_by(Organisation.id)
        .first()
    )
    for (email, password), organisation, staff in (
        (DEMO_STAFF, None, True),
        (DEMO_EMPLOYER, employer, False),
        (DEMO_SCHOOL, school, False),
    ):
        if await users.by_email(email) is not None:
            continue
        user = await users.create_user(email, password, "", now)
        await User.update({User.email_verified_at: now, User.staff: staff}).where(
            User.id == user.id
        )
        if organisation is not None:
            await Membership(user=user.id, organisation=organisation.id, role="owner").save()
        made += 1
    return made
