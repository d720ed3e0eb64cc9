"""Realistic, seeded bench data: organisations, offers, alerts, trainings and their sessions.

Generation is pure: one `random.Random` per kind of record, seeded from the seed, and a fixed
`now`, so the same arguments always give the same records. Offers and alerts come from
iterators, so a million offers take bounded memory. `load()` COPYs them, in chunks, into an
existing migrated database that holds the reference data (places and trades), without
outbox rows: benchmarks reindex explicitly.

    python -m bench.generate --database-url postgresql://postgres@127.0.0.1:5432/em_bench \\
        --offers 100000 --alerts 50000 [--seed N]

creates the database if missing, migrates it, loads the reference data, truncates previous
bench data, loads, and prints the counts and the time taken.

The skews follow the trade: most offers in the Alps, mostly winter, cooks and waiters first,
mostly seasonal contracts, housing often provided, pay by trade from the demo templates.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import subprocess
import sys
import time
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from functools import cache
from pathlib import Path
from random import Random
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import msgspec

from app.alerts.schemas import SavedSearch
from app.core.clock import FRANCE
from app.core.text import slugify
from app.core.vocabulary import Contract, Experience, Housing, Massif, OfferStatus, Season

ROOT = Path(__file__).resolve().parent.parent
PLACES_CSV = ROOT / "app" / "places" / "data" / "places.csv"
MOUNTAIN_TRADES_CSV = ROOT / "app" / "trades" / "data" / "mountain_trades.csv"
DEMO = ROOT / "app" / "demo" / "data"

DEFAULT_SEED = 2026
DEFAULT_OFFERS = 100_000
DEFAULT_ALERTS = 50_000
DEFAULT_TRAININGS = 300
CHUNK = 10_000
OFFER_LIFETIME = timedelta(days=60)
SMIC_HOUR = 11.88
SMIC_MONTH = 1802.0
ALERT_HOUR = clock_time(7, 0)

T = TypeVar("T")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class Weighted(Generic[T]):
    """Items drawn with fixed weights: one random number and a bisect per draw."""

    def __init__(self, pairs: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, weight in pairs if weight > 0]
        self.cum: list[float] = []
        total = 0.0
        for _, weight in pairs:
            if weight > 0:
                total += weight
                self.cum.append(total)
        if not self.items:
            raise ValueError("nothing to draw from")
        self.total = total

    def pick(self, rng: Random) -> T:
        return self.items[min(bisect(self.cum, rng.random() * self.total), len(self.items) - 1)]

    def sample(self, rng: Random, k: int) -> list[T]:
        """k distinct items (fewer when there are not enough), in draw order."""
        k = min(k, len(self.items))
        chosen: list[T] = []
        while len(chosen) < k:
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
        return chosen


# --- the skews ------------------------------------------------------------------------------

MASSIF_SHARE: dict[str, float] = {
    Massif.ALPES_NORD.value: 45,
    Massif.ALPES_SUD.value: 20,
    Massif.PYRENEES.value: 15,
    Massif.MASSIF_CENTRAL.value: 7,
    Massif.VOSGES.value: 6,
    Massif.JURA.value: 5,
    Massif.CORSE.value: 2,
}
WINTER, SUMMER, YEAR_ROUND = Season.WINTER.value, Season.SUMMER.value, Season.YEAR_ROUND.value
SEASON_SHARE = Weighted([(WINTER, 70.0), (SUMMER, 20.0), (YEAR_ROUND, 10.0)])
# Weight of each mountain trade (ROME code) among offers: kitchens and dining rooms first.
TRADE_WEIGHT: dict[str, float] = {
    "G1609": 11.0,  # cuisinier
    "G1803": 11.0,  # serveur
    "G1605": 6.5,  # plongeur
    "G1501": 6.5,  # femme / valet de chambre
    "G1703": 5.0,  # réceptionniste
    "N4402": 5.0,  # agent de remontées mécaniques
    "G1204": 4.8,  # moniteur de ski
    "D1211": 4.5,  # technicien de location de skis
    "G1602": 4.0,  # commis de cuisine
    "G1801": 3.5,  # barman
    "G1810": 3.0,  # chef de rang
    "G1601": 2.5,  # chef de cuisine
    "G1502": 2.5,  # employé polyvalent d'hôtellerie
    "G1603": 2.5,  # employé de restauration rapide
    "K1726": 2.5,  # pisteur secouriste
    "D1505": 2.0,  # vente de forfaits
    "F1303": 1.5,  # conducteur de dameuse
    "G1203": 1.5,  # animateur enfants
    "K1303": 1.5,  # garde d'enfants
    "G1503": 1.2,  # gouvernante
    "G1610": 1.2,  # pâtissier
    "D1102": 1.0,  # boulanger
    "G1101": 1.0,  # office de tourisme
    "I1203": 1.0,  # maintenance des bâtiments
    "I1331": 0.8,  # nivoculteur
    "I1301": 0.8,  # maintenance des remontées
    "N4103": 0.8,  # conducteur de skibus
    "N4128": 0.6,  # chauffeur de navette
    "G1216": 0.6,  # accompagnateur en montagne
    "I1310": 0.4,
    "I1309": 0.4,
    "I1616": 0.4,
    "K1702": 0.3,
    "G1228": 0.3,
    "I1302": 0.3,
    "I1304": 0.3,
    "H1206": 0.2,
    "H1203": 0.2,
    "H1102": 0.2,
    "F1502": 0.2,
}
# How much more (or less) likely a trade is in a season than its weight says.
SEASON_AFFINITY: dict[str, tuple[float, float, float]] = {  # winter, summer, year-round
    "G1204": (1.0, 0.05, 0.05),
    "N4402": (1.0, 0.25, 0.1),
    "K1726": (1.0, 0.02, 0.05),
    "K1702": (1.0, 0.05, 0.5),
    "F1303": (1.0, 0.05, 0.1),
    "I1331": (1.0, 0.0, 0.1),
    "D1211": (1.0, 0.35, 0.15),
    "D1505": (1.0, 0.3, 0.1),
    "G1216": (0.4, 3.0, 0.3),
    "G1228": (0.4, 3.0, 0.3),
    "G1203": (1.0, 2.0, 0.3),
    "G1101": (1.0, 1.5, 1.5),
    "I1203": (1.0, 0.7, 1.5),
    "N4103": (1.0, 0.3, 0.5),
    "I1301": (0.8, 0.4, 2.0),
    "I1309": (0.8, 0.4, 2.0),
    "I1310": (0.8, 0.4, 2.0),
    "I1616": (0.8, 0.4, 2.0),
    "I1302": (0.2, 0.2, 6.0),
    "I1304": (0.2, 0.2, 6.0),
    "H1102": (0.2, 0.2, 6.0),
    "H1203": (0.2, 0.2, 6.0),
    "H1206": (0.2, 0.2, 6.0),
    "F1502": (0.2, 0.4, 6.0),
}
# The big resorts get most offers; then other resorts, ski areas, and nordic sites last.
TOP_RESORTS = frozenset(
    _words(
        "val-thorens courchevel meribel tignes val-d-isere les-arcs la-plagne chamonix "
        "alpe-d-huez les-deux-alpes avoriaz serre-chevalier"
    )
)
BIG_RESORTS = frozenset(
    _words(
        "val-thorens courchevel meribel tignes val-d-isere les-arcs la-plagne chamonix alpe-d-huez "
        "les-deux-alpes avoriaz morzine les-menuires megeve la-clusaz les-gets flaine "
        "serre-chevalier montgenevre vars risoul isola-2000 auron orcieres-merlette pra-loup "
        "saint-lary font-romeu peyragudes cauterets la-mongie grand-tourmalet super-besse "
        "le-mont-dore le-lioran les-rousses metabief gerardmer la-bresse"
    )
)
MID_RESORTS = frozenset(
    _words(
        "la-rosiere sainte-foy-tarentaise valloire valmorel les-saisies le-grand-bornand chatel "
        "les-contamines saint-gervais-les-bains les-houches samoens les-carroz val-cenis "
        "la-toussuire le-corbier chamrousse les-7-laux villard-de-lans meribel-mottaret "
        "saint-martin-de-belleville peisey-vallandry pralognan-la-vanoise argentiere les-orres "
        "superdevoluy puy-saint-vincent valberg la-foux-d-allos briancon le-monetier-les-bains "
        "piau-engaly gourette les-angles ax-3-domaines luz-ardiden la-pierre-saint-martin "
        "superbagneres lelex le-markstein ballon-d-alsace chalmazel"
    )
)
PLACE_KIND_WEIGHT = {"resort": 3.0, "ski-area": 1.5, "nordic": 0.5}
BUSINESS_SHARE = Weighted(
    [
        ("restaurant", 30),
        ("hotel", 24),
        ("rental-shop", 9),
        ("shop", 8),
        ("ski-school", 7),
        ("lift-operator", 4),
        ("tourist-office", 4),
        ("childcare", 3),
        ("mountain-guides", 3),
        ("equipment-maker", 1.5),
        ("engineering", 1),
    ]
)
BUSINESS_SIZE = {
    "lift-operator": 10.0,
    "equipment-maker": 6.0,
    "engineering": 4.0,
    "ski-school": 4.0,
    "hotel": 3.0,
    "restaurant": 1.5,
    "tourist-office": 1.5,
    "rental-shop": 1.2,
    "shop": 1.0,
    "childcare": 1.0,
    "mountain-guides": 1.0,
}
STATUS_SHARE = Weighted(
    [
        (OfferStatus.PUBLISHED.value, 86),
        (OfferStatus.EXPIRED.value, 6),
        (OfferStatus.DRAFT.value, 4),
        (OfferStatus.FILLED.value, 3),
        (OfferStatus.ARCHIVED.value, 1),
    ]
)
FREQUENCY_SHARE = Weighted([("daily", 55), ("instant", 30), ("weekly", 15)])
ALERT_FACETS = Weighted(
    [("massif", 35), ("season", 25), ("trade", 25), ("housing", 10), ("contract", 5)]
)
ALERT_FACET_COUNT = Weighted([(0, 8), (1, 42), (2, 35), (3, 15)])
ALERT_WORDS = Weighted(
    [
        ("serveur", 14),
        ("cuisinier", 12),
        ("moniteur", 9),
        ("saisonnier", 7),
        ("réceptionniste", 5),
        ("plongeur", 5),
        ("femme de chambre", 5),
        ("commis de cuisine", 4),
        ("barman", 4),
        ("perchman", 3),
        ("pisteur", 3),
        ("skiman", 3),
        ("chef de partie", 3),
        ("nourri logé", 3),
        ("serveuse", 3),
        ("baby-sitter", 2),
        ("dameuse", 2),
        ("pâtissier", 2),
        ("moniteur de ski", 2),
        ("accompagnateur montagne", 1),
    ]
)

# --- French material ------------------------------------------------------------------------

MONTHS = (
    "",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
CUISINE = {
    "alpes-nord": "savoyarde",
    "alpes-sud": "alpine et provençale",
    "pyrenees": "pyrénéenne",
    "massif-central": "auvergnate",
    "jura": "franc-comtoise",
    "vosges": "vosgienne",
    "corse": "corse",
}
PHONE_PREFIX = {
    "alpes-nord": "4",
    "alpes-sud": "4",
    "massif-central": "4",
    "corse": "4",
    "pyrenees": "5",
    "jura": "3",
    "vosges": "3",
}
NDA_REGION = {
    "alpes-nord": "82",
    "alpes-sud": "93",
    "pyrenees": "76",
    "massif-central": "84",
    "jura": "27",
    "vosges": "44",
    "corse": "94",
}

INTROS: dict[str, list[str]] = {
    "hotel": [
        "{employer}, hôtel {stars} étoiles de {rooms} chambres à {place} ({departement}), "
        "renforce son équipe pour {season}.",
        "Situé au pied des pistes de {place}, {employer} accueille une clientèle familiale et "
        "internationale ; nous recrutons pour {season}.",
        "Hôtel de {rooms} chambres avec restaurant et espace bien-être, {employer} recherche "
        "ses futurs collègues pour {season}.",
        "Au cœur du village de {commune}, notre établissement de {rooms} chambres prépare "
        "{season} et complète ses équipes.",
    ],
    "restaurant": [
        "{employer} ({covers} couverts, terrasse plein sud) recrute à {place} pour {season}.",
        "Restaurant de cuisine {cuisine} et de saison à {place}, {employer} complète son "
        "équipe pour {season}.",
        "Au bord des pistes de {place}, {employer} sert chaque jour jusqu'à {covers} couverts ; "
        "nous renforçons l'équipe pour {season}.",
        "Brasserie familiale ouverte midi et soir à {commune}, {employer} recherche des profils "
        "motivés pour {season}.",
    ],
    "lift-operator": [
        "{employer} exploite les remontées mécaniques et les pistes de {place} : {lifts} "
        "appareils et plus de {staff} saisonniers chaque hiver.",
        "Exploitant du domaine skiable de {place} ({departement}), {employer} recrute pour "
        "{season} et privilégie la promotion interne.",
        "Rejoignez les équipes de {employer}, qui assurent chaque jour l'ouverture du domaine de "
        "{place} en toute sécurité.",
    ],
    "ski-school": [
        "{employer} réunit une équipe de {staff} moniteurs et monitrices à {place} et enseigne "
        "le ski et le snowboard à tous les âges.",
        "École de ski indépendante installée à {place} depuis plus de vingt ans, {employer} "
        "recrute pour {season}.",
        "Cours collectifs, leçons particulières et stages : {employer} complète son équipe "
        "pédagogique pour {season}.",
    ],
    "rental-shop": [
        "{employer}, magasin de location et de vente de matériel de glisse à {place}, recrute "
        "pour {season}.",
        "Avec trois magasins au départ des pistes de {place}, {employer} équipe chaque semaine "
        "des centaines de vacanciers.",
        "Magasin de sport familial à {commune}, {employer} cherche des passionnés de glisse "
        "pour {season}.",
    ],
    "shop": [
        "{employer}, commerce de proximité du centre de {place}, renforce son équipe pour "
        "{season}.",
        "Boutique ouverte sept jours sur sept pendant les vacances scolaires, {employer} "
        "recrute à {commune}.",
    ],
    "tourist-office": [
        "L'office de tourisme de {place} accueille, informe et conseille les visiteurs toute "
        "l'année ; nous recrutons pour {season}.",
        "{employer} fait découvrir {place} et ses activités aux vacanciers, au bureau "
        "d'accueil comme en ligne.",
    ],
    "childcare": [
        "{employer} accueille les enfants de 6 mois à 12 ans à {place} pendant que les parents "
        "profitent de la montagne.",
        "Structure d'accueil de jeunes enfants agréée au cœur de {place}, {employer} renforce "
        "son équipe pour {season}.",
    ],
    "mountain-guides": [
        "{employer} propose alpinisme, randonnée, raquettes et ski de randonnée au départ de "
        "{place}, avec une équipe de professionnels diplômés.",
        "Au service des montagnards depuis plus de trente ans, {employer} recrute pour "
        "{season} à {place}.",
    ],
    "equipment-maker": [
        "{employer} conçoit, installe et entretient des remontées mécaniques et des "
        "équipements de domaine skiable dans tout le massif.",
        "Entreprise industrielle de {staff} salariés, {employer} intervient sur les chantiers "
        "des stations, dont {place}.",
    ],
    "engineering": [
        "{employer} est un bureau d'études spécialisé dans l'aménagement des domaines skiables, "
        "le transport par câble et la neige de culture.",
        "Ingénierie de montagne à taille humaine, {employer} accompagne les stations de la "
        "conception à la mise en service de leurs projets.",
    ],
}
ORGANISATION_ABOUT: dict[str, list[str]] = {
    "hotel": [
        "Hôtel familial au cœur de la station, chambres rénovées, restaurant et spa.",
        "Établissement skis aux pieds, ouvert en hiver et en été, logement du personnel assuré.",
    ],
    "restaurant": [
        "Cuisine de saison et produits du terroir, service midi et soir en haute saison.",
        "Restaurant d'altitude accessible skis aux pieds, grande terrasse panoramique.",
    ],
    "lift-operator": [
        "Exploitant du domaine skiable : remontées mécaniques, pistes, damage et neige de culture.",
        "Plusieurs centaines de saisonniers chaque hiver, formation et promotion interne.",
    ],
    "ski-school": [
        "École de ski et de snowboard : cours collectifs, cours particuliers, stages.",
        "Moniteurs diplômés, cours pour enfants dès 3 ans et jardin des neiges.",
    ],
    "rental-shop": [
        "Location et vente de skis, snowboards et vélos, atelier d'entretien sur place.",
        "Magasins au pied des pistes, réservation en ligne, bootfitting.",
    ],
    "shop": [
        "Commerce de proximité au centre de la station, ouvert toute la saison.",
        "Produits régionaux, boulangerie et épicerie fine.",
    ],
    "tourist-office": [
        "Accueil et information des visiteurs, animations et billetterie.",
        "Promotion de la destination en hiver comme en été.",
    ],
    "childcare": [
        "Accueil des enfants de 6 mois à 12 ans, équipe diplômée de la petite enfance.",
        "Garderie et club enfants ouverts pendant toute la saison.",
    ],
    "mountain-guides": [
        "Alpinisme, randonnée, canyoning et ski de randonnée avec des guides diplômés.",
        "Sorties à la journée et stages, en groupe ou en privé.",
    ],
    "equipment-maker": [
        "Conception, installation et maintenance de remontées mécaniques.",
        "Ateliers, chantiers en station et service après-vente itinérant.",
    ],
    "engineering": [
        "Bureau d'études : aménagement de domaines skiables, transport par câble, neige de "
        "culture.",
        "Études, maîtrise d'œuvre et assistance à maîtrise d'ouvrage pour les stations.",
    ],
}
NAMES: dict[str, tuple[list[str], list[str]]] = {  # prefixes, names
    "hotel": (
        ["Hôtel", "Chalet-Hôtel", "Hôtel-Restaurant", "Grand Hôtel", "Résidence", "Auberge"],
        [
            "Le Chamois",
            "Les Mélèzes",
            "L'Edelweiss",
            "Les Gentianes",
            "La Marmotte",
            "Le Bouquetin",
            "Les Sapins",
            "Le Refuge des Cimes",
            "Les Campanules",
            "Le Névé",
            "L'Aigle Blanc",
            "Les Arolles",
            "Le Grand Tétras",
            "Beau Site",
            "Les Soldanelles",
        ],
    ),
    "restaurant": (
        ["Restaurant", "Brasserie", "Bar-Restaurant", "Pizzeria", "Crêperie", "Le Bistrot"],
        [
            "La Bergerie",
            "Le Vieux Chalet",
            "La Fruitière",
            "L'Alpage",
            "La Grange",
            "Le Schuss",
            "La Table de l'Ours",
            "Le Chalet des Pistes",
            "La Ferme",
            "Le Mazot",
            "La Cabane",
            "Le Yéti",
            "Les Airelles",
            "Le Tremplin",
            "La Luge",
        ],
    ),
    "lift-operator": (
        [
            "Société des remontées mécaniques de",
            "Domaine skiable de",
            "Régie des pistes de",
            "SEM des neiges de",
        ],
        [],
    ),
    "ski-school": (
        ["École de ski", "Glisse Académie", "Snow School"],
        [
            "Altitude",
            "Cimes et Glisse",
            "Neige Évasion",
            "Les Moniteurs Indépendants",
            "Passion Glisse",
            "Hors Piste",
            "Première Trace",
        ],
    ),
    "rental-shop": (
        ["Ski Shop", "Glisse Location", "Atelier du Ski", "Sport 2000 -", "Alpina Sports"],
        [
            "Favre",
            "Girod",
            "Pollet",
            "Duc",
            "Perrier",
            "Bozon",
            "Mugnier",
            "Blanc",
            "Jacquemoud",
            "Rey",
            "Chevallier",
            "Arnaud",
        ],
    ),
    "shop": (
        ["Boulangerie", "Supérette", "Fromagerie", "Épicerie"],
        ["du Village", "des Neiges", "Favre", "Girod", "des Alpages", "du Col"],
    ),
    "tourist-office": (["Office de tourisme de"], []),
    "childcare": (
        ["Garderie", "Club enfants", "Crèche"],
        ["Les P'tits Flocons", "Les Marmottons", "Les Edelweiss", "Pom'Neige", "Les Lutins"],
    ),
    "mountain-guides": (
        ["Bureau des guides de", "Compagnie des accompagnateurs de"],
        [],
    ),
    "equipment-maker": (
        ["Alti", "Câbles et", "Neige Technique", "Dameuses Service"],
        ["Transport", "Montagne", "Alpes", "Industrie", "Remontées"],
    ),
    "engineering": (
        ["Bureau d'études", "Ingénierie", "Études et Projets"],
        ["Cimes", "Montagne Conseil", "Altitude", "Pistes et Câbles"],
    ),
}
SCHOOL_NAMES = (
    ["Institut", "Centre de formation", "Académie", "École des métiers", "Pôle Formation", "CFA"],
    [
        "de la Montagne",
        "des Métiers de la Neige",
        "Hôtellerie et Saisons",
        "du Câble",
        "Glisse et Sécurité",
        "des Saisonniers",
        "Tourisme et Montagne",
    ],
)
PROFILES: dict[str, list[str]] = {
    "none": [
        "Débutant·e accepté·e : vous serez formé·e par l'équipe dès votre arrivée.",
        "La motivation, la ponctualité et l'esprit d'équipe comptent plus que l'expérience.",
        "Première saison ? Nous formons chaque année des débutants motivés.",
    ],
    "some": [
        "Une première expérience sur un poste similaire est souhaitée.",
        "Vous avez déjà fait au moins une saison et vous aimez le travail en équipe.",
        "Une expérience en station est un plus, la motivation est indispensable.",
    ],
    "experienced": [
        "Vous justifiez d'au moins deux saisons sur un poste équivalent.",
        "Expérience confirmée demandée, autonomie et sens de l'organisation.",
    ],
    "expert": [
        "Vous avez une solide expérience du poste et vous savez encadrer une équipe.",
        "Profil confirmé, capable de former et d'animer une équipe en haute saison.",
    ],
}
LANGUAGE_SENTENCE = {
    "en": "L'anglais est indispensable avec notre clientèle internationale.",
    "de": "La pratique de l'allemand est appréciée.",
    "it": "Parler italien est un vrai plus.",
    "es": "La pratique de l'espagnol est appréciée.",
    "nl": "Le néerlandais est apprécié pour notre clientèle du Benelux.",
    "ru": "Quelques notions de russe seraient appréciées.",
    "pt": "Parler portugais est un plus.",
}
CONTRACT_PHRASE = {
    "seasonal": "contrat saisonnier",
    "fixed-term": "CDD",
    "permanent": "CDI",
    "apprenticeship": "contrat d'apprentissage",
    "internship": "stage conventionné",
    "temporary-agency": "mission d'intérim",
    "freelance": "statut indépendant",
}
HOUSING_SENTENCES = {
    "provided": [
        "Logement fourni en studio individuel.",
        "Logé·e en chambre partagée dans notre résidence du personnel.",
        "Hébergement assuré sur place, en chambre individuelle.",
        "Logement du personnel à deux pas du lieu de travail.",
    ],
    "help": [
        "Aide à la recherche d'un logement en station.",
        "Participation de l'employeur au loyer.",
        "Nous vous aidons à trouver un logement dans la vallée.",
    ],
    "none": [
        "Pas de logement fourni : candidatures locales appréciées.",
        "",
        "",
    ],
}
MEALS_SENTENCES = ["Repas pris sur place.", "Nourri·e midi et soir.", "Repas fournis."]
EXTRAS = {
    "any": [
        "Tenue de travail fournie.",
        "Deux jours de repos par semaine.",
        "Mutuelle d'entreprise.",
        "Ambiance conviviale et équipe soudée.",
        "Possibilité de reconduction la saison suivante.",
    ],
    "winter": [
        "Forfait de ski saison offert.",
        "Prime de fin de saison.",
        "Remise sur la location de matériel.",
    ],
    "summer": [
        "Accès gratuit aux remontées en été.",
        "Prime de fin de saison.",
    ],
    "tips": ["Pourboires partagés."],
}
CLOSINGS = [
    "Envoyez votre CV et quelques mots de motivation à {email}.",
    "Candidature par e-mail : CV et dates de disponibilité à {email}.",
    "Pour postuler, écrivez-nous à {email} en précisant vos disponibilités.",
    "Postulez en ligne sur {url} ou par e-mail à {email}.",
    "Entretiens possibles en visio : envoyez votre candidature à {email}.",
    "",
]
TITLE_SUFFIXES = Weighted(
    [
        ("", 45),
        ("place", 20),
        (" (H/F)", 10),
        ("season", 10),
        ("housing", 8),
        ("permanent", 4),
        ("urgent", 3),
    ]
)
EMAIL_DOMAINS = Weighted(
    [
        ("example.org", 30),
        ("example.net", 25),
        ("example.com", 25),
        ("courriel.example", 10),
        ("saisonniers.example", 10),
    ]
)
FIRST_NAMES = _words(
    "camille léa manon chloé emma inès jade louise lucas hugo théo nathan louis jules "
    "arthur tom maxime antoine julie sarah marine pauline clément baptiste romain quentin "
    "mathilde elsa lola enzo noah gabriel alice anaïs océane margaux florian kevin"
)
LAST_NAMES = _words(
    "martin bernard dubois thomas robert richard petit durand leroy moreau simon laurent "
    "lefebvre michel garcia david bertrand roux vincent fournier morel girard andre mercier "
    "dupont lambert bonnet francois martinez favre girod pollet blanc perrier bozon "
    "mugnier jacquemoud rey chevallier arnaud"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÝÉ])")
# Sentences of a template that speak of one season, left out of offers of the other.
SEASON_WORDS = {
    WINTER: re.compile(r"hiver|neige|ski", re.IGNORECASE),
    SUMMER: re.compile(r"d'été|l'été|estiva|VTT", re.IGNORECASE),
}


# --- reference material read from the project's own files ----------------------------------


@dataclass(frozen=True, slots=True)
class PlaceInfo:
    slug: str
    name: str
    commune: str
    departement_code: str
    departement_name: str
    massif: str
    latitude: float
    longitude: float
    kind: str


@dataclass(frozen=True, slots=True)
class OfferTemplate:
    title: str
    contracts: tuple[str, ...]
    pay_period: str
    pay_min: float
    pay_max: float
    hours_per_week: float
    housing_likely: bool
    languages: tuple[str, ...]
    driving_licence: bool
    experience: str
    missions: tuple[tuple[str, ...], ...]  # paragraphs of sentences
    profile: str


@cache
def places() -> tuple[PlaceInfo, ...]:
    """The curated places, as `litestar seed reference` loads them."""
    with PLACES_CSV.open(encoding="utf-8") as f:
        return tuple(
            PlaceInfo(
                slug=r["slug"],
                name=r["name"],
                commune=r["commune"],
                departement_code=r["departement_code"],
                departement_name=r["departement_name"],
                massif=r["massif"],
                latitude=float(r["latitude"]),
                longitude=float(r["longitude"]),
                kind=r["kind"],
            )
            for r in csv.DictReader(f)
        )


@cache
def mountain_trades() -> dict[str, str]:
    """ROME code → label of the trades flagged `mountain` by the reference data."""
    with MOUNTAIN_TRADES_CSV.open(encoding="utf-8") as f:
        return {r["code"]: r["label"] for r in csv.DictReader(f)}


def _template(raw: dict[str, Any]) -> OfferTemplate:
    missions: list[tuple[str, ...]] = []
    profile = ""
    for paragraph in raw["description"].split("\n\n"):
        if paragraph.startswith("Profil"):
            profile = paragraph
        elif not paragraph.startswith("Conditions"):
            missions.append(tuple(_SENTENCE_END.split(paragraph.strip())))
    return OfferTemplate(
        title=raw["title"].strip(),
        contracts=tuple(raw["contracts"]),
        pay_period=raw["pay_period"],
        pay_min=float(raw["pay_min"]),
        pay_max=float(raw["pay_max"]),
        hours_per_week=float(raw.get("hours_per_week") or 35),
        housing_likely=bool(raw.get("housing_likely")),
        languages=tuple(raw.get("languages") or ["fr"]),
        driving_licence=bool(raw.get("driving_licence")),
        experience=raw.get("experience", "none"),
        missions=tuple(missions),
        profile=profile,
    )


@cache
def offer_templates() -> dict[str, tuple[OfferTemplate, ...]]:
    """The demo catalogue's offer templates by ROME code: titles, pay, missions."""
    raw = json.loads((DEMO / "offer_templates.json").read_text("utf-8"))
    return {code: tuple(_template(t) for t in items) for code, items in raw.items()}


