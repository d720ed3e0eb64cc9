"""The domain's closed vocabularies; their French (and English) labels live in app/i18n/."""

from __future__ import annotations

from enum import StrEnum


class Massif(StrEnum):
    ALPES_NORD = "alpes-nord"
    ALPES_SUD = "alpes-sud"
    PYRENEES = "pyrenees"
    MASSIF_CENTRAL = "massif-central"
    JURA = "jura"
    VOSGES = "vosges"
    CORSE = "corse"


class Season(StrEnum):
    WINTER = "winter"
    SUMMER = "summer"
    YEAR_ROUND = "year-round"


class Contract(StrEnum):
    SEASONAL = "seasonal"
    FIXED_TERM = "fixed-term"
    PERMANENT = "permanent"
    APPRENTICESHIP = "apprenticeship"
    INTERNSHIP = "internship"
    TEMPORARY_AGENCY = "temporary-agency"
    FREELANCE = "freelance"


class Housing(StrEnum):
    PROVIDED = "provided"
    HELP = "help"
    NONE = "none"


class PayPeriod(StrEnum):
    HOUR = "hour"
    MONTH = "month"
    YEAR = "year"


class Experience(StrEnum):
    NONE = "none"
    SOME = "some"
    EXPERIENCED = "experienced"
    EXPERT = "expert"


class OfferStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    FILLED = "filled"
    EXPIRED = "expired"
    ARCHIVED = "archived"


class OrganisationKind(StrEnum):
    EMPLOYER = "employer"
    SCHOOL = "school"


class Modality(StrEnum):
    ON_SITE = "on-site"
    REMOTE = "remote"
    BLENDED = "blended"


class Funding(StrEnum):
    CPF = "cpf"
    FRANCE_TRAVAIL = "france-travail"
    OPCO = "opco"
    REGION = "region"
    EMPLOYER = "employer"
    SELF = "self"


class SessionStatus(StrEnum):
    OPEN = "open"
    FULL = "full"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    ARCHIVED = "archived"


class Language(StrEnum):
    """Languages asked of candidates (ISO 639-1)."""

    FR = "fr"
    EN = "en"
    DE = "de"
    IT = "it"
    ES = "es"
    NL = "nl"
    PT = "pt"
    RU = "ru"
    ZH = "zh"
