"""Statistics Finland's PxWeb API (v1): limits from ``?config``, metadata, a JSON-stat query.

Variables are found by label or role, never by a fixed code: on 8 June 2026 the codes
became versioned (``alue_23_20260101``) and content values got prefixes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kuntaprofiili.core.model import FetchSpec
from kuntaprofiili.opendata.http import FetchError, Http, RateLimiter, malformed
from kuntaprofiili.opendata.jsonstat import JsonStatError, read_dataset

DEFAULT_URL = "https://pxdata.stat.fi/PxWeb/api/v1/fi"
ATTRIBUTION = "Lähde: Tilastokeskus"
DEFAULT_LIMITS = (30, 10.0, 120_000)  # maxCalls, timeWindow (s), maxValues: rOpenGov/pxweb
MUNICIPALITY_CODE = re.compile(r"^(?:KU)?(\d{3})$")

Series = dict[str, dict[str, float]]  # municipality code -> year -> value


def base_url() -> str:
    """The API root with the language, e.g. https://pxdata.stat.fi/PxWeb/api/v1/fi."""
    return os.environ.get("KUNTAPROFIILI_STATFIN_URL", DEFAULT_URL).rstrip("/")


@dataclass(frozen=True, slots=True)
class Limits:
    """What the server's ``?config`` allows."""

    max_calls: int
    window: float
    max_values: int


def read_limits(http: Http, base: str) -> Limits:
    """Read ``?config`` and install its rate limit; defaults when it says nothing usable."""
    calls, window, values = (float(limit) for limit in DEFAULT_LIMITS)
    http.limiters[base] = RateLimiter(int(calls), window)
    try:
        config = http.json(http.get(f"{base}/?config"))
    except FetchError as error:
        if error.key == "opendata.offline" or error.key == "opendata.timeout":
            raise
        config = {}
    if isinstance(config, Mapping):
        calls = _positive(config.get("maxCalls"), calls)
        window = _positive(config.get("timeWindow"), window)
        values = _positive(config.get("maxValues"), values)
    http.limiters[base] = RateLimiter(int(calls), float(window))
    return Limits(int(calls), float(window), int(values))


def _positive(raw: Any, default: float) -> float:
    return float(raw) if isinstance(raw, int | float) and raw > 0 else default


def series_key(spec: FetchSpec) -> str:
    """The cache key of the series a spec reads."""
    return f"statfin:{spec.table}#{spec.content[0]}"


def years_wanted(specs: Iterable[FetchSpec]) -> int:
    """How many of the latest years the query takes (the time variable's 'top' filter)."""
    wanted = 1
    for spec in specs:
        span = spec.span or 0
        if spec.year != "latest" or spec.base_year is not None:
            return 0  # an explicit year: take them all
        wanted = max(wanted, span + 1)
    return wanted


def fetch_table(
    http: Http,
    base: str,
    limits: Limits,
    table: str,
    specs: Sequence[FetchSpec],
    only: str | None,
) -> tuple[dict[str, Series], list[FetchSpec]]:
    """Fetch every series ``specs`` read from ``table``; also the specs it did not find."""
    url = f"{base}/{table}"
    meta = http.json(http.get(url))
    variables = _variables(meta, url)
    region, time_var, content = (
        _find(variables, url, kind) for kind in ("region", "time", "content")
    )
    regions = [
        code
        for code in region["values"]
        if _municipality(code) and (only is None or _municipality(code) == only)
    ]
    wanted: dict[str, FetchSpec] = {}
    missing: list[FetchSpec] = []
    for spec in specs:
        code = _match(content, spec.content)
        if code is None:
            missing.append(spec)
        else:
            wanted[code] = spec
    found: dict[str, Series] = {series_key(s): {} for s in wanted.values()}
    if not wanted or not regions:
        return found, missing
    top = years_wanted(specs)
    time_filter = (
        {"filter": "top", "values": [str(top)]} if top else {"filter": "all", "values": ["*"]}
    )
    fixed = [_selection(variables, label, value, url) for label, value in _selects(specs).items()]
    per_region = max(1, len(wanted) * (top or len(time_var["values"])))
    chunk = max(1, limits.max_values // per_region)
    for start in range(0, len(regions), chunk):
        body = {
            "query": [
                {
                    "code": region["code"],
                    "selection": {"filter": "item", "values": regions[start : start + chunk]},
                },
                {"code": content["code"], "selection": {"filter": "item", "values": list(wanted)}},
                {"code": time_var["code"], "selection": time_filter},
                *fixed,
            ],
            "response": {"format": "json-stat2"},
        }
        doc = http.json(http.post_json(url, body))
        _collect(doc, url, region["code"], time_var["code"], content["code"], wanted, found)
    return found, missing


def _variables(meta: Any, url: str) -> list[Mapping[str, Any]]:
    variables = meta.get("variables") if isinstance(meta, Mapping) else None
    if not isinstance(variables, list) or not all(
        isinstance(v, Mapping) and isinstance(v.get("values"), list) for v in variables
    ):
        raise malformed(url, "table metadata has no 'variables'")
    return variables


def _find(variables: Sequence[Mapping[str, Any]], url: str, kind: str) -> Mapping[str, Any]:
    """The region, time or content variable, by its label or role."""
    for variable in variables:
        code, text = str(variable.get("code", "")).lower(), str(variable.get("text", "")).lower()
        if kind == "time" and variable.get("time") is True:
            return variable
        if kind == "region" and (text.startswith("alue") or code.startswith("alue")):
            return variable
        if kind == "content" and (code == "contentscode" or text == "tiedot"):
            return variable
    raise malformed(url, f"no {kind} variable in the table metadata")


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _match(variable: Mapping[str, Any], wanted: Sequence[str]) -> str | None:
    """The code of the first value whose code or label is one of ``wanted``."""
    codes = [str(c) for c in variable["values"]]
    labels = [str(t) for t in variable.get("valueTexts") or codes]
    for target in map(_fold, wanted):
        for code, label in zip(codes, labels, strict=False):
            if target in (_fold(code), _fold(label)):
                return code
    return None


def _selects(specs: Sequence[FetchSpec]) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for spec in specs:
        chosen.update(spec.select)
    return chosen


def _selection(
    variables: Sequence[Mapping[str, Any]], label: str, value: str, url: str
) -> dict[str, Any]:
    for variable in variables:
        if _fold(label) in (_fold(str(variable.get("code"))), _fold(str(variable.get("text")))):
            code = _match(variable, [value])
            if code is not None:
                return {"code": variable["code"], "selection": {"filter": "item", "values": [code]}}
    raise malformed(url, f"no value {value!r} of variable {label!r}")


def _municipality(code: object) -> str | None:
    found = MUNICIPALITY_CODE.match(str(code))
    return found.group(1) if found else None


def _collect(
    doc: Any,
    url: str,
    region: str,
    time_var: str,
    content: str,
    wanted: Mapping[str, FetchSpec],
    found: dict[str, Series],
) -> None:
    try:
        for cell, value in read_dataset(doc):
            municipality = _municipality(cell.get(region))
            spec = wanted.get(cell.get(content, ""))
            if value is None or municipality is None or spec is None:
                continue
            year = str(cell.get(time_var, ""))[:4]
            found[series_key(spec)].setdefault(municipality, {})[year] = value
    except JsonStatError as error:
        raise malformed(url, str(error)) from None