@cache
def business_trades() -> dict[str, tuple[str, ...]]:
    raw = json.loads((DEMO / "business_trades.json").read_text("utf-8"))
    return {kind: tuple(codes) for kind, codes in raw.items()}


@cache
def training_material() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads((DEMO / "trainings.json").read_text("utf-8")))


def place_weight(place: PlaceInfo) -> float:
    if place.slug in TOP_RESORTS:
        return 60.0
    if place.slug in BIG_RESORTS:
        return 25.0
    if place.slug in MID_RESORTS:
        return 8.0
    return PLACE_KIND_WEIGHT.get(place.kind, 1.0)


@cache
def place_draws() -> tuple[Weighted[str], dict[str, Weighted[PlaceInfo]]]:
    """A massif by its share, then a place of it by its size."""
    by_massif: dict[str, list[PlaceInfo]] = {}
    for place in places():
        by_massif.setdefault(place.massif, []).append(place)
    massifs = Weighted([(m, share) for m, share in MASSIF_SHARE.items() if m in by_massif])
    return massifs, {m: Weighted([(p, place_weight(p)) for p in ps]) for m, ps in by_massif.items()}


def pick_place(rng: Random, massif: str | None = None) -> PlaceInfo:
    massifs, in_massif = place_draws()
    return in_massif[massif or massifs.pick(rng)].pick(rng)


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    kind: str
    business: str  # kind of business of an employer; "school" for a school
    name: str
    slug: str
    description: str
    website: str
    contact_email: str
    phone: str
    place: str  # slug
    massif: str
    siret: str
    nda: str | None
    verified: bool
    size: float
    created_at: datetime


