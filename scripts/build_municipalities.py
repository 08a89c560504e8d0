"""Build data/municipalities.csv from the shared Statistics Finland extract.

Run from the repository root (rerunnable; the output is rewritten whole):

    python scripts/build_municipalities.py                       # ../shared/data -> data/
    python scripts/build_municipalities.py --source DIR --output FILE

The source has no column for the sub-region centre (seutukeskus), which the classifier
needs for regional towns, so this script derives it with a rule that anyone can check
against the source (see data/README.md, "How the centre roles are derived"):

1. The 19 regional (maakunta) centres of regional_centres.csv are ``regional_centre``.
2. Otherwise a municipality is a ``subregion_centre`` when
   a. it is the most populous municipality of its sub-region, or
   b. it is the second most populous and has at least 60 % of the most populous one's
      population (a centre pair of near-equals, e.g. Kemi and Tornio), or
   c. the sub-region is named after it (Statistics Finland names a sub-region after its
      centre or centre pair, e.g. Kotka-Hamina).
3. Everything else is ``none``.

``is_regional_centre`` is true for the 19 regional centres. From
municipality_geography.csv it copies the Swedish sub-region name, the employment area,
the wellbeing services county and the position of the municipality's centre, which the
classifier uses for the distance to the frame network's central cities.
Only the standard library is used, so the script runs anywhere Python does.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "data"
DEFAULT_OUTPUT = ROOT / "data" / "municipalities.csv"

# A second municipality with at least this share of the largest one's population is a
# centre pair. The data has a clear gap here: Pedersöre (58 % of Pietarsaari), Laitila
# (55 %) and Pöytyä (53 %) are rural municipalities around a town and fall below it;
# Kristiinankaupunki (65 %), a named member of Kuntaliitto's regional-town network, and
# the pairs Statistics Finland itself names (Nivala-Haapajärvi 64 %, Saarijärvi-Viitasaari
# 66 %, Kemi-Tornio 92 %) are above it.
PAIR_SHARE = 0.60

EXPECTED_ROWS = 308
EXPECTED_CENTRES = 19

COLUMNS = (
    "code",
    "name_fi",
    "name_sv",
    "name_en",
    "region_code",
    "region_name_fi",
    "region_name_sv",
    "subregion_code",
    "subregion_name_fi",
    "subregion_name_sv",
    "employment_area_code",
    "employment_area_name_fi",
    "employment_area_name_sv",
    "wellbeing_county_code",
    "wellbeing_county_name_fi",
    "wellbeing_county_name_sv",
    "centre_lat",
    "centre_lon",
    "population",
    "population_date",
    "language_status",
    "stat_group",
    "is_aland",
    "centre_role",
    "centre_basis",
    "is_regional_centre",
    "kuntaliitto_c21",
    "notes",
)

Row = dict[str, str]


def read_rows(path: Path) -> list[Row]:
    """Read a CSV as text rows, so that codes keep their leading zeros."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def _population(row: Row) -> int:
    return int(row["population"])


def _named_in(subregion_name: str) -> frozenset[str]:
    """Municipality names a sub-region is named after ('Kemi-Tornio' -> Kemi, Tornio)."""
    return frozenset(part.strip() for part in subregion_name.split("-"))


def centre_basis(members: Sequence[Row]) -> dict[str, str]:
    """For one sub-region: code -> why it is a centre (``largest``, ``pair``, ``named``)."""
    ranked = sorted(members, key=_population, reverse=True)
    largest = ranked[0]
    basis = {largest["code"]: "largest"}
    if len(ranked) > 1 and _population(ranked[1]) >= PAIR_SHARE * _population(largest):
        basis[ranked[1]["code"]] = "pair"
    named = _named_in(largest["subregion_name_fi"])
    for row in ranked:
        if row["name_fi"] in named and row["code"] not in basis:
            basis[row["code"]] = "named"
    return basis


def derive_roles(
    rows: Iterable[Row], regional_centres: frozenset[str]
) -> dict[str, tuple[str, str]]:
    """Code -> (centre_role, centre_basis) for every municipality."""
    by_subregion: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_subregion[row["subregion_code"]].append(row)
    roles: dict[str, tuple[str, str]] = {}
    for members in by_subregion.values():
        basis = centre_basis(members)
        for row in members:
            if row["code"] in regional_centres:
                roles[row["code"]] = ("regional_centre", "regional_centres.csv")
            elif row["code"] in basis:
                roles[row["code"]] = ("subregion_centre", basis[row["code"]])
            else:
                roles[row["code"]] = ("none", "")
    return roles


def merge_geography(rows: Sequence[Row], geography: Sequence[Row]) -> list[Row]:
    """The municipality rows with the geography file's columns added (joined on code)."""
    by_code = {g["code"]: g for g in geography}
    return [{**by_code.get(row["code"], {}), **row} for row in rows]


def build(rows: Sequence[Row], regional_centres: frozenset[str]) -> list[Row]:
    """The output rows, sorted by code."""
    roles = derive_roles(rows, regional_centres)
    out: list[Row] = []
    for row in sorted(rows, key=lambda r: r["code"]):
        role, basis = roles[row["code"]]
        extra = {
            "centre_role": role,
            "centre_basis": basis,
            "is_regional_centre": "true" if row["code"] in regional_centres else "false",
        }
        out.append({column: extra.get(column, row.get(column, "")) for column in COLUMNS})
    return out


def check(
    rows: Sequence[Row], regional_centres: frozenset[str], geography: Sequence[Row]
) -> list[str]:
    """Problems that mean the source is not what this script was written for."""
    problems = []
    if {g["code"] for g in geography} != {row["code"] for row in rows}:
        problems.append("municipality_geography.csv does not have the same codes")
    if len(rows) != EXPECTED_ROWS:
        problems.append(f"expected {EXPECTED_ROWS} municipalities, found {len(rows)}")
    if len(regional_centres) != EXPECTED_CENTRES:
        problems.append(
            f"expected {EXPECTED_CENTRES} regional centres, found {len(regional_centres)}"
        )
    codes = {row["code"] for row in rows}
    if not regional_centres <= codes:
        problems.append("a regional centre code is not in the municipality list")
    if any(len(code) != 3 or not code.isdigit() for code in codes):
        problems.append("a municipality code is not three digits")
    return problems


def write_rows(rows: Sequence[Row], dest: Path) -> None:
    """Write the CSV (UTF-8, comma, LF line endings, like the source)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Read the source folder, derive the roles, write the CSV; 1 if the source is off."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="shared data folder")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="CSV to write")
    args = parser.parse_args(argv)
    rows = read_rows(args.source / "municipalities_fi.csv")
    geography = read_rows(args.source / "municipality_geography.csv")
    centres = frozenset(r["centre_code"] for r in read_rows(args.source / "regional_centres.csv"))
    problems = check(rows, centres, geography)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    out = build(merge_geography(rows, geography), centres)
    write_rows(out, args.output)
    counts: dict[str, int] = defaultdict(int)
    for row in out:
        counts[row["centre_role"]] += 1
    print(f"wrote {len(out)} rows to {args.output}: {dict(sorted(counts.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
