"""A local stand-in for the three open-data services, serving the recorded fixtures.

Recorded bodies (tests/fixtures/opendata/, see ORIGIN.md there) are served as they are.
Where no recording exists (the Kuntien avainluvut data query, Sotkanet indicators 243
and 3219, the SYKE files) the body is built in the provider's documented format by the
functions below; their numbers are made up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

FIXTURES = Path(__file__).parent / "fixtures" / "opendata"
STATFIN_ROOT = "/PxWeb/api/v1/fi"
TABLE = "Kuntien_avainluvut/2025/kuntien_avainluvut_2025_aikasarja.px"
SOTKANET_ROOT = "/rest/1.1"
SYKE_ROOT = "/syke"


def fixture_text(name: str) -> str:
    """A fixture file's text."""
    return (FIXTURES / name).read_text(encoding="utf-8")


def fixture_json(name: str) -> Any:
    """A fixture file as JSON."""
    return json.loads(fixture_text(name))


def json_response(data: Any, status: int = 200) -> Response:
    """A JSON body."""
    return Response(json.dumps(data), status=status, content_type="application/json")


def made_up_value(*parts: str) -> float:
    """A stable, made-up number for a constructed response cell."""
    return float(sum(ord(c) for c in "".join(parts)) % 97 + 1)


POPULATION_2016 = {"091": 635181.0, "049": 274583.0}


def statfin_data(request: Request) -> Response:
    """A JSON-stat2 answer to a PxWeb query, built from the real table metadata (CONSTRUCTED)."""
    meta = fixture_json("pxweb_v1_kuntien_avainluvut_2017_aikasarja_metadata.json")
    selection = {q["code"]: q["selection"] for q in request.get_json()["query"]}
    dims: list[tuple[str, list[str]]] = []
    for variable in meta["variables"]:
        chosen = selection.get(variable["code"])
        values = variable["values"]
        if chosen and chosen["filter"] == "item":
            values = [v for v in values if v in chosen["values"]]
        elif chosen and chosen["filter"] == "top":
            values = values[-int(chosen["values"][0]) :]
        dims.append((variable["code"], values))
    region, content, year = (values for _, values in dims)
    cells: list[float | None] = []
    for r in region:
        for c in content:
            for y in year:
                if c == "M411":  # population grows 1 % a year from the 2016 figure
                    base = POPULATION_2016.get(r, 10_000.0)
                    cells.append(round(base / 1.01 ** (2016 - int(y))))
                else:
                    cells.append(None if r == "SSS" else made_up_value(r, c, y))
    return json_response(
        {
            "version": "2.0",
            "class": "dataset",
            "label": meta["title"],
            "source": "Tilastokeskus",
            "id": [code for code, _ in dims],
            "size": [len(values) for _, values in dims],
            "dimension": {
                code: {"label": code, "category": {"index": {v: k for k, v in enumerate(values)}}}
                for code, values in dims
            },
            "value": cells,
        }
    )


def sotkanet_data(request: Request) -> Response:
    """Rows of one indicator for the recorded regions (127: the recording; others CONSTRUCTED)."""
    indicator = int(request.args["indicator"])
    years = [int(y) for y in request.args.getlist("years")]
    if indicator == 127:
        return Response(
            fixture_text("sotkanet_json_127_2023.json"), content_type="application/json"
        )
    regions = fixture_json("sotkanet_regions_2026_trimmed.json")
    rows = [
        {
            "indicator": indicator,
            "region": region["id"],
            "year": year,
            "gender": "total",
            "value": made_up_value(str(indicator), str(region["id"]), str(year)),
        }
        for region in regions
        for year in years
    ]
    return json_response(rows)


def syke_file(request: Request) -> Response:
    """Every municipality's file is the same CONSTRUCTED one."""
    del request
    text = fixture_text("syke_kunta_taso5_2005_2022_CONSTRUCTED.csv")
    return Response(text, content_type="text/csv; charset=utf-8")


Handler = Callable[[Request], Response]


def serve_all(server: HTTPServer) -> None:
    """Register the normal answers of every service."""
    server.expect_request(f"{STATFIN_ROOT}/", query_string="config").respond_with_data(
        fixture_text("pxweb_v1_config_statfin_CONSTRUCTED.json"), content_type="application/json"
    )
    table = f"{STATFIN_ROOT}/{TABLE}"
    server.expect_request(table, method="GET").respond_with_data(
        fixture_text("pxweb_v1_kuntien_avainluvut_2017_aikasarja_metadata.json"),
        content_type="application/json",
    )
    server.expect_request(table, method="POST").respond_with_handler(statfin_data)
    server.expect_request(f"{SOTKANET_ROOT}/regions").respond_with_data(
        fixture_text("sotkanet_regions_2026_trimmed.json"), content_type="application/json"
    )
    # only range.end is read; the recorded metadata of indicator 186 stands in for every id
    metadata = fixture_text("sotkanet_indicator_metadata_186.json")
    for indicator in (243, 3219):
        server.expect_request(f"{SOTKANET_ROOT}/indicators/{indicator}").respond_with_data(
            metadata, content_type="application/json"
        )
    server.expect_request(f"{SOTKANET_ROOT}/json").respond_with_handler(sotkanet_data)
    server.expect_request(
        re.compile(rf"{SYKE_ROOT}/Tulokset_taso_5/kunta_\d+\.csv")
    ).respond_with_handler(syke_file)


def point_at(server: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send the providers to the local server."""
    monkeypatch.setenv("KUNTAPROFIILI_STATFIN_URL", server.url_for(STATFIN_ROOT))
    monkeypatch.setenv("KUNTAPROFIILI_SOTKANET_URL", server.url_for(SOTKANET_ROOT))
    monkeypatch.setenv("KUNTAPROFIILI_SYKE_URL", server.url_for(SYKE_ROOT))
