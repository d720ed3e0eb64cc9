"""Text helpers: slugs, accent-free search keys and the French "de" before a name."""

from __future__ import annotations

import re
import secrets
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case without accents: "Gérardmer" -> "gerardmer", "Œ" -> "oe"."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_key(*parts: str) -> str:
    """Words of the parts, folded and separated by single spaces, for substring search."""
    return " ".join(_NON_ALNUM.sub(" ", fold(" ".join(parts))).split())


def slugify(text: str, max_length: int = 80) -> str:
    slug = _NON_ALNUM.sub("-", fold(text)).strip("-")
    return slug[:max_length].rstrip("-") or "x"


def random_suffix(length: int = 5) -> str:
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def like_escape(text: str) -> str:
    """Escape LIKE wildcards so user text matches literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_ELIDES = re.compile(r"^[aeiouyhàâäéèêëîïôöûüùœæ]", re.IGNORECASE)


def de(name: str) -> str:
    """The French "de" before a name: "d'Annecy", "d'Huez" (a place's h is mute), "du
    Grand-Bornand", "des Deux Alpes", "de La Clusaz", "de Val Thorens"."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    return f"d'{name}" if _ELIDES.match(name) else f"de {name}"
