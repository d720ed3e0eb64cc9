"""The type-ahead matcher shared by places and trades, the API and the site.

Entries (a place's name, a trade's job title …) are cut into words the way people type them:
accents and case folded, elisions split ("l'alpe" -> "alpe", and "dhuez" also kept glued),
inclusive endings dropped ("serveur·se", "serveur.se", "moniteur·rice" -> the masculine word),
abbreviations spelled out ("st" -> "saint", "ste" -> "sainte", "mt" -> "mont", "2" -> "deux").
A query matches an entry when each of its words is a word of the entry, the start of one,
or, failing both anywhere in the index, a word of 5 letters or more at one typo from one
(Damerau: one letter added, dropped, changed, or two swapped). Articles ("les", "de" …) are
ignored unless the query has nothing else.

In memory, per process: about 11,000 places and 15,000 trade titles make a few megabytes and
answer in about a millisecond, with rules (elisions, inclusive forms, one typo from 5 letters)
that SQL trigram similarity cannot state. Each domain builds its Index from its rows and
keeps it in a CachedIndex, built again when the rows changed.
"""

from __future__ import annotations

import heapq
import re
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from app.core.text import fold

ARTICLES = frozenset(
    {"le", "la", "les", "l", "de", "du", "des", "d", "en", "sur", "sous", "et", "aux", "au"}
    | {"a", "un", "une", "the", "of"}
)
ABBREVIATIONS = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
    "mt": "mont",
    "mts": "monts",
    "1": "un",
    "2": "deux",
    "3": "trois",
    "4": "quatre",
    "5": "cinq",
    "6": "six",
    "7": "sept",
    "8": "huit",
    "9": "neuf",
    "10": "dix",
}
TYPO_MIN_LENGTH = 5
INDEX_TTL = 300.0  # seconds between checks of the rows, as the search parameters' copy
# An inclusive ending written after a word: "serveur·se", "serveur.se", "serveur(se)",
# "monteur·euse", "agent·e", "chef·fe", "moniteur/rice" (the ending is dropped).
_INCLUSIVE = re.compile(
    r"(?<=[a-z])\s*[·•.(/]\s*"
    r"(e|es|se|ses|euse|euses|rice|rices|trice|ere|eres|ne|nes|fe|le|te|sse)\)?(?![a-z])"
)
_ELISION = re.compile(r"\b([ldjmnst]|qu|jusqu|lorsqu|puisqu)['’`´]\s*(?=[a-z])")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Words:
    """The words of a text: `core` in order (what the text says), `extra` also matched."""

    core: tuple[str, ...]
    extra: frozenset[str] = frozenset()


def feminine(word: str, ending: str) -> str:
    """The feminine of an inclusive writing: ("moniteur", "rice") -> "monitrice"."""
    if ending in ("rice", "trice", "rices") and word.endswith("teur"):
        return word[:-4] + "trice"
    if ending in ("se", "euse", "euses", "ses") and word.endswith("eur"):
        return word[:-3] + "euse"
    if ending in ("ere", "eres") and word.endswith("er"):
        return word[:-2] + "ere"
    return word + ending.rstrip("s") if ending not in ("es", "ses") else word + "e"


def words(text: str) -> Words:
    """The words of a text as they are matched; the same cutting for entries and queries.
    An inclusive writing ("serveur·euse") gives its masculine word, its feminine ("serveuse")
    among the extra words."""
    folded = fold(text)
    glued: set[str] = set()

    def inclusive(match: re.Match[str]) -> str:
        before = re.findall(r"[a-z]+$", folded[: match.start()])
        if before:
            glued.add(feminine(before[0], match.group(1)))
        return ""

    folded = _INCLUSIVE.sub(inclusive, folded)
    for match in re.finditer(r"\b(d|l)['’`´]\s*([a-z0-9]+)", folded):
        glued.add(match.group(1) + match.group(2))
    folded = _ELISION.sub(" ", folded)
    core: list[str] = []
    for word in _NON_ALNUM.sub(" ", folded).split():
        word = ABBREVIATIONS.get(word, word)
        if len(word) == 1 and word.isalpha() and word not in ("a",):
            continue  # a stray letter (an elision without its apostrophe)
        core.append(word)
    return Words(tuple(core), frozenset(glued))


def deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass(frozen=True)
class Hit:
    """An entry that matched, and how well: lower `quality` is better."""

    entry: int
    quality: tuple[int, ...]