@dataclass(frozen=True, slots=True)
class OfferRecord:
    organisation: int  # index into Dataset.organisations
    title: str
    slug: str
    description: str
    trade: str  # ROME code
    place: str  # slug
    massif: str
    seasons: tuple[str, ...]
    contract: str
    start_date: date
    end_date: date | None
    hours_per_week: float
    pay_min: float | None
    pay_max: float | None
    pay_period: str | None
    housing: str
    meals: bool
    languages: tuple[str, ...]
    driving_licence: bool
    experience: str
    positions: int
    apply_email: str
    apply_url: str | None
    status: str
    published_at: datetime | None
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class AlertRecord:
    email: str
    search: dict[str, Any]  # a SavedSearch as the service stores it
    frequency: str
    key: str
    confirmed_at: datetime | None
    confirmations_sent: int
    confirmation_sent_at: datetime | None
    last_run_at: datetime | None
    next_run_at: datetime | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class TrainingRecord:
    organisation: int  # index into Dataset.organisations
    title: str
    slug: str
    description: str
    trade_codes: tuple[str, ...]
    certification_code: str | None
    certification_title: str | None
    duration_hours: int
    modality: str
    price_excl_vat: float | None
    price_incl_vat: float | None
    entry_requirements: str
    funding: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SessionRecord:
    training: int  # index into Dataset.trainings
    place: str
    start_date: date
    end_date: date
    seats_total: int
    seats_taken: int
    registration_deadline: date
    status: str
    created_at: datetime


