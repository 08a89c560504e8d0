"""SYKE's municipal greenhouse-gas emissions (ALas model): one CSV file per municipality.

The files are ``;``-separated with a decimal comma; emissions are summed over the rows
that belong to the HINKU calculation (emissions trading is already left out there).
"""

from __future__ import annotations

import csv
import io
import os

from kuntaprofiili.opendata.http import Http, malformed

DEFAULT_URL = "https://paastot.hiilineutraalisuomi.fi"
ATTRIBUTION = "Lähde: Suomen ympäristökeskus (SYKE)"
SERIES_KEY = "syke:hinku_kt"
TRUE_WORDS = frozenset({"true", "1", "on", "kyllä", "yes", "t"})
NULLS = frozenset({"", "na", "null"})


def base_url() -> str:
    """The file server's root."""
    return os.environ.get("KUNTAPROFIILI_SYKE_URL", DEFAULT_URL).rstrip("/")


def file_url(base: str, code: str) -> str:
    """Where one municipality's file is: the number without leading zeros (kunta_91.csv)."""
    return f"{base}/Tulokset_taso_5/kunta_{int(code)}.csv"


def fetch_municipality(http: Http, base: str, code: str) -> dict[str, float]:
    """Year -> kt CO2e of the HINKU calculation for one municipality."""
    url = file_url(base, code)
    return parse_emissions(http.get(url).text, url)


def parse_emissions(text: str, url: str) -> dict[str, float]:
    """Sum ``kt`` over the HINKU rows of each year."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
    needed = {"vuosi", "kt", "hinku_laskenta"}
    if reader.fieldnames is None or not needed <= set(reader.fieldnames):
        raise malformed(url, f"the columns {', '.join(sorted(needed))} are missing")
    totals: dict[str, float] = {}
    for row in reader:
        raw = (row.get("kt") or "").strip()
        if (row.get("hinku_laskenta") or "").strip().lower() not in TRUE_WORDS:
            continue
        year = (row.get("vuosi") or "").strip()
        if not year.isdigit():
            raise malformed(url, f"year {year!r} is not a number")
        if raw.lower() in NULLS:
            continue
        try:
            value = float(raw.replace("\u2212", "-").replace(",", "."))
        except ValueError:
            raise malformed(url, f"kt {raw!r} is not a number") from None
        totals[year] = totals.get(year, 0.0) + value
    return totals