@dataclass
class Index:
    """Words of entries -> entries. Add every entry with add(), then match with search()."""

    # Per entry: its own words in order, every word it matches by, its secondary words.
    entries: list[tuple[tuple[str, ...], frozenset[str], frozenset[str]]] = field(
        default_factory=list
    )
    _postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    _vocabulary: list[str] = field(default_factory=list)
    _near: dict[str, list[str]] | None = None  # one-deletion variant -> words (built lazily)

    def add(self, text: str, secondary: Iterable[str] = ()) -> int:
        """Index an entry's text, plus secondary words (a postal code, a commune's name …)
        that match but rank below the text's own; returns the entry's number."""
        own = words(text)
        second: set[str] = set()
        for item in secondary:
            item_words = words(item)
            second.update(item_words.core)
            second.update(item_words.extra)
        every = frozenset(own.core) | own.extra | second
        number = len(self.entries)
        self.entries.append((own.core, every, frozenset(second - set(own.core) - own.extra)))
        for word in every:
            self._postings[word].append(number)
        self._vocabulary = []
        self._near = None
        return number

    def _typo_table(self) -> dict[str, list[str]]:
        if self._near is None:
            near: dict[str, list[str]] = defaultdict(list)
            for word in self._postings:
                if len(word) >= TYPO_MIN_LENGTH and not word.isdigit():
                    for variant in deletions(word):
                        near[variant].append(word)
            self._near = dict(near)
        return self._near

    def _matches(self, word: str) -> dict[str, int]:
        """Indexed words that `word` may stand for: 0 the word, 1 a longer one, 2 a typo."""
        if not self._vocabulary:
            self._vocabulary = sorted(self._postings)
        found: dict[str, int] = {}
        if word in self._postings:
            found[word] = 0
        start = bisect_left(self._vocabulary, word)
        for candidate in self._vocabulary[start:]:
            if not candidate.startswith(word):
                break
            found.setdefault(candidate, 1)
        if found or len(word) < TYPO_MIN_LENGTH or word.isdigit():
            return found
        table = self._typo_table()
        near = set(table.get(word, ()))  # a letter was dropped
        for variant in deletions(word):
            near.update(table.get(variant, ()))  # a letter added, changed, or two swapped
            if variant in self._postings and len(variant) >= TYPO_MIN_LENGTH:
                near.add(variant)
        for candidate in near:
            if _one_typo(word, candidate):
                found[candidate] = 2
        return found

    def search(
        self,
        query: str,
        limit: int,
        *,
        keep: Callable[[int], bool] | None = None,
        boost: Callable[[int], int] | None = None,
        tiebreak: Callable[[int], int] | None = None,
        group: Callable[[int], int] | None = None,
    ) -> list[Hit]:
        """The best `limit` entries for the query, best first.

        Order: fewest prefix/typo matches, fewest words matched only by secondary words,
        `boost` (lower first: resorts before communes, mountain trades first), the entry's
        words equal to the query or starting with it, `tiebreak` (lower first: bigger towns),
        then shorter entries. `keep` filters
        entries; `group` keeps only the best entry of each group (a trade's titles)."""
        typed = words(query)
        wanted = [w for w in typed.core if w not in ARTICLES] or list(typed.core)
        if not wanted:
            return []
        per_word = [self._matches(w) for w in wanted]
        if any(not m for m in per_word):
            return []
        sizes = [sum(len(self._postings[c]) for c in m) for m in per_word]
        rarest = per_word[sizes.index(min(sizes))]
        candidates = {e for c in rarest for e in self._postings[c]}
        key = " ".join(wanted)
        best: dict[int, tuple[tuple[int, ...], int]] = {}
        for entry in candidates:
            if keep is not None and not keep(entry):
                continue
            core, every, second = self.entries[entry]
            cost = secondary = 0
            for matches in per_word:
                qualities = [q for w, q in matches.items() if w in every]
                if not qualities:
                    break
                top = min(qualities)
                cost += top
                if all(w in second for w, q in matches.items() if w in every and q == top):
                    secondary += 1
            else:
                name = " ".join(w for w in core if w not in ARTICLES)
                phrase = 0 if name == key else 1 if name.startswith(key) else 2
                order = (
                    cost,
                    secondary,
                    boost(entry) if boost else 0,
                    phrase,
                    tiebreak(entry) if tiebreak else 0,
                    len(core),
                    entry,
                )
                slot = group(entry) if group else entry
                if slot not in best or order < best[slot][0]:
                    best[slot] = (order, entry)
        ranked = heapq.nsmallest(limit, best.values())
        return [Hit(entry, order[:4]) for order, entry in ranked]


def _one_typo(a: str, b: str) -> bool:
    """Whether b is a at one edit: one letter added, dropped or changed, or two swapped."""
    if a == b or abs(len(a) - len(b)) > 1 or max(len(a), len(b)) < TYPO_MIN_LENGTH:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i = diff[0]
        return len(diff) == 2 and diff[1] == i + 1 and (a[i], a[i + 1]) == (b[i + 1], b[i])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


T = TypeVar("T")


class CachedIndex(Generic[T]):
    """A domain's index (its `Index` and what goes with it), kept per process and built again
    when its rows changed: `version()` (e.g. the rows' count and highest id) is asked at most
    every `ttl` seconds, and `build()` runs when it differs from the kept index's."""

    def __init__(
        self,
        build: Callable[[], Awaitable[T]],
        version: Callable[[], Awaitable[Hashable]],
        ttl: float = INDEX_TTL,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build = build
        self._now = now
        self._version_of = version
        self._ttl = ttl
        self._built: T | None = None
        self._version: Hashable = None
        self._checked_at = float("-inf")

    def forget(self) -> None:
        """Build again at the next use (after the rows were replaced)."""
        self._built = None
        self._checked_at = float("-inf")

    async def get(self) -> T:
        if self._built is not None and self._now() - self._checked_at < self._ttl:
            return self._built
        version = await self._version_of()
        if self._built is None or version != self._version:
            self._built = await self._build()
            self._version = version
        self._checked_at = self._now()
        return self._built