# --- small helpers --------------------------------------------------------------------------


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if not number:
            return out


def _luhn_complete(digits: str) -> str:
    """digits followed by the check digit that makes the whole Luhn-valid (SIRET)."""
    for check in "0123456789":
        total = 0
        for i, char in enumerate(reversed(digits + check)):
            n = int(char)
            if i % 2 == 1:
                n = n * 2 - 9 if n > 4 else n * 2
            total += n
        if total % 10 == 0:
            return digits + check
    raise AssertionError("unreachable")


def _money(value: float) -> str:
    whole = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return whole.replace(",", " ").replace(".", ",") + " €"


def _french_date(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month]} {day.year}"


def _season_year(today: date) -> int:
    """The year the coming (or current) winter season starts in."""
    return today.year if today.month >= 5 else today.year - 1


def season_phrase(seasons: Sequence[str], today: date) -> str:
    year = _season_year(today)
    summer_year = today.year if today.month < 9 else today.year + 1
    if YEAR_ROUND in seasons:
        return "un poste à l'année"
    if WINTER in seasons and SUMMER in seasons:
        return f"l'hiver {year}-{year + 1} et l'été {year + 1}"
    if SUMMER in seasons:
        return f"la saison d'été {summer_year}"
    return f"la saison d'hiver {year}-{year + 1}"


def season_label(seasons: Sequence[str], today: date) -> str:
    """For titles: "Saison d'hiver 2026-2027", "Saison d'été 2027" …"""
    year = _season_year(today)
    if YEAR_ROUND in seasons:
        return "Poste à l'année"
    if WINTER in seasons and SUMMER in seasons:
        return f"Hiver {year}-{year + 1} et été {year + 1}"
    if SUMMER in seasons:
        return f"Saison d'été {today.year if today.month < 9 else today.year + 1}"
    return f"Saison d'hiver {year}-{year + 1}"


def season_dates(
    seasons: Sequence[str], contract: str, today: date, rng: Random
) -> tuple[date, date | None]:
    """Start in the coming season; seasonal contracts end with it."""
    year = _season_year(today)
    if YEAR_ROUND in seasons:
        start = today + timedelta(days=rng.randint(7, 75))
        if contract == Contract.PERMANENT:
            return start, None
        if contract == Contract.APPRENTICESHIP:
            return start, start + timedelta(days=rng.choice([365, 730]))
        return start, start + timedelta(days=rng.randint(90, 365))
    if WINTER in seasons:
        if rng.random() < 0.1:  # reinforcement for the February holidays
            start = date(year + 1, rng.choice([1, 2]), rng.randint(2, 15))
        else:
            start = date(year, 12, rng.randint(1, 20)) - timedelta(days=rng.choice([0, 0, 0, 5]))
        start = max(start, today + timedelta(days=rng.randint(3, 20)))
        end = date(year + 1, 4, rng.randint(5, 30))
        if SUMMER in seasons:
            end = date(year + 1, 9, rng.randint(10, 30))
        return start, max(end, start + timedelta(days=30))
    summer = today.year if today.month < 6 else today.year + 1
    start = max(date(summer, rng.choice([6, 6, 7]), rng.randint(1, 28)), today)
    return start, date(summer, rng.choice([8, 9, 9]), rng.randint(20, 30))


def next_run(frequency: str, now: datetime) -> datetime:
    """As app.alerts.services.next_run (without importing tables): 07:00 in France."""
    if frequency == "instant":
        return now
    local = now.astimezone(FRANCE)
    day = local.date() + timedelta(days=1)
    if frequency == "weekly":
        day = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(day, ALERT_HOUR, tzinfo=FRANCE)


def last_scheduled_run(frequency: str, now: datetime) -> datetime:
    """The latest 07:00 (daily) or Monday 07:00 (weekly) in France at or before now."""
    local = now.astimezone(FRANCE)
    day = local.date()
    if frequency == "weekly":
        day -= timedelta(days=local.weekday())
    run = datetime.combine(day, ALERT_HOUR, tzinfo=FRANCE)
    if run > now:
        run = datetime.combine(
            day - timedelta(days=7 if frequency == "weekly" else 1), ALERT_HOUR, tzinfo=FRANCE
        )
    return run


# --- organisations --------------------------------------------------------------------------


def _employer_name(business: str, place: PlaceInfo, rng: Random) -> str:
    prefixes, names = NAMES[business]
    prefix = rng.choice(prefixes)
    if not names:
        return f"{prefix} {place.name}"
    name = f"{prefix} {rng.choice(names)}"
    return f"{name} - {place.name}" if rng.random() < 0.35 else name


def _organisation(
    kind: str, business: str, name: str, place: PlaceInfo, size: float, now: datetime, rng: Random
) -> OrganisationRecord:
    about = ORGANISATION_ABOUT.get(business, ["Organisme de formation aux métiers de la montagne."])
    domain = f"{slugify(name, 40)}.example"
    digits = PHONE_PREFIX[place.massif]
    phone = f"+33 {digits} " + " ".join(f"{rng.randint(10, 99)}" for _ in range(4))
    return OrganisationRecord(
        kind=kind,
        business=business,
        name=name,
        slug=slugify(name, 100),
        description=" ".join(rng.sample(about, k=rng.randint(1, len(about)))),
        website=f"https://{domain}",
        contact_email=f"{rng.choice(['recrutement', 'rh', 'emploi', 'contact'])}@{domain}",
        phone=phone,
        place=place.slug,
        massif=place.massif,
        siret=_luhn_complete("".join(str(rng.randint(0, 9)) for _ in range(13))),
        nda=(
            NDA_REGION[place.massif] + "".join(str(rng.randint(0, 9)) for _ in range(9))
            if kind == "school"
            else None
        ),
        verified=rng.random() < 0.8,
        size=size,
        created_at=now - timedelta(days=rng.uniform(30, 1500)),
    )


