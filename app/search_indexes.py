"""The search indexes of the domains: search/'s settings with the trades' vocabulary (synonyms
of every trade's titles in six languages, trade words matched without typos), from
app/trades/data/trade_titles_i18n.csv. A changed table changes the digests: a full reindex."""

from __future__ import annotations

from app.trades.synonyms import exact_words, search_synonyms
from search.indexes import (
    OFFER_INDEX,
    SESSION_INDEX,
    IndexSpec,
    offer_settings,
    session_settings,
)

_SYNONYMS = search_synonyms()
_EXACT = exact_words()

OFFERS = IndexSpec(OFFER_INDEX, offer_settings(_SYNONYMS, _EXACT))
SESSIONS = IndexSpec(SESSION_INDEX, session_settings(_SYNONYMS, _EXACT))
ALL = (OFFERS, SESSIONS)
