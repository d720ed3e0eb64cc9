"""The search's vocabulary of trades: job titles in French and in the languages seasonal workers
type (data/trade_titles_i18n.csv), made into Meilisearch synonyms and typo rules.

- French titles of one trade mean the same ("serveur", "serveuse", "serveurs"): each leads to
  the others.
- A title in English, German, Dutch, Italian or Spanish leads to the trade's French titles
  ("waiter", "Kellner", "cameriere" → serveur, serveuse…), one way: offers are written in
  French, and "serveur" need not look for "waiter".
- Trade words one typo apart from another trade's word ("moniteur" / "monteur") are matched
  exactly, never through a typo.
"""

from __future__ import annotations

import csv
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
TITLES = DATA / "trade_titles_i18n.csv"
LANGUAGES = ("fr", "en", "de", "nl", "it", "es")
MIN_TYPO_WORD = 5  # Meilisearch's default: words of 5 letters or more take one typo

# Everyday words of the seasonal trade, not trades: each group's phrases mean the same.
EVERYDAY_GROUPS: tuple[tuple[str, ...], ...] = (
    ("logé", "logement", "hébergement", "logée", "logés"),
    ("nourri", "nourrie", "nourris", "repas"),
    ("été", "estivale", "estival"),
    ("hiver", "hivernale", "hivernal"),
    ("saisonnier", "saisonnière", "saisonniers", "saisonnières"),
)


@dataclass(frozen=True)
class TradeTitle:
    code: str  # ROME code
    lang: str  # ISO 639-1
    title: str
    source: str  # "rome-v460" (a ROME title or part of one) or "curated"


def _fold(text: str) -> str:
    """Lower case without accents, as Meilisearch compares words."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()


@cache
def trade_titles() -> tuple[TradeTitle, ...]:
    """Every row of the table; shape: (code, lang, title, source)."""
    with TITLES.open(encoding="utf-8") as f:
        rows = tuple(TradeTitle(**r) for r in csv.DictReader(f))
    for row in rows:
        if row.lang not in LANGUAGES:
            raise ValueError(f"{TITLES.name}: unknown language {row.lang!r} for {row.title!r}")
    return rows


def _plural(word: str) -> str | None:
    if " " in word or word[-1:] in ("s", "x", "z"):
        return None
    return word + "s"


def _french_groups() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for row in trade_titles():
        if row.lang == "fr":
            for phrase in (_fold(row.title), _plural(_fold(row.title))):
                if phrase and phrase not in groups[row.code]:
                    groups[row.code].append(phrase)
    return groups


def search_synonyms() -> dict[str, list[str]]:
    """Meilisearch `synonyms`: phrase → the phrases it also finds, lower case, unaccented."""
    synonyms: dict[str, list[str]] = defaultdict(list)

    def lead(phrase: str, targets: list[str]) -> None:
        for target in targets:
            if target != phrase and target not in synonyms[phrase]:
                synonyms[phrase].append(target)

    french = _french_groups()
    for group in french.values():
        for phrase in group:
            lead(phrase, group)
    for row in trade_titles():
        if row.lang != "fr":
            lead(_fold(row.title), french.get(row.code, []))
    for everyday in EVERYDAY_GROUPS:
        folded = [_fold(p) for p in everyday]
        for phrase in folded:
            lead(phrase, folded)
    return {phrase: sorted(targets) for phrase, targets in sorted(synonyms.items()) if targets}


def _one_typo_apart(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def exact_words() -> list[str]:
    """Trade words that a typo would turn into another trade's word ("moniteur" / "monteur"):
    Meilisearch `typoTolerance.disableOnWords`."""
    codes_of: dict[str, set[str]] = defaultdict(set)
    for row in trade_titles():
        if row.lang == "fr":
            for word in _fold(row.title).replace("'", " ").replace("-", " ").split():
                if len(word) >= MIN_TYPO_WORD:
                    codes_of[word].add(row.code)
    words = sorted(codes_of)
    exact: set[str] = set()
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            if not codes_of[a] & codes_of[b] and _one_typo_apart(a, b):
                exact.update((a, b))
    return sorted(exact)


def search_aliases() -> list[tuple[str, str]]:
    """(title, ROME code) of every title not already a ROME title, for the trades' type-ahead
    ("waiter", "Kellner", "cuistot")."""
    return [(row.title, row.code) for row in trade_titles() if row.source != "rome-v460"]
