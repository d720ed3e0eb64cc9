"""Closed vocabularies served to clients, with their labels."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter

from app.core.catalogue import LANGUAGES, label
from app.core.vocabulary import (
    Contract,
    Experience,
    Funding,
    Housing,
    Language,
    Massif,
    Modality,
    OfferStatus,
    PayPeriod,
    Season,
    SessionStatus,
)


class Term(msgspec.Struct):
    code: str
    label: str


def _terms(kind: str, values: type[StrEnum], language: str) -> list[Term]:
    return [Term(code=v.value, label=label(kind, v.value, language)) for v in values]


Lang = Annotated[
    str, QueryParameter(pattern="^(" + "|".join(LANGUAGES) + ")$", description="Label language")
]


class VocabularyController(Controller):
    path = "/api"
    tags = ["reference"]

    @get("/massifs", operation_id="listMassifs")
    async def massifs(self, lang: Lang = "fr") -> list[Term]:
        return _terms("massif", Massif, lang)

    @get("/seasons", operation_id="listSeasons")
    async def seasons(self, lang: Lang = "fr") -> list[Term]:
        return _terms("season", Season, lang)

    @get("/contracts", operation_id="listContracts")
    async def contracts(self, lang: Lang = "fr") -> list[Term]:
        return _terms("contract", Contract, lang)

    @get("/vocabularies", operation_id="listVocabularies")
    async def vocabularies(self, lang: Lang = "fr") -> dict[str, list[Term]]:
        """Every closed list at once: massifs, seasons, contracts, housing, pay periods …"""
        kinds: dict[str, type[StrEnum]] = {
            "massif": Massif,
            "season": Season,
            "contract": Contract,
            "housing": Housing,
            "pay_period": PayPeriod,
            "experience": Experience,
            "offer_status": OfferStatus,
            "modality": Modality,
            "funding": Funding,
            "session_status": SessionStatus,
            "language": Language,
        }
        return {kind: _terms(kind, values, lang) for kind, values in kinds.items()}