def employer_count(offers: int) -> int:
    return max(len(BUSINESS_SHARE.items), min(60_000, offers // 20))


def generate_organisations(
    seed: int, now: datetime, offers: int, trainings: int
) -> list[OrganisationRecord]:
    """Employers (about one per 20 offers, every kind of business) and schools."""
    rng = Random(f"{seed}:organisations")
    records: list[OrganisationRecord] = []
    for i in range(employer_count(offers)):
        # The first ones cover every kind of business, so every trade has an employer.
        business = (
            BUSINESS_SHARE.items[i] if i < len(BUSINESS_SHARE.items) else BUSINESS_SHARE.pick(rng)
        )
        place = pick_place(rng)
        size = BUSINESS_SIZE[business] * min(rng.paretovariate(1.6), 15.0)
        name = _employer_name(business, place, rng)
        records.append(_organisation("employer", business, name, place, size, now, rng))
    for _ in range(max(1, trainings // 5)):
        place = pick_place(rng)
        prefixes, names = SCHOOL_NAMES
        name = f"{rng.choice(prefixes)} {rng.choice(names)}"
        if rng.random() < 0.6:
            name += f" - {place.name}"
        records.append(_organisation("school", "school", name, place, 1.0, now, rng))
    return _unique_slugs(records)


def _unique_slugs(records: list[OrganisationRecord]) -> list[OrganisationRecord]:
    """The second "Hôtel Le Chamois" becomes hotel-le-chamois-2, with a domain of its own."""
    used: set[str] = set()
    out: list[OrganisationRecord] = []
    for record in records:
        count = 1
        slug = record.slug
        while slug in used:
            count += 1
            slug = f"{record.slug}-{count}"
        used.add(slug)
        if count > 1:
            domain = f"{slugify(record.name, 40)}-{count}.example"
            record = replace(
                record,
                slug=slug,
                website=f"https://{domain}",
                contact_email=f"{record.contact_email.split('@')[0]}@{domain}",
            )
        out.append(record)
    return out


# --- offers ---------------------------------------------------------------------------------


class OfferFactory:
    """Draws offers one at a time; all state is the seeded generator and lookup tables."""

    def __init__(
        self, seed: int, now: datetime, organisations: Sequence[OrganisationRecord]
    ) -> None:
        self.rng = Random(f"{seed}:offers")
        self.now = now
        self.today = now.date()
        self.organisations = organisations
        trades = mountain_trades()
        templates = offer_templates()
        weights = {c: w for c, w in TRADE_WEIGHT.items() if c in trades and c in templates}
        self.trades_by_season: dict[str, Weighted[str]] = {}
        for i, season in enumerate((WINTER, SUMMER, YEAR_ROUND)):
            self.trades_by_season[season] = Weighted(
                [(c, w * SEASON_AFFINITY.get(c, (1.0, 1.0, 0.8))[i]) for c, w in weights.items()]
            )
        # Templates that fit the season: contracts that exist then, no title of the other one.
        self.templates: dict[tuple[str, str], tuple[OfferTemplate, ...]] = {}
        for code, items in templates.items():
            seasonal = tuple(t for t in items if set(t.contracts) - {"permanent"})
            yearly = tuple(t for t in items if set(t.contracts) - {"seasonal", "freelance"})
            self.templates[code, YEAR_ROUND] = yearly or items
            for season, other in ((WINTER, SUMMER), (SUMMER, WINTER)):
                fits = tuple(t for t in seasonal if not SEASON_WORDS[other].search(t.title))
                self.templates[code, season] = fits or seasonal or items
        # The massif is drawn first, then an employer of the trade there (bigger ones more
        # often): the massif shares hold even with few, unevenly sized employers.
        self.massifs = Weighted(list(MASSIF_SHARE.items()))
        by_trade: dict[str, list[tuple[int, float]]] = {}
        by_massif: dict[tuple[str, str], list[tuple[int, float]]] = {}
        for index, org in enumerate(organisations):
            if org.kind != "employer":
                continue
            for code in business_trades().get(org.business, ()):
                by_trade.setdefault(code, []).append((index, org.size))
                by_massif.setdefault((org.massif, code), []).append((index, org.size))
        everyone = [(i, o.size) for i, o in enumerate(organisations) if o.kind == "employer"]
        self.employers = {code: Weighted(by_trade.get(code) or everyone) for code in weights}
        self.local_employers = {key: Weighted(pairs) for key, pairs in by_massif.items()}

    def offer(self, index: int) -> OfferRecord:
        rng = self.rng
        season = SEASON_SHARE.pick(rng)
        seasons: tuple[str, ...] = (season,)
        if season != YEAR_ROUND and rng.random() < 0.06:
            seasons = (WINTER, SUMMER)
        code = self.trades_by_season[season].pick(rng)
        massif = self.massifs.pick(rng)
        local = self.local_employers.get((massif, code))
        organisation = (local or self.employers[code]).pick(rng)
        employer = self.organisations[organisation]
        place = self._place(employer, massif, rng)
        yearly = season == YEAR_ROUND
        template = rng.choice(self.templates[code, season])
        contract = self._contract(template, yearly, code, rng)
        start, end = season_dates(seasons, contract, self.today, rng)
        pay_min, pay_max, pay_period = self._pay(template, contract, rng)
        housing = self._housing(template, yearly, rng)
        meals = housing == Housing.PROVIDED and rng.random() < (
            0.6 if code.startswith("G1") else 0.2
        )
        languages = self._languages(template, place.massif, rng)
        experience = self._experience(template, contract, rng)
        hours = template.hours_per_week if rng.random() < 0.93 else rng.choice([20.0, 24.0, 28.0])
        apply_url = f"{employer.website}/recrutement" if rng.random() < 0.25 else None
        title = self._title(template, place, seasons, housing, contract, rng)
        status, published, expires, created, updated = self._lifecycle(rng)
        description = self._description(
            template=template,
            employer=employer,
            place=place,
            seasons=seasons,
            contract=contract,
            dates=(start, end),
            hours=hours,
            pay=(pay_min, pay_max, pay_period),
            housing=housing,
            meals=meals,
            languages=languages,
            experience=experience,
            driving=template.driving_licence,
            apply=(employer.contact_email, apply_url),
        )
        return OfferRecord(
            organisation=organisation,
            title=title,
            slug=f"{_slug(title, place.slug)}-{_b36(index)}",
            description=description,
            trade=code,
            place=place.slug,
            massif=place.massif,
            seasons=seasons,
            contract=contract,
            start_date=start,
            end_date=end,
            hours_per_week=hours,
            pay_min=pay_min,
            pay_max=pay_max,
            pay_period=pay_period,
            housing=housing,
            meals=meals,
            languages=languages,
            driving_licence=template.driving_licence or (rng.random() < 0.08),
            experience=experience,
            positions=rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 8)),
            apply_email=employer.contact_email,
            apply_url=apply_url,
            status=status,
            published_at=published,
            expires_at=expires,
            created_at=created,
            updated_at=updated,
        )

    @staticmethod
    def _place(employer: OrganisationRecord, massif: str, rng: Random) -> PlaceInfo:
        """Mostly the employer's own place; else elsewhere in the massif (groups, sites)."""
        travels = employer.business in ("equipment-maker", "engineering")
        if employer.massif == massif and rng.random() < (0.5 if travels else 0.85):
            return _place_by_slug()[employer.place]
        return pick_place(rng, massif)

    @staticmethod
    def _contract(template: OfferTemplate, yearly: bool, code: str, rng: Random) -> str:
        options = template.contracts
        if yearly:
            roll = rng.random()
            if roll < 0.06 and code[:3] in ("G16", "G18", "D11"):
                return Contract.APPRENTICESHIP.value
            if roll < 0.08:
                return Contract.INTERNSHIP.value
            if "permanent" in options and roll < 0.7:
                return Contract.PERMANENT.value
            rest = [c for c in options if c not in ("seasonal", "freelance")]
            if rest:
                return rng.choice(rest)
            # A restaurant open all year hires on a CDI as often as on a CDD.
            return rng.choice((Contract.PERMANENT.value, Contract.FIXED_TERM.value))
        if "freelance" in options and rng.random() < 0.55:
            return Contract.FREELANCE.value
        if "seasonal" in options and rng.random() < 0.9:
            return Contract.SEASONAL.value
        roll = rng.random()
        if roll < 0.03:
            return (
                Contract.APPRENTICESHIP.value
                if code[:3] in ("G16", "G18")
                else Contract.SEASONAL.value
            )
        rest = [c for c in options if c != "permanent"]
        if roll < 0.25 and rest:
            return rng.choice(rest)
        return (
            Contract.SEASONAL.value
            if "seasonal" in options
            else (rng.choice(rest) if rest else Contract.FIXED_TERM.value)
        )

    @staticmethod
    def _pay(
        template: OfferTemplate, contract: str, rng: Random
    ) -> tuple[float | None, float | None, str | None]:
        if rng.random() < 0.05:
            return None, None, None  # "selon profil"
        period = template.pay_period
        low = template.pay_min * rng.uniform(0.96, 1.1)
        high = template.pay_max * rng.uniform(0.96, 1.12)
        if contract == Contract.APPRENTICESHIP:
            period, low, high = "month", rng.uniform(800, 1300), rng.uniform(1300, 1600)
        elif contract == Contract.INTERNSHIP:
            period, low, high = "month", rng.uniform(650, 700), rng.uniform(700, 1000)
        if period == "hour":
            low = max(SMIC_HOUR, round(low * 20) / 20)
            high = round(high * 20) / 20
        elif period == "year":
            low, high = round(low / 500) * 500, round(high / 500) * 500
        else:
            floor = SMIC_MONTH if contract not in ("apprenticeship", "internship") else 0.0
            low, high = max(floor, round(low / 10) * 10), round(high / 10) * 10
        high = max(high, low)
        return low, (high if rng.random() < 0.7 else None), period

    @staticmethod
    def _housing(template: OfferTemplate, yearly: bool, rng: Random) -> str:
        chance = 0.47 if template.housing_likely else 0.14
        if yearly:
            chance *= 0.4
        if rng.random() < chance:
            return Housing.PROVIDED.value
        return Housing.HELP.value if rng.random() < 0.25 else Housing.NONE.value

    @staticmethod
    def _languages(template: OfferTemplate, massif: str, rng: Random) -> tuple[str, ...]:
        languages = list(template.languages)
        if "en" not in languages and rng.random() < 0.3:
            languages.append("en")
        extra = {
            "pyrenees": ("es", 0.15),
            "corse": ("it", 0.25),
            "alpes-sud": ("it", 0.1),
            "alpes-nord": (rng.choice(("de", "it", "nl", "ru")), 0.08),
            "vosges": ("de", 0.2),
            "jura": ("de", 0.1),
        }.get(massif)
        if extra and extra[0] not in languages and rng.random() < extra[1]:
            languages.append(extra[0])
        return tuple(languages)

    @staticmethod
    def _experience(template: OfferTemplate, contract: str, rng: Random) -> str:
        if contract in (Contract.APPRENTICESHIP, Contract.INTERNSHIP):
            return Experience.NONE.value
        levels = [e.value for e in Experience]
        level = levels.index(template.experience)
        roll = rng.random()
        if roll < 0.1:
            level = max(0, level - 1)
        elif roll < 0.2:
            level = min(len(levels) - 1, level + 1)
        return levels[level]

    def _title(
        self,
        template: OfferTemplate,
        place: PlaceInfo,
        seasons: tuple[str, ...],
        housing: str,
        contract: str,
        rng: Random,
    ) -> str:
        suffix = TITLE_SUFFIXES.pick(rng)
        title = template.title
        if suffix == "place":
            title = f"{title} - {place.name}"
        elif suffix == "season":
            title = f"{title} - {season_label(seasons, self.today)}"
        elif suffix == "housing" and housing == Housing.PROVIDED:
            title = f"{title} - logé·e"
        elif suffix == "permanent" and contract == Contract.PERMANENT and "CDI" not in title:
            title = f"{title} (CDI)"
        elif suffix == "urgent":
            title = f"Urgent : {title}"
        elif suffix == " (H/F)":
            title += suffix
        return title[:200]

    def _lifecycle(
        self, rng: Random
    ) -> tuple[str, datetime | None, datetime | None, datetime, datetime]:
        """status, published_at, expires_at (published + 60 days), created_at, updated_at."""
        now = self.now
        status = STATUS_SHARE.pick(rng)
        if status == OfferStatus.DRAFT:
            created = now - timedelta(days=rng.uniform(0, 20))
            return status, None, None, created, created + (now - created) * rng.random()
        if status == OfferStatus.EXPIRED:
            published = now - timedelta(days=rng.uniform(60.01, 90))
        elif status == OfferStatus.ARCHIVED:
            published = now - timedelta(days=rng.uniform(20, 90))
        else:
            published = now - timedelta(days=rng.uniform(0, 59.9))
        created = published - timedelta(hours=rng.uniform(0, 72))
        expires = published + OFFER_LIFETIME
        if status == OfferStatus.PUBLISHED:
            updated = published
        elif status == OfferStatus.EXPIRED:
            updated = expires  # the expiry job's run
        else:  # filled or archived since
            updated = published + (now - published) * rng.random()
        return status, published, expires, created, updated

    def _description(
        self,
        *,
        template: OfferTemplate,
        employer: OrganisationRecord,
        place: PlaceInfo,
        seasons: tuple[str, ...],
        contract: str,
        dates: tuple[date, date | None],
        hours: float,
        pay: tuple[float | None, float | None, str | None],
        housing: str,
        meals: bool,
        languages: tuple[str, ...],
        experience: str,
        driving: bool,
        apply: tuple[str, str | None],
    ) -> str:
        rng = self.rng
        context = {
            "employer": employer.name,
            "place": place.name,
            "commune": place.commune,
            "departement": place.departement_name,
            "season": season_phrase(seasons, self.today),
            "cuisine": CUISINE[place.massif],
            "stars": rng.choice((2, 3, 3, 4, 4, 5)),
            "rooms": rng.randint(12, 120),
            "covers": rng.choice((40, 60, 80, 120, 150, 200, 250)),
            "lifts": rng.randint(8, 60),
            "staff": rng.choice((15, 25, 40, 60, 120, 300)),
        }
        intro = rng.choice(INTROS[employer.business]).format(**context)
        missions = self._missions(template, seasons)
        profile = self._profile(template, experience, languages, driving)
        tips = template.title.startswith(("Serveur", "Barman", "Chef / Cheffe de rang"))
        conditions = self._conditions(seasons, contract, dates, hours, pay, housing, meals, tips)
        email, url = apply
        closing = rng.choice(CLOSINGS if url else CLOSINGS[:3] + CLOSINGS[4:])
        closing = closing.format(email=email, url=url)
        # The optional parts go first when the text runs long.
        parts = [intro, *missions, profile, conditions, closing]
        while len("\n\n".join(p for p in parts if p)) > 1500 and len(missions) > 1:
            parts.remove(missions.pop())
        text = "\n\n".join(p for p in parts if p)
        if len(text) > 1500:
            parts.remove(closing)
            text = "\n\n".join(p for p in parts if p)
        if len(text) > 1500:
            cut = text.rfind(". ", 0, 1499)
            text = text[: cut + 1] if cut > 0 else text[:1500]
        if len(text) < 300:
            extra = [s for s in EXTRAS["any"] if s not in text]
            text += "\n\n" + " ".join(rng.sample(extra, k=len(extra)))
        return text

    def _missions(self, template: OfferTemplate, seasons: tuple[str, ...]) -> list[str]:
        rng = self.rng
        drop = ""
        if YEAR_ROUND not in seasons:
            if WINTER not in seasons:
                drop = WINTER
            elif SUMMER not in seasons:
                drop = SUMMER
        paragraphs: list[str] = []
        for n, sentences in enumerate(template.missions):
            if n > 0 and rng.random() < 0.35:
                continue
            kept = [
                s
                for i, s in enumerate(sentences)
                if (i == 0 or rng.random() < 0.75) and not (drop and _speaks_of(s, drop))
            ]
            if kept:
                paragraphs.append(" ".join(kept))
        return paragraphs

    def _profile(
        self, template: OfferTemplate, experience: str, languages: tuple[str, ...], driving: bool
    ) -> str:
        rng = self.rng
        if template.profile and rng.random() < 0.6:
            return template.profile
        sentences = [rng.choice(PROFILES[experience])]
        sentences += [LANGUAGE_SENTENCE[x] for x in languages if x in LANGUAGE_SENTENCE]
        if driving:
            sentences.append("Permis B indispensable.")
        return "Profil : " + " ".join(sentences)

    def _conditions(
        self,
        seasons: tuple[str, ...],
        contract: str,
        dates: tuple[date, date | None],
        hours: float,
        pay: tuple[float | None, float | None, str | None],
        housing: str,
        meals: bool,
        tips: bool,
    ) -> str:
        rng = self.rng
        start, end = dates
        head = CONTRACT_PHRASE[contract]
        if end is not None:
            head += f" du {_french_date(start)} au {_french_date(end)}"
        else:
            head += f" à pourvoir à partir du {_french_date(start)}"
        head += f", {hours:g} h par semaine"
        low, high, period = pay
        if low is None:
            head += ", rémunération selon profil et expérience"
        elif period == "hour":
            head += f", {_money(low)} brut de l'heure" + (
                f" (jusqu'à {_money(high)} selon l'expérience)" if high and high > low else ""
            )
        elif period == "year":
            head += f", {_money(low)}" + (f" à {_money(high)}" if high and high > low else "")
            head += " bruts par an"
        else:
            head += f", salaire de {_money(low)}" + (
                f" à {_money(high)}" if high and high > low else ""
            )
            head += " bruts par mois"
        sentences = [f"Conditions : {head}."]
        sentences.append(rng.choice(HOUSING_SENTENCES[housing]))
        if meals:
            sentences.append(rng.choice(MEALS_SENTENCES))
        pool = list(EXTRAS["any"])
        if WINTER in seasons:
            pool += EXTRAS["winter"]
        if SUMMER in seasons:
            pool += EXTRAS["summer"]
        if tips:
            pool += EXTRAS["tips"] * 3
        sentences += list(dict.fromkeys(rng.sample(pool, k=rng.randint(0, 2))))  # each once
        return " ".join(s for s in sentences if s)


@cache
def _speaks_of(sentence: str, season: str) -> bool:
    return SEASON_WORDS[season].search(sentence) is not None


@cache
def _title_slug(title: str) -> str:
    return slugify(title, 110)


def _slug(title: str, place_slug: str) -> str:
    """slugify(f"{title} {place_slug}", 110), as the offer service makes them, but cached."""
    return f"{_title_slug(title)}-{place_slug}"[:110].rstrip("-")


@cache
def _place_by_slug() -> dict[str, PlaceInfo]:
    return {p.slug: p for p in places()}


# --- alerts ---------------------------------------------------------------------------------


class AlertFactory:
    """People with one to three alerts each (a different frequency for each)."""

    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = Random(f"{seed}:alerts")
        self.now = now
        trades = mountain_trades()
        self.trades = Weighted([(c, w) for c, w in TRADE_WEIGHT.items() if c in trades])
        self.massifs = Weighted(list(MASSIF_SHARE.items()))

    def alerts(self, count: int) -> Iterator[AlertRecord]:
        rng = self.rng
        made = 0
        person = 0
        while made < count:
            person += 1
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            separator = rng.choice((".", "-", "_", ""))
            email = f"{slugify(first)}{separator}{slugify(last)}{person}@{EMAIL_DOMAINS.pick(rng)}"
            wanted = rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 3))
            frequencies = FREQUENCY_SHARE.sample(rng, wanted)
            for frequency in frequencies[: count - made]:
                yield self._alert(email, frequency)
                made += 1

    def search(self) -> dict[str, Any]:
        rng = self.rng
        values: dict[str, Any] = {}
        facets = ALERT_FACETS.sample(rng, ALERT_FACET_COUNT.pick(rng))
        for facet in facets:
            if facet == "massif":
                values["massif"] = self.massifs.sample(rng, 1 if rng.random() < 0.8 else 2)
            elif facet == "season":
                values["season"] = rng.choice(
                    [["winter"]] * 15 + [["summer"]] * 4 + [["winter", "summer"]]
                )
            elif facet == "trade":
                values["trade"] = self.trades.sample(rng, 1 if rng.random() < 0.75 else 2)
            elif facet == "housing":
                values["housing"] = ["provided"] if rng.random() < 0.85 else ["provided", "help"]
            else:
                values["contract"] = rng.choice(
                    [["seasonal"]] * 14 + [["permanent"]] * 3 + [["seasonal", "fixed-term"]] * 3
                )
        if rng.random() < (0.6 if not facets else 0.18):
            values["q"] = ALERT_WORDS.pick(rng)
        if rng.random() < (0.9 if not values else 0.12):
            place = pick_place(rng)
            values["near"] = place.slug
            radius = rng.choice((10, 15, 20, 20, 30, 50))
            if radius != 20:
                values["radius_km"] = float(radius)
        elif rng.random() < 0.04:
            massif = values["massif"][0] if "massif" in values else None
            values["departement"] = [pick_place(rng, massif).departement_code]
        if rng.random() < 0.05:
            values["pay_min"] = float(rng.choice((1800, 2000, 2200, 2500)))
        # Stored as the service stores it: the struct's builtins, defaults left out.
        stored: dict[str, Any] = msgspec.to_builtins(msgspec.convert(values, SavedSearch))
        return stored

    def _alert(self, email: str, frequency: str) -> AlertRecord:
        rng = self.rng
        now = self.now
        created = now - timedelta(days=rng.uniform(0, 120))
        search = self.search()
        key = f"{rng.getrandbits(64):016x}"
        if rng.random() < 0.12:  # never confirmed
            return AlertRecord(
                email=email,
                search=search,
                frequency=frequency,
                key=key,
                confirmed_at=None,
                confirmations_sent=rng.choice((1, 1, 1, 2)),
                confirmation_sent_at=created,
                last_run_at=None,
                next_run_at=None,
                created_at=created,
                updated_at=created,
            )
        confirmed = min(now, created + timedelta(minutes=rng.uniform(1, 48 * 60)))
        if frequency == "instant":
            last = max(confirmed, now - timedelta(minutes=rng.uniform(0, 5)))
        else:
            last = max(confirmed, last_scheduled_run(frequency, now))
        return AlertRecord(
            email=email,
            search=search,
            frequency=frequency,
            key=key,
            confirmed_at=confirmed,
            confirmations_sent=1,
            confirmation_sent_at=created,
            last_run_at=last,
            next_run_at=next_run(frequency, last),
            created_at=created,
            updated_at=last,
        )


