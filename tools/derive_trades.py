"""Copy the columns we use of France Travail's ROME v4.60 into app/trades/data/.

Source: ../shared/data/unix_referentiel_code_rome_v460_utf8.csv and
unix_referentiel_appellation_v460_utf8.csv (Licence Ouverte / Etalab 2.0, "France Travail,
ROME v4.60"). Run: `uv run python tools/derive_trades.py [SHARED_DATA_DIR]`.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "app" / "trades" / "data"


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
    with (source / "unix_referentiel_code_rome_v460_utf8.csv").open(encoding="utf-8") as f:
        codes = sorted((r["code_rome"], r["libelle_rome"]) for r in csv.DictReader(f))
    with (source / "unix_referentiel_appellation_v460_utf8.csv").open(encoding="utf-8") as f:
        titles = sorted(
            (
                int(r["code_ogr"]),
                r["code_rome"],
                r["libelle_appellation_long"],
                r["libelle_appellation_court"],
            )
            for r in csv.DictReader(f)
        )
    known = {code for code, _ in codes}
    missing = {t[1] for t in titles} - known
    if missing:
        raise SystemExit(f"job titles point at unknown codes: {sorted(missing)}")
    with (OUT / "rome_codes_v460.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["code", "label"])
        writer.writerows(codes)
    with (OUT / "rome_titles_v460.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["code_ogr", "code", "label", "short_label"])
        writer.writerows(titles)
    print(f"{len(codes)} codes, {len(titles)} job titles written to {OUT}")


if __name__ == "__main__":
    main()
