"""The type-ahead's cutting of words and its one-typo rule, on a small index."""

from __future__ import annotations

import pytest

from app.core.typeahead import CachedIndex, Index, _one_typo, words


@pytest.mark.parametrize(
    ("text", "core", "extra"),
    [
        ("L'Alpe d'Huez", ("alpe", "huez"), {"lalpe", "dhuez"}),
        ("Les 2 Alpes", ("les", "deux", "alpes"), set()),
        ("St-Lary", ("saint", "lary"), set()),
        ("Ste Foy", ("sainte", "foy"), set()),
        ("serveur·se", ("serveur",), {"serveuse"}),
        ("serveur.se", ("serveur",), {"serveuse"}),
        ("Moniteur·rice de ski", ("moniteur", "de", "ski"), {"monitrice"}),
        ("Boulanger·ère", ("boulanger",), {"boulangere"}),
        ("Chef·fe de rang", ("chef", "de", "rang"), {"cheffe"}),
        ("GÉRARDMER", ("gerardmer",), set()),
    ],
)
def test_words(text: str, core: tuple[str, ...], extra: set[str]) -> None:
    cut = words(text)
    assert cut.core == core
    assert cut.extra == extra


@pytest.mark.parametrize(
    ("a", "b", "one"),
    [
        ("torens", "thorens", True),
        ("meribell", "meribel", True),
        ("moniteur", "monteur", True),
        ("serveur", "secteur", False),
        ("serveur", "sérieux", False),
        ("recpetion", "reception", True),
        ("abcd", "abce", False),  # under five letters: no typo
    ],
)
def test_one_typo(a: str, b: str, one: bool) -> None:
    assert _one_typo(a, b) is one


def test_typo_only_when_nothing_matches_as_typed() -> None:
    index = Index()
    moniteur = index.add("Moniteur de ski")
    monteur = index.add("Monteur de pylônes")
    assert [h.entry for h in index.search("moniteur", 5)] == [moniteur]
    assert [h.entry for h in index.search("monteur", 5)] == [monteur]
    assert [h.entry for h in index.search("moniteurs", 5)] == [moniteur]
    assert index.search("zz", 5) == []


def test_secondary_words_rank_below_own_words() -> None:
    index = Index()
    commune = index.add("Val-d'Isère", ["73150"])
    other = index.add("Isère Village", ["38000"])
    assert {h.entry for h in index.search("isere", 5)} == {commune, other}
    secondary_only = index.add("Les Belleville", ["73440"])
    assert [h.entry for h in index.search("73440", 5)] == [secondary_only]
    named = index.add("73440 Village", [])
    assert [h.entry for h in index.search("73440", 5)] == [named, secondary_only]
    assert [h.entry for h in index.search("73150", 5)] == [commune]
    assert [h.entry for h in index.search("val d'is", 5)] == [commune]


async def test_a_cached_index_is_built_again_only_when_its_rows_changed() -> None:
    clock = [0.0]
    rows = [(3, 3)]  # the rows' version: count and highest id
    calls = {"build": 0, "version": 0}

    async def build() -> int:
        calls["build"] += 1
        return calls["build"]

    async def version() -> tuple[int, int]:
        calls["version"] += 1
        return rows[0]

    cached = CachedIndex(build, version, ttl=300.0, now=lambda: clock[0])
    assert await cached.get() == 1
    rows[0] = (4, 4)
    clock[0] = 299.0
    assert await cached.get() == 1  # within the TTL: the rows are not asked
    assert calls == {"build": 1, "version": 1}
    clock[0] = 300.0
    assert await cached.get() == 2  # asked again, changed: built again
    clock[0] = 600.0
    assert await cached.get() == 2  # asked again, unchanged: kept
    assert calls == {"build": 2, "version": 3}
    cached.forget()
    assert await cached.get() == 3  # forgotten: built at the next use