# --- trainings and sessions -----------------------------------------------------------------


def generate_trainings(
    seed: int, now: datetime, count: int, organisations: Sequence[OrganisationRecord]
) -> tuple[list[TrainingRecord], list[SessionRecord]]:
    """Trainings of the schools, varied from the demo catalogue, about three sessions each."""
    rng = Random(f"{seed}:trainings")
    schools = [i for i, o in enumerate(organisations) if o.kind == "school"]
    by_massif: dict[str, list[int]] = {}
    for i in schools:
        by_massif.setdefault(organisations[i].massif, []).append(i)
    material = training_material()
    # A course written for the Pyrenees goes to a school there when there is one.
    massif_of = {
        s["name"]: s["massif"] for s in json.loads((DEMO / "schools.json").read_text("utf-8"))
    }
    today = now.date()
    trainings: list[TrainingRecord] = []
    sessions: list[SessionRecord] = []
    for index in range(count if schools else 0):
        raw = rng.choice(material)
        school = rng.choice(by_massif.get(massif_of.get(raw["school"], ""), schools))
        owner = organisations[school]
        place = _place_by_slug()[owner.place]
        title = raw["title"]
        roll = rng.random()
        if roll < 0.3:
            title = f"{title} - {place.name}"
        elif roll < 0.4:
            title = f"{title} (session intensive)"
        duration = max(7, round(int(raw["duration_hours"]) * rng.uniform(0.85, 1.2)))
        price: float | None = raw.get("price_excl_vat")
        with_vat: float | None = raw.get("price_incl_vat")
        factor = rng.uniform(0.9, 1.15)
        excl = incl = None
        if price is not None:
            excl = round(price * factor / 10) * 10.0
            if with_vat is not None:  # training is often VAT-exempt: then both are equal
                incl = excl if with_vat == price else round(excl * 1.2, 2)
        description = raw["description"] + (
            f"\n\nLes sessions ont lieu à {place.name} et dans les stations partenaires du "
            f"massif ({place.departement_name})."
            if rng.random() < 0.7
            else ""
        )
        trainings.append(
            TrainingRecord(
                organisation=school,
                title=title[:200],
                slug=f"{slugify(title, 140)}-{_b36(index)}",
                description=description,
                trade_codes=tuple(raw["trade_codes"]),
                certification_code=raw.get("certification_code") or None,
                certification_title=raw.get("certification_title") or None,
                duration_hours=duration,
                modality=raw["modality"],
                price_excl_vat=excl,
                price_incl_vat=incl,
                entry_requirements=raw.get("entry_requirements", ""),
                funding=tuple(raw.get("funding", [])),
                created_at=now - timedelta(days=rng.uniform(10, 400)),
            )
        )
        for _ in range(rng.choice((1, 2, 3, 3, 3, 3, 4, 4, 5))):
            sessions.append(_session(len(trainings) - 1, duration, owner, today, now, rng))
    return trainings, sessions


