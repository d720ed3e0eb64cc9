"""Index names and settings: what is searchable, filterable, sortable, and how French is read."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

DATA = Path(__file__).resolve().parent / "data"

FRENCH_STOP_WORDS = DATA / "stop_words_fr.txt"


def stop_words(synonyms: Mapping[str, Sequence[str]]) -> list[str]:
    """French stop words, less the words inside synonym phrases ("aide de cuisine"):
    Meilisearch does not apply a synonym to a query phrase holding a stop word."""
    lines = FRENCH_STOP_WORDS.read_text("utf-8").splitlines()
    phrases = [*synonyms, *(p for targets in synonyms.values() for p in targets)]
    in_phrases = {w for phrase in phrases for w in phrase.split()}
    words = [w.strip() for w in lines if w.strip() and not w.startswith("#")]
    return [w for w in words if w not in in_phrases]


# Enough for the whole catalogue: exact totals and deep pages stay correct.
MAX_TOTAL_HITS = 1_000_000
# More than the values a faceted attribute can take: offers may name any of the 1 584 ROME
# codes, and every trade present must stay reachable in the trade facet (a test checks it).
MAX_VALUES_PER_FACET = 2000


def offer_settings(
    synonyms: Mapping[str, Sequence[str]], exact_words: Sequence[str] = ()
) -> dict[str, Any]:
    """The offers index's settings. `synonyms`: phrase → phrases it also finds (the domain's
    vocabulary); `exact_words`: query words never matched through a typo ("moniteur" must not
    find "monteur")."""
    return {
        **_OFFER_SETTINGS,
        "stopWords": stop_words(synonyms),
        "synonyms": {k: list(v) for k, v in synonyms.items()},
        "typoTolerance": {**_TYPO_TOLERANCE, "disableOnWords": sorted(exact_words)},
    }


def session_settings(
    synonyms: Mapping[str, Sequence[str]], exact_words: Sequence[str] = ()
) -> dict[str, Any]:
    """The sessions index's settings: the offers' reading of French, their own attributes."""
    return {**offer_settings(synonyms, exact_words), **_SESSION_ATTRIBUTES}


# One typo from 5 letters (Meilisearch's default: "serveur" must not find "secteur" with two),
# two from 11, not 9: French trade words are long, and two typos turn "plongeuse" into
# "plongée", "cuisinier" into "cuisine". Descriptions are matched without typos: every offer
# names its trade in its title and trade fields, where typos are welcome; in free text a typo
# finds other words.
_TYPO_TOLERANCE: dict[str, Any] = {
    "enabled": True,
    "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 11},
    "disableOnAttributes": ["trade_code", "place_slug", "description"],
}

_OFFER_SETTINGS: dict[str, Any] = {
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
    ],
    "sortableAttributes": ["published_at", "start_date", "pay_monthly_min", "_geo"],
    "displayedAttributes": ["*"],
    "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
    "localizedAttributes": [{"locales": ["fra"], "attributePatterns": ["*"]}],
    "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
    "faceting": {"maxValuesPerFacet": MAX_VALUES_PER_FACET, "sortFacetValuesBy": {"*": "count"}},
}

_SESSION_ATTRIBUTES: dict[str, Any] = {
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


# Every query word must match (itself, a synonym or through a typo): with Meilisearch's
# default ("last"), "Val d'Isère" also returned Val Thorens offers once the Val d'Isère ones ran
# out, and "conducteur de dameuse" any "conducteur". Every search with a `q` uses it, the
# alerts' included.
MATCHING_STRATEGY: Literal["all"] = "all"

# Index names, without the prefix. Their specs (names and settings) are built by the app,
# which owns the vocabulary (app/search_indexes.py).
OFFER_INDEX = "offers"
SESSION_INDEX = "sessions"
META = "meta"  # one document per index: the settings digest it was built with
