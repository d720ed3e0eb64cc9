"""Check the curated trade lists and the demo-content files against ROME v4.60 and the vocabulary.

Files checked: app/trades/data/mountain_trades.csv, app/trades/data/search_aliases.csv and
app/demo/data/{employers,business_trades,offer_templates,schools,trainings}.json.
Run: `uv run python tools/check_demo_content.py`; exits 1 and lists every problem found.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TRADES = ROOT / "app" / "trades" / "data"
DEMO = ROOT / "app" / "demo" / "data"

KINDS_OF_BUSINESS = frozenset(
    {
        "lift-operator",
        "ski-school",
        "hotel",
        "restaurant",
        "rental-shop",
        "tourist-office",
        "equipment-maker",
        "engineering",
        "childcare",
        "shop",
        "mountain-guides",
    }
)
EMPLOYER_KEYS = {"name", "kind_of_business", "resort", "massif", "description", "website", "siret"}
SCHOOL_KEYS = {"name", "resort", "massif", "description", "website", "siret", "nda"}
TEMPLATE_KEYS = {
    "title",
    "description",
    "contracts",
    "pay_period",
    "pay_min",
    "pay_max",
    "hours_per_week",
    "housing_likely",
    "languages",
    "driving_licence",
    "experience",
}
TRAINING_KEYS = {
    "school",
    "title",
    "description",
    "trade_codes",
    "certification_code",
    "certification_title",
    "duration_hours",
    "modality",
    "price_excl_vat",
    "price_incl_vat",
    "entry_requirements",
    "funding",
}
MOUNTAIN_TRADES = (25, 40)
TEMPLATES_PER_TRADE = (2, 4)
TEMPLATE_DESCRIPTION = (600, 1200)
TRAINING_DESCRIPTION = (400, 900)
MIN_EMPLOYERS_PER_MASSIF = 3
MIN_INDUSTRY_EMPLOYERS = 3
SMIC_HOUR = 11.88
SMIC_MONTH = 1802.0
FULL_TIME = 35.0
PAY_CEILING = {"hour": 150.0, "month": 12000.0, "year": 150000.0}
# Apprentices and interns are paid a share of the minimum wage, or a stipend.
BELOW_MINIMUM_WAGE_CONTRACTS = {"apprenticeship", "internship"}
CERTIFICATION = re.compile(r"^(RNCP|RS)[0-9]{3,6}$")
ROME_CODE = re.compile(r"^[A-Z][0-9]{4}$")
WEBSITE = re.compile(r"^https://[a-z0-9-]+(\.[a-z0-9-]+)*\.example/?$")


class App:
    """The app's own vocabulary, search key and SIRET/NDA checks, imported from the repo."""

    def __init__(self) -> None:
        sys.path.insert(0, str(ROOT))
        from app.core import vocabulary
        from app.core.text import search_key, slugify
        from app.core.validation import nda_problem, siret_problem

        self.massifs = {m.value for m in vocabulary.Massif}
        self.contracts = {c.value for c in vocabulary.Contract}
        self.pay_periods = {p.value for p in vocabulary.PayPeriod}
        self.experiences = {e.value for e in vocabulary.Experience}
        self.languages = {lang.value for lang in vocabulary.Language}
        self.modalities = {m.value for m in vocabulary.Modality}
        self.fundings = {f.value for f in vocabulary.Funding}
        self.search_key: Callable[..., str] = search_key
        self.slugify: Callable[..., str] = slugify
        self.siret_problem: Callable[[str], str | None] = siret_problem
        self.nda_problem: Callable[[str], str | None] = nda_problem


class Report:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(self, condition: bool, where: str, message: str) -> bool:
        if not condition:
            self.problems.append(f"{where}: {message}")
        return condition


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def within(value: int, bounds: tuple[int, int]) -> bool:
    return bounds[0] <= value <= bounds[1]


