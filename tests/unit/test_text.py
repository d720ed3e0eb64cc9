from __future__ import annotations

from app.core.text import de, fold, like_escape, search_key, slugify
from app.core.validation import luhn_ok, siret_problem


def test_fold_and_search_key() -> None:
    assert fold("Gérardmer") == "gerardmer"
    assert search_key("L'Alpe d'Huez", "Huez") == "l alpe d huez huez"
    assert search_key("Cœur  ÉTÉ") == "coeur ete"


def test_slugify() -> None:
    assert slugify("Val d'Isère") == "val-d-isere"
    assert slugify("!!!") == "x"
    assert len(slugify("a" * 300, 80)) == 80


def test_like_escape() -> None:
    assert like_escape("50%_\\") == "50\\%\\_\\\\"


def test_siret() -> None:
    assert luhn_ok("73282932000074")
    assert siret_problem("73282932000074") is None
    assert siret_problem("73282932000075") is not None
    assert siret_problem("1234") is not None


def test_de_elides_and_contracts_before_a_name() -> None:
    assert f"près {de('Annecy')}" == "près d'Annecy"
    assert de("Huez") == "d'Huez"
    assert de("Éourres") == "d'Éourres"
    assert de("Yvoire") == "d'Yvoire"
    assert de("Val Thorens") == "de Val Thorens"
    assert de("La Clusaz") == "de La Clusaz"
    assert de("Le Grand-Bornand") == "du Grand-Bornand"
    assert de("Les Deux Alpes") == "des Deux Alpes"
    assert de("Lescun") == "de Lescun"
