"""Message catalogues: the product's labels in French (default) and English."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("fr", "en")
_FOLDER = Path(__file__).resolve().parent.parent / "i18n"


@lru_cache(maxsize=len(LANGUAGES))
def catalogue(language: str = "fr") -> dict[str, str]:
    if language not in LANGUAGES:
        language = "fr"
    data: dict[str, str] = json.loads((_FOLDER / f"{language}.json").read_text("utf-8"))
    return data


def label(kind: str, code: str, language: str = "fr") -> str:
    """The label of a vocabulary value, e.g. label("massif", "alpes-nord") -> "Alpes du Nord"."""
    return catalogue(language).get(f"{kind}.{code}", code)
