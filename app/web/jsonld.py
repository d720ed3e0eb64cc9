"""schema.org JSON-LD for search engines, serialised safely for a <script> element."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from markupsafe import Markup

from app.core.vocabulary import Modality, SessionStatus
from app.offers.tables import Offer
from app.places.tables import Place
from app.trainings.tables import Training, TrainingSession

# There is no SEASONAL employmentType: a seasonal contract is TEMPORARY.
EMPLOYMENT_TYPES = {
    "seasonal": ["TEMPORARY"],
    "fixed-term": ["TEMPORARY"],
    "permanent": ["FULL_TIME"],
    "apprenticeship": ["FULL_TIME", "OTHER"],
    "internship": ["INTERN"],
    "temporary-agency": ["TEMPORARY"],
    "freelance": ["CONTRACTOR"],
}
SALARY_UNITS = {"hour": "HOUR", "month": "MONTH", "year": "YEAR"}
PART_TIME_BELOW_HOURS = 35
COURSE_MODES = {Modality.ON_SITE: "onsite", Modality.REMOTE: "online", Modality.BLENDED: "blended"}
AVAILABILITY = {
    SessionStatus.OPEN: "https://schema.org/InStock",
    SessionStatus.FULL: "https://schema.org/SoldOut",
}
# The 2016 regions, for the address of a session's place (places only know their département).
_REGIONS = {
    "Auvergne-Rhône-Alpes": "01 03 07 15 26 38 42 43 63 69 73 74",
    "Bourgogne-Franche-Comté": "21 25 39 58 70 71 89 90",
    "Bretagne": "22 29 35 56",
    "Centre-Val de Loire": "18 28 36 37 41 45",
    "Corse": "2A 2B",
    "Grand Est": "08 10 51 52 54 55 57 67 68 88",
    "Hauts-de-France": "02 59 60 62 80",
    "Île-de-France": "75 77 78 91 92 93 94 95",
    "Normandie": "14 27 50 61 76",
    "Nouvelle-Aquitaine": "16 17 19 23 24 33 40 47 64 79 86 87",
    "Occitanie": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "Pays de la Loire": "44 49 53 72 85",
    "Provence-Alpes-Côte d'Azur": "04 05 06 13 83 84",
}
REGION_OF = {code: region for region, codes in _REGIONS.items() for code in codes.split()}


def place_json(place: Place) -> dict[str, Any]:
    """A schema.org Place with its postal address (commune, region, France)."""
    return {
        "@type": "Place",
        "name": place.name,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": place.commune,
            "addressRegion": REGION_OF.get(place.departement_code, place.departement_name),
            "addressCountry": "FR",
        },
    }


def job_posting(offer: Offer, base_url: str) -> dict[str, Any]:
    """A JobPosting with the properties Google requires and the recommended ones we know."""
    organisation = offer.organisation
    place = offer.place
    kinds = list(EMPLOYMENT_TYPES[offer.contract])
    hours: Any = offer.hours_per_week  # nullable, typed as not null
    if hours is not None and hours < PART_TIME_BELOW_HOURS and "FULL_TIME" in kinds:
        kinds[kinds.index("FULL_TIME")] = "PART_TIME"
    published: datetime | None = offer.published_at
    expires: datetime | None = offer.expires_at
    hiring: dict[str, Any] = {"@type": "Organization", "name": organisation.name}
    website: Any = organisation.website
    hiring["sameAs"] = website or f"{base_url}/employeurs/{organisation.slug}"
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": offer.title,
        "description": offer.description,
        "identifier": {"@type": "PropertyValue", "name": organisation.name, "value": offer.slug},
        "datePosted": published.date().isoformat() if published else None,
        "validThrough": expires.isoformat() if expires else None,
        "employmentType": kinds if len(kinds) > 1 else kinds[0],
        "hiringOrganization": hiring,
        "jobLocation": {
            **place_json(place),
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": place.latitude,
                "longitude": place.longitude,
            },
        },
        "occupationalCategory": f"{offer.trade.code} {offer.trade.label}",
        "jobStartDate": offer.start_date.isoformat(),
        "totalJobOpenings": offer.positions,
        "directApply": False,
        "url": f"{base_url}/offres/{offer.slug}",
    }
    pay_min: Any = offer.pay_min
    pay_max: Any = offer.pay_max
    period: Any = offer.pay_period
    if pay_min is not None and period in SALARY_UNITS:
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": SALARY_UNITS[period]}
        if pay_max is not None and pay_max != pay_min:
            value.update(minValue=float(pay_min), maxValue=float(pay_max))
        else:
            value["value"] = float(pay_min)
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": "EUR", "value": value}
    if hours is not None:
        data["workHours"] = f"{hours:g} heures par semaine"
    return {k: v for k, v in data.items() if v is not None}


def script_json(data: Any) -> Markup:
    """JSON for a <script> element: `<`, `>` and `&` escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return Markup(text)


def _price(training: Training) -> tuple[float, bool] | None:
    """(price, VAT included), the price a learner pays when known."""
    incl: Any = training.price_incl_vat  # nullable columns, typed as not null
    excl: Any = training.price_excl_vat
    if incl is not None:
        return float(incl), True
    if excl is not None:
        return float(excl), False
    return None


def course_json_ld(
    training: Training,
    sessions: Sequence[tuple[TrainingSession, SessionStatus]],
    base_url: str,
) -> dict[str, Any]:
    """schema.org Course with its CourseInstances (sessions not cancelled and not over)."""
    school = training.organisation
    provider: dict[str, Any] = {
        "@type": "Organization",
        "name": school.name,
        "url": f"{base_url}/ecoles/{school.slug}",
    }
    if school.website:
        provider["sameAs"] = school.website
    course: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": f"{base_url}/formations/{training.slug}",
        "url": f"{base_url}/formations/{training.slug}",
        "name": training.title,
        "description": training.description,
        "provider": provider,
        "inLanguage": "fr",
    }
    if training.certification_code:
        course["educationalCredentialAwarded"] = {
            "@type": "EducationalOccupationalCredential",
            "name": training.certification_title or training.certification_code,
            "identifier": training.certification_code,
        }
    price = _price(training)
    instances = []
    for session, status in sessions:
        if status == SessionStatus.CANCELLED:
            continue
        place = session.place
        instance: dict[str, Any] = {
            "@type": "CourseInstance",
            "courseMode": COURSE_MODES[Modality(training.modality)],
            "startDate": session.start_date.isoformat(),
            "endDate": session.end_date.isoformat(),
            "courseWorkload": f"PT{training.duration_hours}H",
            "location": place_json(place),
        }
        if price is not None:
            offer: dict[str, Any] = {
                "@type": "Offer",
                "price": price[0],
                "priceCurrency": "EUR",
                "category": "Paid" if price[0] > 0 else "Free",
                "validThrough": session.registration_deadline.isoformat(),
            }
            if not price[1]:
                offer["priceSpecification"] = {
                    "@type": "PriceSpecification",
                    "price": price[0],
                    "priceCurrency": "EUR",
                    "valueAddedTaxIncluded": False,
                }
            if status in AVAILABILITY:
                offer["availability"] = AVAILABILITY[status]
            instance["offers"] = offer
        instances.append(instance)
    course["hasCourseInstance"] = instances
    return course