def _session(
    training: int,
    duration: int,
    owner: OrganisationRecord,
    today: date,
    now: datetime,
    rng: Random,
) -> SessionRecord:
    start = today + timedelta(days=rng.randint(-60, 240))
    end = start + timedelta(days=min(180, max(1, duration // 35) * 7) - 1)
    seats = rng.choice((8, 10, 12, 12, 15, 20, 24))
    taken = seats if rng.random() < 0.12 else rng.randint(0, seats - 1)
    deadline = start - timedelta(days=rng.randint(7, 30))
    place = _place_by_slug()[owner.place] if rng.random() < 0.7 else pick_place(rng, owner.massif)
    if rng.random() < 0.03:
        status = "cancelled"
    elif end < today:
        status = "archived"
    elif taken >= seats:
        status = "full"
    elif deadline < today:
        status = "closed"
    else:
        status = "open"
    created = min(now, datetime.combine(deadline, clock_time(9), tzinfo=UTC)) - timedelta(
        days=rng.uniform(20, 120)
    )
    return SessionRecord(
        training=training,
        place=place.slug,
        start_date=start,
        end_date=end,
        seats_total=seats,
        seats_taken=taken,
        registration_deadline=deadline,
        status=status,
        created_at=created,
    )


# --- the whole data set ---------------------------------------------------------------------


@dataclass
class Dataset:
    """Everything one seed gives; offers and alerts are drawn lazily, in order."""

    seed: int
    now: datetime
    offers: int
    alerts: int
    organisations: list[OrganisationRecord]
    trainings: list[TrainingRecord]
    sessions: list[SessionRecord]

    def iter_offers(self) -> Iterator[OfferRecord]:
        factory = OfferFactory(self.seed, self.now, self.organisations)
        return (factory.offer(i) for i in range(self.offers))

    def iter_alerts(self) -> Iterator[AlertRecord]:
        return AlertFactory(self.seed, self.now).alerts(self.alerts)


def build(
    seed: int = DEFAULT_SEED,
    now: datetime | None = None,
    offers: int = DEFAULT_OFFERS,
    alerts: int = DEFAULT_ALERTS,
    trainings: int = DEFAULT_TRAININGS,
) -> Dataset:
    """The data set of a seed, relative to now (default: the current hour)."""
    now = now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    organisations = generate_organisations(seed, now, offers, trainings)
    training_rows, sessions = generate_trainings(seed, now, trainings, organisations)
    return Dataset(seed, now, offers, alerts, organisations, training_rows, sessions)


# --- loading --------------------------------------------------------------------------------

ORGANISATION_COLUMNS = _words(
    "kind name slug description website contact_email phone place siret nda "
    "verified created_at updated_at"
)
OFFER_COLUMNS = _words(
    "organisation title slug description trade place seasons contract start_date "
    "end_date hours_per_week pay_min pay_max pay_period housing meals languages "
    "driving_licence experience positions apply_email apply_url status published_at "
    "expires_at created_at updated_at"
)
TRAINING_COLUMNS = _words(
    "organisation title slug description trade_codes certification_code "
    "certification_title duration_hours modality price_excl_vat price_incl_vat "
    "entry_requirements funding created_at updated_at"
)
SESSION_COLUMNS = _words(
    "training place start_date end_date seats_total seats_taken "
    "registration_deadline status created_at updated_at"
)
ALERT_COLUMNS = _words(
    "email search frequency key confirmed_at confirmations_sent "
    "confirmation_sent_at last_run_at next_run_at created_at updated_at"
)
# Everything the bench writes and what references it; reference data stays.
BENCH_TABLES = _words(
    "alert_send alert offer_notice outbox_event api_token training_session training "
    "offer organisation"
)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.2f}")


def _chunks(rows: Iterator[T], size: int) -> Iterator[list[T]]:
    while True:
        chunk = [row for _, row in zip(range(size), rows, strict=False)]
        if not chunk:
            return
        yield chunk


async def _copy(
    conn: Any, table: str, columns: Sequence[str], chunks: Iterator[list[tuple[Any, ...]]]
) -> int:
    """COPY chunk after chunk; the next chunk is drawn in a thread while one is sent."""
    total = 0
    pending = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
    try:
        while True:
            chunk = await pending
            if chunk is None:
                return total
            pending = asyncio.ensure_future(asyncio.to_thread(next, chunks, None))
            await conn.copy_records_to_table(table, records=chunk, columns=list(columns))
            total += len(chunk)
    finally:
        if not pending.done():
            await asyncio.wait([pending])  # the thread finishes its chunk either way


def _rows(
    records: Iterator[T], convert: Callable[[T], tuple[Any, ...]], size: int
) -> Iterator[list[tuple[Any, ...]]]:
    for chunk in _chunks(records, size):
        yield [convert(r) for r in chunk]


async def load(
    database_url: str,
    offers: int,
    alerts: int,
    seed: int = DEFAULT_SEED,
    *,
    trainings: int = DEFAULT_TRAININGS,
    now: datetime | None = None,
    chunk_size: int = CHUNK,
) -> dict[str, int]:
    """Write a data set into a migrated database that holds the reference data.

    No outbox rows are written: benchmarks reindex explicitly. Returns the counts written.
    """
    data = build(seed, now or datetime.now(UTC), offers, alerts, trainings)
    conn = await asyncpg.connect(database_url)
    try:
        place_ids = {r["slug"]: r["id"] for r in await conn.fetch("SELECT id, slug FROM place")}
        trade_ids = {
            r["code"]: r["id"]
            for r in await conn.fetch("SELECT id, code FROM trade WHERE mountain")
        }
        missing = sorted(set(TRADE_WEIGHT) - set(trade_ids)) or sorted(
            {p.slug for p in places()} - set(place_ids)
        )
        if missing:
            raise RuntimeError(
                f"reference data missing ({', '.join(missing[:5])} …): "
                "run `litestar seed reference` first"
            )
        async with conn.transaction():
            org_ids = await _load_organisations(conn, data, place_ids)
            training_ids = await _load_trainings(conn, data, org_ids, place_ids)
            published = 0
            visible_after = data.now

            def offer_row(o: OfferRecord) -> tuple[Any, ...]:
                nonlocal published
                if o.status == "published" and o.expires_at and o.expires_at > visible_after:
                    published += 1
                return (
                    org_ids[o.organisation],
                    o.title,
                    o.slug,
                    o.description,
                    trade_ids[o.trade],
                    place_ids[o.place],
                    list(o.seasons),
                    o.contract,
                    o.start_date,
                    o.end_date,
                    o.hours_per_week,
                    _decimal(o.pay_min),
                    _decimal(o.pay_max),
                    o.pay_period,
                    o.housing,
                    o.meals,
                    list(o.languages),
                    o.driving_licence,
                    o.experience,
                    o.positions,
                    o.apply_email,
                    o.apply_url,
                    o.status,
                    o.published_at,
                    o.expires_at,
                    o.created_at,
                    o.updated_at,
                )

            offer_count = await _copy(
                conn, "offer", OFFER_COLUMNS, _rows(data.iter_offers(), offer_row, chunk_size)
            )
            alert_count = await _copy(
                conn, "alert", ALERT_COLUMNS, _rows(data.iter_alerts(), _alert_row, chunk_size)
            )
        await conn.execute("ANALYZE organisation, offer, training, training_session, alert")
    finally:
        await conn.close()
    return {
        "organisations": len(org_ids),
        "employers": sum(1 for o in data.organisations if o.kind == "employer"),
        "schools": sum(1 for o in data.organisations if o.kind == "school"),
        "offers": offer_count,
        "offers_visible": published,
        "trainings": len(training_ids),
        "sessions": len(data.sessions),
        "alerts": alert_count,
    }


def _alert_row(a: AlertRecord) -> tuple[Any, ...]:
    return (
        a.email,
        msgspec.json.encode(a.search).decode(),
        a.frequency,
        a.key,
        a.confirmed_at,
        a.confirmations_sent,
        a.confirmation_sent_at,
        a.last_run_at,
        a.next_run_at,
        a.created_at,
        a.updated_at,
    )


async def _load_organisations(conn: Any, data: Dataset, place_ids: dict[str, int]) -> list[int]:
    rows = [
        (
            o.kind,
            o.name,
            o.slug,
            o.description,
            o.website,
            o.contact_email,
            o.phone,
            place_ids[o.place],
            o.siret,
            o.nda,
            o.verified,
            o.created_at,
            o.created_at,
        )
        for o in data.organisations
    ]
    await _copy(conn, "organisation", ORGANISATION_COLUMNS, _chunks(iter(rows), CHUNK))
    slugs = [o.slug for o in data.organisations]
    found = await conn.fetch("SELECT id, slug FROM organisation WHERE slug = ANY($1)", slugs)
    by_slug = {r["slug"]: r["id"] for r in found}
    return [by_slug[s] for s in slugs]


async def _load_trainings(
    conn: Any, data: Dataset, org_ids: list[int], place_ids: dict[str, int]
) -> list[int]:
    rows = [
        (
            org_ids[t.organisation],
            t.title,
            t.slug,
            t.description,
            list(t.trade_codes),
            t.certification_code,
            t.certification_title,
            t.duration_hours,
            t.modality,
            _decimal(t.price_excl_vat),
            _decimal(t.price_incl_vat),
            t.entry_requirements,
            list(t.funding),
            t.created_at,
            t.created_at,
        )
        for t in data.trainings
    ]
    await _copy(conn, "training", TRAINING_COLUMNS, _chunks(iter(rows), CHUNK))
    slugs = [t.slug for t in data.trainings]
    found = await conn.fetch("SELECT id, slug FROM training WHERE slug = ANY($1)", slugs)
    by_slug = {r["slug"]: r["id"] for r in found}
    training_ids = [by_slug[s] for s in slugs]
    sessions = [
        (
            training_ids[s.training],
            place_ids[s.place],
            s.start_date,
            s.end_date,
            s.seats_total,
            s.seats_taken,
            s.registration_deadline,
            s.status,
            s.created_at,
            s.created_at,
        )
        for s in data.sessions
    ]
    await _copy(conn, "training_session", SESSION_COLUMNS, _chunks(iter(sessions), CHUNK))
    return training_ids


# --- the command ----------------------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise SystemExit(f"--database-url names no database: {url}")
    return name


async def ensure_database(url: str) -> bool:
    """Create the database when missing; True when it was created."""
    name = database_name(url)
    conn = await asyncpg.connect(_with_database(url, "postgres"))
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            return False
        await conn.execute(f'CREATE DATABASE "{name}"')
        return True
    finally:
        await conn.close()


def _run(args: list[str], url: str, what: str, **env: str) -> None:
    result = subprocess.run(
        args,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or "Error" in result.stdout:
        raise SystemExit(f"{what} failed:\n{result.stdout}\n{result.stderr}")


def migrate(url: str) -> None:
    """`piccolo migrations forwards all` against the database, as the test suite does."""
    piccolo = str(Path(sys.executable).parent / "piccolo")
    _run([piccolo, "migrations", "forwards", "all"], url, "migrations")


def seed_reference(url: str) -> None:
    """`litestar seed reference` (idempotent) in a process of its own, on this database."""
    litestar = str(Path(sys.executable).parent / "litestar")
    _run([litestar, "seed", "reference"], url, "reference data", LITESTAR_APP="app.main:create_app")


async def truncate(url: str) -> None:
    """Empty the bench tables of that database (reference data stays)."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f"TRUNCATE {', '.join(BENCH_TABLES)} RESTART IDENTITY CASCADE")
    finally:
        await conn.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate",
        description="Fill a bench database with realistic, seeded data.",
    )
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/em_bench",
        help="the bench database (created when missing; its data tables are emptied)",
    )
    parser.add_argument("--offers", type=int, default=DEFAULT_OFFERS)
    parser.add_argument("--alerts", type=int, default=DEFAULT_ALERTS)
    parser.add_argument("--trainings", type=int, default=DEFAULT_TRAININGS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--force",
        action="store_true",
        help="allow a database whose name does not contain 'bench' (its data is truncated)",
    )
    args = parser.parse_args(argv)
    url: str = args.database_url
    name = database_name(url)
    if "bench" not in name and not args.force:
        parser.error(f"refusing to empty {name!r}: the name has no 'bench' (use --force)")

    def step(label: str, started: float) -> float:
        now = time.perf_counter()
        print(f"{label:<28} {now - started:7.1f} s", flush=True)
        return now

    t = time.perf_counter()
    created = asyncio.run(ensure_database(url))
    t = step(f"database {name} {'created' if created else 'exists'}", t)
    migrate(url)
    t = step("migrations", t)
    seed_reference(url)
    t = step("reference data", t)
    asyncio.run(truncate(url))
    t = step("previous bench data emptied", t)
    counts = asyncio.run(load(url, args.offers, args.alerts, args.seed, trainings=args.trainings))
    elapsed = time.perf_counter() - t
    step("load", t)
    for key, value in counts.items():
        print(f"  {key:<16} {value:>10,}".replace(",", " "))
    rate = f"{counts['offers'] / max(elapsed, 1e-9):,.0f}".replace(",", " ")
    print(f"loaded in {elapsed:.1f} s ({rate} offers/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