def duplicates(values: Iterable[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def check_trades(
    app: App, report: Report, rome: dict[str, str], titles: dict[str, list[str]]
) -> dict[str, str]:
    where = "mountain_trades.csv"
    header, rows = read_csv(TRADES / "mountain_trades.csv")
    report.check(header == ["code", "label"], where, f"header is {header}, expected code,label")
    mountain: dict[str, str] = {}
    for row in rows:
        code, label = row.get("code", ""), (row.get("label") or "").strip()
        report.check(code in rome, where, f"{code!r} is not a ROME v4.60 code")
        report.check(bool(label), where, f"{code} has no label")
        report.check(code not in mountain, where, f"{code} is listed twice")
        mountain[code] = label
    report.check(
        within(len(mountain), MOUNTAIN_TRADES),
        where,
        f"{len(mountain)} codes, expected {MOUNTAIN_TRADES[0]}-{MOUNTAIN_TRADES[1]}",
    )
    for label in duplicates(app.search_key(label) for label in mountain.values()):
        report.check(False, where, f"label {label!r} is used twice")

    where = "search_aliases.csv"
    header, rows = read_csv(TRADES / "search_aliases.csv")
    report.check(header == ["alias", "code"], where, f"header is {header}, expected alias,code")
    for alias in duplicates(app.search_key(r.get("alias", "")) for r in rows):
        report.check(False, where, f"alias {alias!r} is listed twice")
    for row in rows:
        alias, code = row.get("alias", ""), row.get("code", "")
        words = app.search_key(alias).split()
        if not report.check(bool(words), where, f"empty alias for {code}"):
            continue
        if not report.check(code in mountain, where, f"{alias!r} -> {code}: not a mountain trade"):
            continue
        # The trade search matches every word of the query as a substring of the code's
        # label and job titles: an alias is only worth having when that search misses.
        official = app.search_key(rome[code], *titles.get(code, []))
        report.check(
            not all(word in official for word in words),
            where,
            f"{alias!r} -> {code}: already found by the official job titles",
        )
    return mountain


def check_employers(app: App, report: Report) -> list[dict[str, Any]]:
    where = "employers.json"
    employers: list[dict[str, Any]] = read_json(DEMO / "employers.json")
    per_massif: Counter[str] = Counter()
    for i, e in enumerate(employers):
        at = f"{where}[{i}] {e.get('name', '?')}"
        report.check(set(e) == EMPLOYER_KEYS, at, f"keys {sorted(set(e) ^ EMPLOYER_KEYS)} differ")
        report.check(
            e.get("kind_of_business") in KINDS_OF_BUSINESS,
            at,
            f"unknown kind_of_business {e.get('kind_of_business')!r}",
        )
        report.check(e.get("massif") in app.massifs, at, f"unknown massif {e.get('massif')!r}")
        per_massif[str(e.get("massif"))] += 1
        report.check(bool(str(e.get("resort", "")).strip()), at, "no resort")
        sentences = len(re.findall(r"[.!?](\s|$)", str(e.get("description", ""))))
        report.check(2 <= sentences <= 4, at, f"description has {sentences} sentences, not 2-4")
        report.check(bool(WEBSITE.match(str(e.get("website", "")))), at, "website not *.example")
        problem = app.siret_problem(str(e.get("siret", "")))
        report.check(problem is None, at, f"siret {e.get('siret')!r}: {problem}")
    for massif in sorted(app.massifs):
        report.check(
            per_massif[massif] >= MIN_EMPLOYERS_PER_MASSIF,
            where,
            f"{massif} has {per_massif[massif]} employers, expected {MIN_EMPLOYERS_PER_MASSIF}+",
        )
    industry = sum(
        e.get("kind_of_business") in ("equipment-maker", "engineering") for e in employers
    )
    report.check(
        industry >= MIN_INDUSTRY_EMPLOYERS,
        where,
        f"{industry} equipment/engineering firms, expected {MIN_INDUSTRY_EMPLOYERS}+",
    )
    return employers


def check_business_trades(
    report: Report, mountain: dict[str, str], employers: list[dict[str, Any]]
) -> None:
    where = "business_trades.json"
    business: dict[str, list[str]] = read_json(DEMO / "business_trades.json")
    report.check(
        set(business) == KINDS_OF_BUSINESS,
        where,
        f"kinds {sorted(set(business) ^ KINDS_OF_BUSINESS)} missing or unknown",
    )
    for kind, codes in business.items():
        report.check(bool(codes), where, f"{kind} hires no trade")
        report.check(not duplicates(codes), where, f"{kind} lists {duplicates(codes)} twice")
        for code in codes:
            report.check(code in mountain, where, f"{kind}: {code} is not a mountain trade")
    hired = {code for codes in business.values() for code in codes}
    for code in sorted(set(mountain) - hired):
        report.check(False, where, f"no kind of business hires {code} {mountain[code]}")
    for kind in sorted({str(e.get("kind_of_business")) for e in employers} - set(business)):
        report.check(False, where, f"employers of kind {kind} have no trades")


def minimum_pay(period: str, hours: float) -> float:
    share = min(hours, FULL_TIME) / FULL_TIME
    if period == "hour":
        return SMIC_HOUR
    if period == "month":
        return round(SMIC_MONTH * share, 2)
    return round(SMIC_MONTH * 12 * share, 2)


def check_template(app: App, report: Report, at: str, t: dict[str, Any]) -> None:
    report.check(set(t) == TEMPLATE_KEYS, at, f"keys {sorted(set(t) ^ TEMPLATE_KEYS)} differ")
    title = t.get("title")
    report.check(isinstance(title, str) and 3 <= len(title) <= 200, at, "title not 3-200 chars")
    description = str(t.get("description", ""))
    report.check(
        within(len(description), TEMPLATE_DESCRIPTION),
        at,
        f"description is {len(description)} characters, expected "
        f"{TEMPLATE_DESCRIPTION[0]}-{TEMPLATE_DESCRIPTION[1]}",
    )
    paragraphs = description.split("\n\n")
    report.check(
        len(paragraphs) >= 2 and all(p.strip() == p and p and "\n" not in p for p in paragraphs),
        at,
        "description should be paragraphs separated by one blank line",
    )
    contracts = t.get("contracts") or []
    report.check(
        bool(contracts) and set(contracts) <= app.contracts and not duplicates(contracts),
        at,
        f"bad contracts {contracts}",
    )
    period = t.get("pay_period")
    report.check(period in app.pay_periods, at, f"unknown pay_period {period!r}")
    low, high = number(t.get("pay_min")), number(t.get("pay_max"))
    hours = number(t.get("hours_per_week"))
    if low is None or high is None or hours is None:
        report.check(False, at, "pay or hours are not numbers")
        return
    report.check(0 < low <= high, at, f"pay_min {low} > pay_max {high} or not positive")
    report.check(0 < hours <= 60, at, f"hours_per_week {hours} not in (0, 60]")
    if period in app.pay_periods:
        report.check(high <= PAY_CEILING[period], at, f"pay_max {high} per {period} too high")
        if not set(contracts) <= BELOW_MINIMUM_WAGE_CONTRACTS:
            floor = minimum_pay(period, hours)
            report.check(low >= floor, at, f"pay_min {low} per {period} below the SMIC {floor}")
    for flag in ("housing_likely", "driving_licence"):
        report.check(isinstance(t.get(flag), bool), at, f"{flag} is not a boolean")
    languages = t.get("languages") or []
    report.check(
        bool(languages) and set(languages) <= app.languages and not duplicates(languages),
        at,
        f"bad languages {languages}",
    )
    experience = t.get("experience")
    report.check(experience in app.experiences, at, f"bad experience {experience!r}")


def check_templates(app: App, report: Report, mountain: dict[str, str]) -> None:
    where = "offer_templates.json"
    templates: dict[str, list[dict[str, Any]]] = read_json(DEMO / "offer_templates.json")
    for code in sorted(set(mountain) - set(templates)):
        report.check(False, where, f"no templates for {code} {mountain[code]}")
    for code, items in templates.items():
        report.check(code in mountain, where, f"{code} is not a mountain trade")
        report.check(
            within(len(items), TEMPLATES_PER_TRADE),
            where,
            f"{code} has {len(items)} templates, expected "
            f"{TEMPLATES_PER_TRADE[0]}-{TEMPLATES_PER_TRADE[1]}",
        )
        for i, template in enumerate(items):
            check_template(app, report, f"{where}[{code}][{i}]", template)
    titles = [t.get("title", "") for items in templates.values() for t in items]
    report.check(not duplicates(titles), where, f"titles used twice: {duplicates(titles)}")


def check_schools(app: App, report: Report) -> set[str]:
    where = "schools.json"
    schools: list[dict[str, Any]] = read_json(DEMO / "schools.json")
    for i, s in enumerate(schools):
        at = f"{where}[{i}] {s.get('name', '?')}"
        report.check(set(s) == SCHOOL_KEYS, at, f"keys {sorted(set(s) ^ SCHOOL_KEYS)} differ")
        report.check(s.get("massif") in app.massifs, at, f"unknown massif {s.get('massif')!r}")
        report.check(bool(str(s.get("resort", "")).strip()), at, "no resort")
        report.check(len(str(s.get("description", ""))) >= 80, at, "description too short")
        report.check(bool(WEBSITE.match(str(s.get("website", "")))), at, "website not *.example")
        problem = app.siret_problem(str(s.get("siret", "")))
        report.check(problem is None, at, f"siret {s.get('siret')!r}: {problem}")
        problem = app.nda_problem(str(s.get("nda", "")))
        report.check(problem is None, at, f"nda {s.get('nda')!r}: {problem}")
    massifs = {s.get("massif") for s in schools}
    report.check(len(massifs) >= 5, where, f"schools in only {len(massifs)} massifs")
    return {str(s.get("name")) for s in schools}


def check_training(
    app: App, report: Report, at: str, t: dict[str, Any], mountain: dict[str, str]
) -> None:
    report.check(set(t) == TRAINING_KEYS, at, f"keys {sorted(set(t) ^ TRAINING_KEYS)} differ")
    description = str(t.get("description", ""))
    report.check(
        within(len(description), TRAINING_DESCRIPTION),
        at,
        f"description is {len(description)} characters, expected "
        f"{TRAINING_DESCRIPTION[0]}-{TRAINING_DESCRIPTION[1]}",
    )
    codes = t.get("trade_codes") or []
    report.check(1 <= len(codes) <= 10 and not duplicates(codes), at, f"bad trade_codes {codes}")
    for code in codes:
        report.check(code in mountain, at, f"{code} is not a mountain trade")
    certification = t.get("certification_code")
    title = t.get("certification_title")
    if certification is None:
        report.check(title is None, at, "certification_title without certification_code")
        report.check("cpf" not in (t.get("funding") or []), at, "CPF needs an RNCP/RS code")
    else:
        report.check(
            bool(CERTIFICATION.match(str(certification))), at, f"bad code {certification!r}"
        )
        report.check(
            isinstance(title, str) and 0 < len(title) <= 300, at, "certification_title missing"
        )
    hours = t.get("duration_hours")
    report.check(
        isinstance(hours, int) and not isinstance(hours, bool) and 1 <= hours <= 10000,
        at,
        f"bad duration_hours {hours!r}",
    )
    report.check(t.get("modality") in app.modalities, at, f"bad modality {t.get('modality')!r}")
    excl, incl = number(t.get("price_excl_vat")), number(t.get("price_incl_vat"))
    if excl is None or incl is None:
        report.check(False, at, "prices are not numbers")
    else:
        report.check(
            excl >= 0 and (incl == excl or abs(incl - round(excl * 1.2, 2)) < 0.005),
            at,
            f"price_incl_vat {incl} is neither {excl} (VAT-exempt) nor {excl} x 1.2",
        )
    report.check(
        isinstance(t.get("entry_requirements"), str) and len(t["entry_requirements"]) <= 5000,
        at,
        "entry_requirements is not a text",
    )
    funding = t.get("funding") or []
    report.check(
        bool(funding) and set(funding) <= app.fundings and not duplicates(funding),
        at,
        f"bad funding {funding}",
    )


def check_trainings(
    app: App, report: Report, school_names: set[str], mountain: dict[str, str]
) -> None:
    where = "trainings.json"
    trainings: list[dict[str, Any]] = read_json(DEMO / "trainings.json")
    per_school: Counter[str] = Counter()
    for i, t in enumerate(trainings):
        at = f"{where}[{i}] {t.get('title', '?')}"
        report.check(t.get("school") in school_names, at, f"unknown school {t.get('school')!r}")
        per_school[str(t.get("school"))] += 1
        check_training(app, report, at, t, mountain)
    for name in sorted(school_names - set(per_school)):
        report.check(False, where, f"{name} has no training")
    titles = [str(t.get("title")) for t in trainings]
    report.check(not duplicates(titles), where, f"titles used twice: {duplicates(titles)}")


def check_organisations(app: App, report: Report) -> None:
    """SIRETs and slugs must be unique across employers and schools (slugs name them)."""
    records = read_json(DEMO / "employers.json") + read_json(DEMO / "schools.json")
    sirets = duplicates(str(r.get("siret")) for r in records)
    report.check(not sirets, "employers+schools", f"SIRETs used twice: {sirets}")
    slugs = duplicates(app.slugify(str(r.get("name")), 100) for r in records)
    report.check(not slugs, "employers+schools", f"names with the same slug: {slugs}")


def main() -> int:
    app = App()
    report = Report()
    _, code_rows = read_csv(TRADES / "rome_codes_v460.csv")
    rome = {r["code"]: r["label"] for r in code_rows if ROME_CODE.match(r["code"])}
    _, title_rows = read_csv(TRADES / "rome_titles_v460.csv")
    titles: dict[str, list[str]] = defaultdict(list)
    for r in title_rows:
        titles[r["code"]] += [r["label"], r["short_label"]]

    mountain = check_trades(app, report, rome, titles)
    employers = check_employers(app, report)
    check_business_trades(report, mountain, employers)
    check_templates(app, report, mountain)
    school_names = check_schools(app, report)
    check_trainings(app, report, school_names, mountain)
    check_organisations(app, report)

    if report.problems:
        print(f"{len(report.problems)} problem(s):")
        for problem in report.problems:
            print(f"  - {problem}")
        return 1
    templates = read_json(DEMO / "offer_templates.json")
    print(
        f"ok: {len(mountain)} mountain trades, "
        f"{len(read_csv(TRADES / 'search_aliases.csv')[1])} aliases, "
        f"{len(employers)} employers, {sum(map(len, templates.values()))} offer templates, "
        f"{len(school_names)} schools, {len(read_json(DEMO / 'trainings.json'))} trainings"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
