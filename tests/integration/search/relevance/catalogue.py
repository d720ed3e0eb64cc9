"""A test catalogue of seasonal offers written as mountain employers write them: titles with
"H/F", inclusive and feminine forms, descriptions that call candidates "sérieux", speak of the
"secteur", the "saison d'hiver", housing and meals. Seeded with a fixed seed: the same
catalogue every run, so the judged queries (judged.py) know what each offer is.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SEED = 14
OFFERS = 220


@dataclass(frozen=True)
class Trade:
    code: str
    weight: int
    titles: tuple[str, ...]
    duties: tuple[str, ...]
    summer: bool = False  # also hired for the summer season


TRADES: tuple[Trade, ...] = (
    Trade(
        "G1803",
        14,
        (
            "Serveur / Serveuse H/F",
            "Serveur(se) en restaurant d'altitude",
            "Serveuse - saison",
            "Serveur·euse brasserie",
            "Serveurs et serveuses pour la saison",
        ),
        (
            "Service en salle et en terrasse, mise en place, encaissement.",
            "Accueil de la clientèle, prise de commandes et service au plateau.",
        ),
        summer=True,
    ),
    Trade(
        "G1810",
        5,
        ("Chef de rang H/F", "Chef·fe de rang - restaurant gastronomique"),
        ("Responsable de votre rang, conseil des vins, service à l'assiette.",),
    ),
    Trade(
        "G1609",
        12,
        (
            "Cuisinier / Cuisinière",
            "Chef de partie H/F",
            "Cuisinier(e) polyvalent(e) - restaurant d'altitude",
            "Cheffe de partie chaud",
        ),
        (
            "Préparation des plats de la carte, cuisine traditionnelle savoyarde.",
            "Cuisine maison à base de produits frais, gestion de votre poste.",
        ),
        summer=True,
    ),
    Trade(
        "G1602",
        6,
        ("Commis de cuisine H/F", "Aide de cuisine", "Commis de cuisine - snack des pistes"),
        ("Épluchage, mise en place et préparations froides sous la direction du chef.",),
        summer=True,
    ),
    Trade(
        "G1605",
        8,
        ("Plongeur / Plongeuse", "Plongeur H/F - restaurant", "Plongeuse en hôtel 4*"),
        ("Lavage de la vaisselle et de la batterie, entretien de la cuisine.",),
        summer=True,
    ),
    Trade(
        "G1703",
        7,
        ("Réceptionniste H/F", "Réceptionniste de nuit", "Réceptionniste bilingue anglais"),
        ("Accueil des clients, check-in et check-out, réservations et facturation.",),
        summer=True,
    ),
    Trade(
        "G1501",
        8,
        ("Femme de chambre / Valet de chambre", "Femme de chambre H/F", "Valet de chambre"),
        ("Nettoyage et remise en état des chambres et des parties communes.",),
        summer=True,
    ),
    Trade(
        "G1503",
        3,
        ("Gouvernante d'étage H/F", "Gouvernant·e"),
        ("Encadrement de l'équipe des étages, contrôle des chambres, gestion du linge.",),
    ),
    Trade(
        "G1801",
        5,
        ("Barman / Barmaid", "Barman H/F - bar d'après-ski", "Barmaid"),
        ("Préparation des cocktails et boissons chaudes, ambiance après-ski.",),
        summer=True,
    ),
    Trade(
        "G1204",
        12,
        (
            "Moniteur de ski alpin",
            "Monitrice de ski",
            "Moniteur·rice de snowboard",
            "Moniteurs de ski diplômés (H/F)",
        ),
        (
            "Cours collectifs et particuliers, enfants et adultes, au sein de notre école.",
            "Enseignement du ski à une clientèle internationale, tous niveaux.",
        ),
    ),
    Trade(
        "G1216",
        4,
        ("Accompagnateur en montagne", "Accompagnatrice en moyenne montagne"),
        ("Randonnées à la journée et sorties en raquettes avec nos clients.",),
        summer=True,
    ),
    Trade(
        "N4402",
        10,
        (
            "Agent de remontées mécaniques H/F",
            "Perchman / Perchwoman",
            "Conducteur de télésiège",
            "Liftier / Liftière",
        ),
        ("Embarquement des skieurs, surveillance de l'appareil, déneigement des quais.",),
    ),
    Trade(
        "K1726",
        6,
        ("Pisteur secouriste H/F", "Pisteuse secouriste", "Pisteur secouriste artificier"),
        ("Sécurisation et balisage du domaine, secours sur pistes, déclenchement.",),
    ),
    Trade(
        "F1303",
        4,
        ("Conducteur de dameuse", "Conductrice d'engin de damage"),
        ("Damage nocturne des pistes, entretien courant de la machine.",),
    ),
    Trade(
        "D1211",
        6,
        ("Skiman H/F", "Technicien location de skis", "Vendeur loueur de skis"),
        ("Réglage des fixations, fartage et affûtage, conseil à la location.",),
    ),
    Trade(
        "G1610",
        3,
        ("Pâtissier / Pâtissière", "Pâtissier H/F - restaurant"),
        ("Desserts à l'assiette, viennoiseries du petit déjeuner.",),
    ),
    Trade(
        "D1102",
        3,
        ("Boulanger H/F", "Boulanger-pâtissier"),
        ("Fabrication du pain et des viennoiseries pour nos deux magasins.",),
    ),
    Trade(
        "G1203",
        5,
        ("Animateur / Animatrice club enfants", "Animatrice enfants H/F"),
        ("Encadrement des enfants de 4 à 12 ans, activités et jeux de neige.",),
        summer=True,
    ),
    Trade(
        "K1303",
        3,
        ("Garde d'enfants à domicile", "Baby-sitter en chalet"),
        ("Garde des enfants de nos clients en chalet, en journée et en soirée.",),
    ),
    Trade(
        "N4103",
        3,
        ("Conducteur de bus H/F - skibus", "Conducteur de car"),
        ("Conduite du skibus de la station, permis D exigé.",),
    ),
    Trade(
        "N4128",
        2,
        ("Chauffeur de navette aéroport",),
        ("Transferts des clients entre l'aéroport et la station.",),
    ),
    # Other trades whose words a typo would confuse with the above.
    Trade(
        "I1203",
        4,
        ("Agent de maintenance des bâtiments", "Agent d'entretien polyvalent H/F"),
        (
            "Petits travaux, changement de serrure, plomberie, électricité sur tout le secteur.",
            "Entretien des résidences du secteur, remplacement de serrures et de mitigeurs.",
        ),
    ),
    Trade(
        "F1502",
        3,
        ("Monteur de pylônes", "Monteur en structures métalliques H/F"),
        ("Montage et levage de pylônes de télésièges, travail en hauteur.",),
        summer=True,
    ),
    Trade(
        "I1331",
        2,
        ("Nivoculteur H/F", "Nivocultrice"),
        ("Production de neige de culture, surveillance des enneigeurs.",),
    ),
)

PLACES = (
    "val-thorens",
    "val-d-isere",
    "tignes-val-d-isere",
    "tignes",
    "alpe-d-huez",
    "l-alpe-du-grand-serre",
    "les-deux-alpes",
    "chamonix",
    "meribel",
    "courchevel",
    "la-plagne",
    "les-arcs",
    "serre-chevalier",
    "megeve",
    "gerardmer",
    "font-romeu",
)
PLACE_NAMES = {
    "val-thorens": "Val Thorens",
    "val-d-isere": "Val d'Isère",
    "tignes-val-d-isere": "Tignes - Val d'Isère",
    "tignes": "Tignes",
    "alpe-d-huez": "l'Alpe d'Huez",
    "l-alpe-du-grand-serre": "l'Alpe du Grand Serre",
    "les-deux-alpes": "Les Deux Alpes",
    "chamonix": "Chamonix",
    "meribel": "Méribel",
    "courchevel": "Courchevel",
    "la-plagne": "La Plagne",
    "les-arcs": "Les Arcs",
    "serre-chevalier": "Serre-Chevalier",
    "megeve": "Megève",
    "gerardmer": "Gérardmer",
    "font-romeu": "Font-Romeu",
}
EMPLOYERS = (
    ("Groupe Hôtelier Les Sapins", "val-thorens"),
    ("SARL La Marmotte", "chamonix"),
    ("Domaine Skiable Grand Massif", "megeve"),
)

SEEKING = (
    "Nous recherchons une personne sérieuse et motivée.",
    "Profil : sérieux, ponctuel, esprit d'équipe.",
    "Vous êtes dynamique, souriant(e) et avez le sens du service.",
    "Débutant(e) accepté(e) si motivé(e).",
)


@dataclass(frozen=True)
class Spec:
    """One offer of the catalogue: what the judged queries know of it."""

    trade: str
    place: str
    season: str  # "winter" or "summer"
    housing: str  # "provided", "help" or "none"
    meals: bool
    title: str
    description: str
    employer: int  # index in EMPLOYERS


def _housing_text(housing: str, meals: bool, rng: random.Random) -> str:
    if housing == "provided" and meals:
        return rng.choice(("Poste nourri logé.", "Logé et nourri.", "Logement et repas fournis."))
    if housing == "provided":
        return rng.choice(("Logement fourni.", "Poste logé en studio partagé."))
    if housing == "help":
        return "Aide à la recherche d'un logement."
    local = "Idéal pour une personne habitant la vallée."
    return local + (" Repas pris en charge." if meals else "")


def build() -> list[Spec]:
    """The catalogue, always the same (seeded)."""
    rng = random.Random(SEED)
    weights = [t.weight for t in TRADES]
    specs = []
    for i in range(OFFERS):
        trade = rng.choices(TRADES, weights)[0]
        season = "summer" if trade.summer and rng.random() < 0.35 else "winter"
        place = rng.choice(PLACES)
        housing = rng.choice(("provided", "provided", "help", "none"))
        meals = rng.random() < 0.5
        name = PLACE_NAMES[place]
        when = (
            rng.choice(
                ("Saison d'été 2026", "Pour la saison estivale", "Saison d'été, juin à septembre")
            )
            if season == "summer"
            else rng.choice(
                (
                    "Saison d'hiver 2026-2027",
                    "Pour la saison d'hiver",
                    "Saison hivernale, de décembre à avril",
                )
            )
        )
        description = " ".join(
            (
                f"{when} à {name}.",
                rng.choice(trade.duties),
                rng.choice(SEEKING),
                _housing_text(housing, meals, rng),
            )
        )
        specs.append(
            Spec(
                trade=trade.code,
                place=place,
                season=season,
                housing=housing,
                meals=meals,
                title=rng.choice(trade.titles),
                description=description,
                employer=i % len(EMPLOYERS),
            )
        )
    return specs + list(FIXED)


# Written out: the combinations the judged queries ask for, whatever the draw.
FIXED = (
    Spec(
        "G1803",
        "val-thorens",
        "winter",
        "provided",
        True,
        "Serveur / Serveuse H/F - Val Thorens",
        "Saison d'hiver 2026-2027 à Val Thorens. Service en salle et en terrasse. "
        "Personne sérieuse. Poste nourri logé.",
        0,
    ),
    Spec(
        "G1204",
        "alpe-d-huez",
        "winter",
        "help",
        False,
        "Moniteur de ski alpin - Alpe d'Huez",
        "Pour la saison d'hiver à l'Alpe d'Huez. Cours collectifs enfants et adultes. "
        "Aide à la recherche d'un logement.",
        2,
    ),
    Spec(
        "G1609",
        "chamonix",
        "summer",
        "provided",
        False,
        "Cuisinier H/F - refuge",
        "Saison d'été 2026 à Chamonix. Cuisine familiale pour 60 couverts en refuge. "
        "Logement fourni.",
        1,
    ),
    Spec(
        "G1605",
        "les-arcs",
        "winter",
        "provided",
        True,
        "Plongeur H/F",
        "Saison d'hiver 2026-2027 aux Arcs. Plonge et entretien de la cuisine. Logé et nourri.",
        0,
    ),
)
