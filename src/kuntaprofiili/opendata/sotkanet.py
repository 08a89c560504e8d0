"""THL's Sotkanet REST API 1.1: the region list, an indicator's years, its data.

Data rows name regions by Sotkanet's internal id; ``/regions`` maps the ids of
category KUNTA to the 3-digit municipality code.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from kuntaprofiili.core.model import FetchSpec
from kuntaprofiili.opendata.http import Http, malformed

DEFAULT_URL = "https://sotkanet.fi/rest/1.1"
ATTRIBUTION = "Lähde: THL, Sotkanet.fi"

Series = dict[str, dict[str, float]]


def base_url() -> str:
    """The REST root, e.g. https://sotkanet.fi/rest/1.1."""
    return os.environ.get("KUNTAPROFIILI_SOTKANET_URL", DEFAULT_URL).rstrip("/")


def series_key(spec: FetchSpec) -> str:
    """The cache key of the series a spec reads."""
    return f"sotkanet:{spec.indicator}"


def fetch_regions(http: Http, base: str) -> dict[str, str]:
    """Sotkanet region id -> municipality code, for the municipalities (category KUNTA)."""
    url = f"{base}/regions"
    rows = http.json(http.get(url))
    if not isinstance(rows, list):
        raise malformed(url, "the region list is not a list")
    mapping: dict[str, str] = {}
    for row in rows:
        if isinstance(row, Mapping) and row.get("category") == "KUNTA" and "id" in row:
            code = str(row.get("code", ""))
            if code.isdigit():
                mapping[str(row["id"])] = code.zfill(3)
    if not mapping:
        raise malformed(url, "no municipalities (category KUNTA) in the region list")
    return mapping


def years_for(http: Http, base: str, indicator: int, specs: Iterable[FetchSpec]) -> list[int]:
    """The years to ask for: the latest published (from the metadata) and those specs need."""
    url = f"{base}/indicators/{indicator}"
    meta = http.json(http.get(url))
    latest = meta.get("range", {}).get("end") if isinstance(meta, Mapping) else None
    if not isinstance(latest, int):
        raise malformed(url, "the indicator metadata has no range.end")
    years = {latest}
    for spec in specs:
        year = latest if spec.year == "latest" else spec.year
        years.add(year)
        if spec.span:
            years.add(year - spec.span)
        if spec.base_year:
            years.add(spec.base_year)
    return sorted(years)


def fetch_indicator(
    http: Http, base: str, indicator: int, years: list[int], regions: Mapping[str, str]
) -> Series:
    """Municipality code -> year -> value of one indicator (both sexes together)."""
    url = f"{base}/json"
    params: list[tuple[str, str | int | float | bool | None]] = [("indicator", indicator)]
    params += [("years", year) for year in years]
    params.append(("genders", "total"))
    rows = http.json(http.get(url, params=params))
    if not isinstance(rows, list):
        raise malformed(url, "the data is not a list")
    series: Series = {}
    for row in rows:
        _add_row(row, regions, series, url)
    return series


def _add_row(row: Any, regions: Mapping[str, str], series: Series, url: str) -> None:
    if not isinstance(row, Mapping) or "region" not in row or "year" not in row:
        raise malformed(url, "a data row has no region or year")
    code = regions.get(str(row["region"]))
    value = row.get("value")
    if code is None or value is None or row.get("gender", "total") != "total":
        return
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise malformed(url, f"value {value!r} is not a number")
    series.setdefault(code, {})[str(row["year"])] = float(value)
