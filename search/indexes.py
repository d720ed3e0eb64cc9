"""Index names and settings: what is searchable, filterable, sortable, and how French is read."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

# Each line is a group of words that mean the same to a seasonal worker.
SYNONYM_GROUPS: list[list[str]] = [
    ["serveur", "serveuse"],
    ["cuisinier", "cuisiniere"],
    ["moniteur", "monitrice"],
    ["perchman", "perchiste", "liftier", "remontees mecaniques", "remontées mécaniques"],
    ["saisonnier", "saisonniere", "saison"],
    ["plongeur", "plongeuse", "aide de cuisine"],
    ["receptionniste", "réceptionniste", "accueil"],
    ["dameur", "dameuse", "damage"],
    ["pisteur", "pisteuse", "secouriste"],
    ["nivoculteur", "nivocultrice", "neige de culture"],
    ["skiman", "skiwoman", "location de ski"],
    ["femme de chambre", "valet de chambre"],
    ["barman", "barmaid"],
    ["vendeur", "vendeuse"],
    ["animateur", "animatrice"],
    ["logé", "logement"],
]


def _stop_words() -> list[str]:
    """French stop words, less the words inside synonym phrases ("aide de cuisine"):
    Meilisearch does not apply a synonym to a query phrase holding a stop word."""
    lines = (DATA / "stop_words_fr.txt").read_text("utf-8").splitlines()
    in_phrases = {w for group in SYNONYM_GROUPS for phrase in group for w in phrase.split()}
    words = [w.strip() for w in lines if w.strip() and not w.startswith("#")]
    return [w for w in words if w not in in_phrases]


def _synonyms() -> dict[str, list[str]]:
    """Each phrase of a group leads to the others."""
    synonyms: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        for phrase in group:
            synonyms[phrase] = [p for p in group if p != phrase]
    return synonyms


# Enough for the whole catalogue: exact totals and deep pages stay correct.
MAX_TOTAL_HITS = 1_000_000
# More than the values a faceted attribute can take: offers may name any of the 1 584 ROME
# codes, and every trade present must stay reachable in the trade facet (a test checks it).
MAX_VALUES_PER_FACET = 2000

OFFER_SETTINGS: dict[str, Any] = {
    "searchableAttributes": [
        "title",
        "trade_label",
        "trade_titles",
        "organisation_name",
        "place_name",
        "commune",
        "description",
    ],
    "filterableAttributes": [
        "massif",
        "seasons",
        "trade_code",
        "contract",
        "housing",
        "departement",
        "place_slug",
        "organisation_slug",
        "organisation_id",
        "start_date",
        "end_date",
        "pay_monthly_min",
        "languages",
        "published_at",
        "expires_at",
        "_geo",
        "meals",
        "driving_licence",
        "experience",
        "trade_key",
        "place_key",
    ],
    "sortableAttributes": ["published_at", "start_date", "pay_monthly_min", "_geo"],
    "displayedAttributes": ["*"],
    "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
    "localizedAttributes": [{"locales": ["fra"], "attributePatterns": ["*"]}],
    "stopWords": _stop_words(),
    "synonyms": _synonyms(),
    "typoTolerance": {
        "enabled": True,
        "minWordSizeForTypos": {"oneTypo": 4, "twoTypos": 7},  # "monitor" → moniteur
        "disableOnAttributes": ["trade_code", "place_slug"],
    },
    "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
    "faceting": {"maxValuesPerFacet": MAX_VALUES_PER_FACET, "sortFacetValuesBy": {"*": "count"}},
}

SESSION_SETTINGS: dict[str, Any] = {
    **OFFER_SETTINGS,
    "searchableAttributes": [
        "training_title",
        "trade_labels",
        "certification_title",
        "organisation_name",
        "place_name",
        "commune",
        "description",
    ],
    "filterableAttributes": [
        "massif",
        "trade_codes",
        "modality",
        "departement",
        "place_slug",
        "organisation_slug",
        "organisation_id",
        "start_date",
        "end_date",
        "registration_deadline",
        "month",
        "status",
        "funding",
        "training_id",
        "seats_left",
        "price_incl_vat",
        "_geo",
        "place_key",
    ],
    "sortableAttributes": ["start_date", "registration_deadline", "price_incl_vat", "_geo"],
}


@dataclass(frozen=True)
class IndexSpec:
    name: str  # without the prefix
    settings: dict[str, Any]

    @property
    def digest(self) -> str:
        """Changes whenever the settings change: a changed digest calls for a full reindex."""
        blob = json.dumps(self.settings, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


OFFERS = IndexSpec("offers", OFFER_SETTINGS)
SESSIONS = IndexSpec("sessions", SESSION_SETTINGS)
ALL = (OFFERS, SESSIONS)
META = "meta"  # one document per index: the settings digest it was built with
