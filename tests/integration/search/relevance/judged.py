"""The judged queries: what seasonal workers type, and which offers of the catalogue
(catalogue.py) should come back. Every offer is judged: relevant when it meets the query's
conditions, else it must not come back — except `neutral` trades, neither counted for nor
against (a "chef de rang" for "serveur").

`guard`: the query names a trade; no offer of another (non-neutral) trade may come back at
all, on any page — what a typo would bring in (serveur → secteur, serrure, sérieux;
moniteur → monteur).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tests.integration.search.relevance.catalogue import Spec

WAITER = ("G1803",)
COOK = ("G1609",)
INSTRUCTOR = ("G1204",)
LIFT = ("N4402",)
DISHWASHER = ("G1605",)
ROOMS = ("G1501",)
VAL_D_ISERE = ("val-d-isere", "tignes-val-d-isere")
ALPE_D_HUEZ = ("alpe-d-huez",)
# Trades whose ROME job titles (indexed with each offer) hold the query's words: "Cuisinier
# pâtissier" and "Commis pâtissier" (G1610, G1602), "Moniteur d'enfants" (G1203), "Moniteur
# de sport nature" (G1216), "Premier commis de cuisine" (G1609), "Première femme de chambre"
# and "Chef de rang de room service" (G1503), "Gouvernante d'enfant à domicile" (K1303).
# Neither right nor wrong.
KITCHEN = ("G1602", "G1610")
KIDS_AND_HIKING = ("G1203", "G1216")
HEAD_OF_ROOMS = ("G1503",)


@dataclass(frozen=True)
class Judged:
    q: str
    trades: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    season: str | None = None
    housing: bool = False  # housing provided
    meals: bool = False
    neutral: tuple[str, ...] = ()  # trades neither relevant nor wrong
    guard: bool = False

    def relevant(self, spec: Spec) -> bool:
        return (
            (not self.trades or spec.trade in self.trades)
            and (not self.places or spec.place in self.places)
            and (self.season is None or spec.season == self.season)
            and (not self.housing or spec.housing == "provided")
            and (not self.meals or spec.meals)
        )

    def judged(self, spec: Spec) -> bool:
        """Counted for or against (help with housing is neither, for a housing query)."""
        if spec.trade in self.neutral:
            return False
        return not (self.housing and spec.housing == "help")


def t(q: str, trades: tuple[str, ...], neutral: tuple[str, ...] = ()) -> Judged:
    """A trade typed as people type it; guarded against other trades."""
    return Judged(q, trades=trades, neutral=neutral, guard=True)


QUERIES: tuple[Judged, ...] = (
    # French trades: masculine, feminine, inclusive, plural, typos.
    t("serveur", WAITER),
    t("serveuse", WAITER),
    t("serveurs", WAITER),
    t("serveur/serveuse", WAITER),
    t("serveur(se)", WAITER),
    t("serveur·euse", WAITER),
    t("serveuze", WAITER),
    t("sreveur", WAITER),
    t("moniteur", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("monitrice", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("moniteurs de ski", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("monitrice de ski", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("moniteru de ski", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("monteur", ("F1502",)),
    t("cuisinier", COOK, neutral=KITCHEN),
    t("cuisinière", COOK, neutral=KITCHEN),
    t("cuisinier(e)", COOK, neutral=KITCHEN),
    t("cusinier", COOK, neutral=KITCHEN),
    t("commis de cuisine", ("G1602",), neutral=COOK),
    t("plongeur", DISHWASHER),
    t("plongeuse", DISHWASHER),
    t("plongueur", DISHWASHER),
    t("réceptionniste", ("G1703",)),
    t("receptioniste", ("G1703",)),
    t("femme de chambre", ROOMS, neutral=HEAD_OF_ROOMS),
    t("valet de chambre", ROOMS, neutral=HEAD_OF_ROOMS),
    t("gouvernante", ("G1503",), neutral=("K1303",)),
    t("perchman", LIFT),
    t("liftier", LIFT),
    t("liftière", LIFT),
    t("pisteur", ("K1726",)),
    t("pisteuse secouriste", ("K1726",)),
    t("conducteur de dameuse", ("F1303",)),
    t("conductrice de dameuse", ("F1303",)),
    t("skiman", ("D1211",)),
    t("barman", ("G1801",)),
    t("barmaid", ("G1801",)),
    t("chef de rang", ("G1810",), neutral=HEAD_OF_ROOMS),
    t("pâtissier", ("G1610", "D1102"), neutral=("G1602",)),
    t("patissiere", ("G1610", "D1102"), neutral=("G1602",)),
    t("boulanger", ("D1102",)),
    t("animatrice", ("G1203",)),
    t("animateur·rice", ("G1203",)),
    t("baby-sitter", ("K1303",)),
    t("accompagnateur en montagne", ("G1216",)),
    t("nivoculteur", ("I1331",)),
    t("chauffeur de navette", ("N4128",)),
    # What seasonal workers type in English, German, Dutch, Italian and Spanish.
    t("waiter", WAITER),
    t("waitress", WAITER),
    t("chef de partie", COOK, neutral=KITCHEN),
    t("cook", COOK, neutral=KITCHEN),
    t("lift operator", LIFT),
    t("ski instructor", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("dishwasher", DISHWASHER),
    t("kitchen porter", DISHWASHER),
    t("housekeeper", ROOMS, neutral=HEAD_OF_ROOMS),
    t("receptionist", ("G1703",)),
    t("bartender", ("G1801",)),
    t("ski patrol", ("K1726",)),
    t("snow groomer", ("F1303",)),
    t("nanny", ("K1303",)),
    t("bus driver", ("N4103",)),
    t("Kellner", WAITER),
    t("Kellnerin", WAITER),
    t("Skilehrer", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("Koch", COOK, neutral=KITCHEN),
    t("Zimmermädchen", ROOMS, neutral=HEAD_OF_ROOMS),
    t("Tellerwäscher", DISHWASHER),
    t("Liftbediener", LIFT),
    t("afwasser", DISHWASHER),
    t("ober", WAITER),
    t("skileraar", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("kamermeisje", ROOMS, neutral=HEAD_OF_ROOMS),
    t("cameriere", WAITER),
    t("maestro di sci", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("lavapiatti", DISHWASHER),
    t("cuoco", COOK, neutral=KITCHEN),
    t("camarero", WAITER),
    t("camarera de pisos", ROOMS, neutral=HEAD_OF_ROOMS),
    t("monitor de esquí", INSTRUCTOR, neutral=KIDS_AND_HIKING),
    t("friegaplatos", DISHWASHER),
    t("recepcionista", ("G1703",)),
    # Resorts in the keyword box, elisions.
    Judged("Val d'Isère", places=VAL_D_ISERE),
    Judged("val d'isere", places=VAL_D_ISERE),
    Judged("Val Thorens", places=("val-thorens",)),
    Judged("val torens", places=("val-thorens",)),
    Judged("l'alpe d'huez", places=ALPE_D_HUEZ),
    Judged("alpe d'huez", places=ALPE_D_HUEZ),
    Judged("Les Deux Alpes", places=("les-deux-alpes",)),
    Judged("Méribel", places=("meribel",)),
    Judged("serre chevalier", places=("serre-chevalier",)),
    Judged("serveur val thorens", trades=WAITER, places=("val-thorens",)),
    Judged("moniteur de ski l'alpe d'huez", trades=INSTRUCTOR, places=ALPE_D_HUEZ),
    Judged("cuisinier Chamonix", trades=COOK, places=("chamonix",), neutral=KITCHEN),
    # Everyday words.
    Judged("job logé", housing=True),
    Judged("nourri logé", housing=True, meals=True),
    Judged("logé nourri", housing=True, meals=True),
    Judged("saison d'été", season="summer"),
    Judged("saison d'hiver", season="winter"),
    Judged("serveur logé", trades=WAITER, housing=True),
    Judged("plongeur nourri logé", trades=DISHWASHER, housing=True, meals=True),
)


@dataclass(frozen=True)
class Outcome:
    query: Judged
    precision_at_10: float
    recall: float
    ndcg_at_10: float
    wrong: tuple[int, ...]  # judged, not relevant, in the top 10 (ids)
    missed: tuple[int, ...]  # relevant, not returned (ids)
    intruders: tuple[int, ...]  # guarded query: another trade's offers anywhere (ids)


def outcome(query: Judged, returned: Sequence[int], catalogue: dict[int, Spec]) -> Outcome:
    """Precision@10 over the judged offers of the first ten; recall over all pages;
    NDCG@10 with binary gains (neutral offers gain nothing)."""
    relevant = {i for i, s in catalogue.items() if query.relevant(s)}
    top = list(returned[:10])
    judged_top = [i for i in top if query.judged(catalogue[i]) or i in relevant]
    hits = [i for i in judged_top if i in relevant]
    precision = len(hits) / len(judged_top) if judged_top else (0.0 if relevant else 1.0)
    recall = len(relevant & set(returned)) / len(relevant) if relevant else 1.0
    dcg = sum(1 / math.log2(rank + 2) for rank, i in enumerate(top) if i in relevant)
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(10, len(relevant))))
    intruders = tuple(
        i for i in returned if query.guard and i not in relevant and query.judged(catalogue[i])
    )
    return Outcome(
        query,
        precision,
        recall,
        dcg / ideal if ideal else 1.0,
        tuple(i for i in judged_top if i not in relevant),
        tuple(sorted(relevant - set(returned))),
        intruders,
    )
