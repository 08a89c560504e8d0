"""`batch --prefill` and `template --prefill` with a cache built by `data update` against the
local server that serves the recorded open-data responses (tests/opendata_server.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.opendata import http as http_module
from opendata_server import point_at, serve_all
from test_opendata import FETCHED

SHEET = (
    "municipality;population;ghg_per_capita;climate_plan\n"
    "Espoo;300000;;kyllä\n"  # population typed: it wins over the fetched 274 583
    "Helsinki;;;ei\n"
    "Forssa;17000;;ei\n"  # not in the cache
)


def flat(text: str) -> str:
    return " ".join(text.split())


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def cached(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path) -> Any:
    """A cache holding Espoo and Helsinki, fetched from the local server."""
    monkeypatch.setattr(http_module, "SERVER_ERROR_BACKOFF", 0.0)
    serve_all(httpserver)
    point_at(httpserver, monkeypatch)
    for name in ("Espoo", "Helsinki"):
        result = invoke("data", "update", "-m", name, "--lang", "en")
        assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads((_isolated_home / "opendata.json").read_text("utf-8"))
    assert {"049", "091"} <= set(data["values"])
    return data


def sheet(tmp_path: Path, text: str = SHEET) -> Path:
    path = tmp_path / "kunnat.csv"
    path.write_text(text, encoding="utf-8")
    return path


def rows_of(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["municipality"]: row for row in csv.DictReader(handle)}


def test_batch_fills_empty_cells_and_marks_source_and_year(cached: Any, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = invoke("batch", str(sheet(tmp_path)), "-o", str(out), "--prefill", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    # the sheet's two fetched columns, and the eight it lacks, which are added
    assert "Prefilled from the cache: 19 values in 2 rows" in flat(result.stderr)
    assert "The cache has nothing for Forssa" in flat(result.stderr)
    rows = rows_of(out)
    espoo, helsinki, forssa = rows["Espoo"], rows["Helsinki"], rows["Forssa"]
    assert set(espoo["prefilled"].split()) == FETCHED - {"population"}  # the typed one won
    assert espoo["population_value"] == espoo["population_source"] == ""
    assert set(helsinki["prefilled"].split()) == FETCHED
    assert helsinki["population_value"] == "635181"
    assert helsinki["population_source"].startswith("Lähde: Tilastokeskus (")
    assert helsinki["population_year"] == "2016"
    ghg = cached["values"]["091"]["ghg_per_capita"]
    assert float(helsinki["ghg_per_capita_value"]) == pytest.approx(ghg["value"])
    assert "SYKE" in helsinki["ghg_per_capita_source"]
    assert helsinki["ghg_per_capita_year"] == "2022"
    assert forssa["prefilled"] == "" and forssa["ghg_per_capita_year"] == ""


def test_prefilled_values_score_as_if_typed(cached: Any, tmp_path: Path) -> None:
    """The filled cells go through scoring: the same scores as the values typed by hand."""
    helsinki = cached["values"]["091"]
    typed = (
        "municipality;population;ghg_per_capita;climate_plan\n"
        f"Helsinki;{helsinki['population']['value']};{helsinki['ghg_per_capita']['value']};ei\n"
    )
    empty = "municipality;population;ghg_per_capita;climate_plan\nHelsinki;;;ei\n"
    results = []
    for name, text in (("typed", typed), ("empty", empty)):
        source = tmp_path / f"{name}.csv"
        source.write_text(text, encoding="utf-8")
        out = tmp_path / f"{name}.json"
        result = invoke("batch", str(source), "-o", str(out), "--prefill", "--lang", "en")
        assert result.exit_code == 0, result.stderr
        results.append(json.loads(out.read_text(encoding="utf-8"))["results"][0])
    by_hand, filled = results
    assert set(by_hand["prefilled"].split()) == FETCHED - {"population", "ghg_per_capita"}
    assert set(filled["prefilled"].split()) == FETCHED
    assert filled["ghg_per_capita_year"] == 2022
    assert filled["ecological_score"] == by_hand["ecological_score"]
    assert filled["ecological_coverage"] == by_hand["ecological_coverage"] > 0


@pytest.mark.usefixtures("cached")
def test_batch_adds_a_column_the_sheet_lacks(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    source = sheet(tmp_path, "municipality;climate_plan\nHelsinki;ei\n")
    result = invoke("batch", str(source), "-o", str(out), "--prefill", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    filled = rows_of(out)["Helsinki"]["prefilled"].split()
    assert {"population", "morbidity_index", "loan_per_capita", "ghg_reduction_2005"} <= set(filled)


@pytest.mark.usefixtures("cached")
def test_dont_know_in_the_sheet_is_not_overwritten(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    source = sheet(tmp_path, "municipality;ghg_per_capita\nHelsinki;en tiedä\n")
    result = invoke("batch", str(source), "-o", str(out), "--prefill", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    row = rows_of(out)["Helsinki"]
    assert "ghg_per_capita" not in row["prefilled"].split()
    assert "population" in row["prefilled"].split()


@pytest.mark.usefixtures("cached")
def test_xlsx_and_excel_fi_name_the_marks_for_people(tmp_path: Path) -> None:
    xlsx = tmp_path / "tulokset.xlsx"
    result = invoke("batch", str(sheet(tmp_path)), "-o", str(xlsx), "--prefill", "--lang", "fi")
    assert result.exit_code == 0, result.stderr
    assert "Esitäytetty välimuistista: 19 arvoa 2 rivillä" in flat(result.stderr)
    rows = list(load_workbook(xlsx).worksheets[0].iter_rows(values_only=True))
    people, ids = rows[0], rows[1]
    at = {name: k for k, name in enumerate(ids)}
    assert people[at["prefilled"]] == "Esitäytetyt (avoin data)"
    assert people[at["ghg_per_capita_year"]] == "ghg_per_capita: tilastovuosi"
    assert people[at["population_source"]] == "population: lähde"
    helsinki = next(r for r in rows[2:] if r[at["municipality"]] == "Helsinki")
    assert helsinki[at["ghg_per_capita_year"]] == 2022
    assert helsinki[at["population_value"]] == 635181

    excel = tmp_path / "resultat.csv"
    result = invoke(
        "batch", str(sheet(tmp_path)), "-o", str(excel), "--prefill", "--excel-fi", "--lang", "sv"
    )
    assert result.exit_code == 0, result.stderr
    lines = excel.read_text(encoding="utf-8-sig").splitlines()
    people_sv, ids_sv = lines[0].split(";"), lines[1].split(";")
    assert people_sv[ids_sv.index("prefilled")] == "Förifyllda (öppna data)"
    assert people_sv[ids_sv.index("ghg_per_capita_source")] == "ghg_per_capita: källa"
    assert people_sv[ids_sv.index("ghg_per_capita_year")] == "ghg_per_capita: statistikår"


def test_batch_prefill_without_a_cache_says_how_to_get_one(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = invoke("batch", str(sheet(tmp_path)), "-o", str(out), "--prefill", "--lang", "en")
    assert result.exit_code == 1
    assert "there is no cache yet" in flat(result.stderr)
    assert "kuntaprofiili data update" in flat(result.stderr)
    assert "Traceback" not in result.stderr
    assert not out.exists()
    plain = invoke("batch", str(sheet(tmp_path)), "-o", str(out), "--lang", "en")
    assert plain.exit_code == 0, plain.stderr  # without --prefill nothing changes
    assert "prefilled" not in next(iter(rows_of(out).values()))


@pytest.mark.usefixtures("cached")
def test_template_prefill_puts_values_in_place_with_notes(tmp_path: Path) -> None:
    out = tmp_path / "malli.xlsx"
    result = invoke(
        "template", "-o", str(out), "--prefill", "-m", "Esbo", "-m", "Helsinki", "--lang", "fi"
    )
    assert result.exit_code == 0, result.stderr
    assert "Malliin esitäytettiin 2 kuntaa" in flat(result.stderr)
    sheet_ = load_workbook(out).worksheets[0]
    ids = [c.value for c in sheet_[1]]
    names = [sheet_.cell(row=r, column=1).value for r in (3, 4)]
    assert names == ["Espoo", "Helsinki"]
    population = sheet_.cell(row=3, column=ids.index("population") + 1)
    assert population.value == 274583
    assert population.comment is not None
    note = flat(population.comment.text)
    assert "Lähde: Tilastokeskus" in note and "tilastovuosi 2016" in note
    assert "Tarkista arvo" in note
    ghg = sheet_.cell(row=4, column=ids.index("ghg_per_capita") + 1)
    assert ghg.comment is not None and "SYKE" in ghg.comment.text
    assert "tilastovuosi 2022" in ghg.comment.text
    judgement = sheet_.cell(row=3, column=ids.index("climate_plan") + 1)
    assert judgement.value is None and judgement.comment is None
    description = sheet_.cell(row=2, column=ids.index("population") + 1).value
    assert "Esitäytetty: Lähde: Tilastokeskus, tilastovuosi 2016" in str(description)

    source = sheet_.cell(row=3, column=ids.index("population_source") + 1).value
    assert str(source).startswith("Lähde: Tilastokeskus (")
    assert sheet_.cell(row=3, column=ids.index("population_year") + 1).value == 2016
    assert sheet_.cell(row=3, column=ids.index("climate_plan_source") + 1).value is None

    # the official checks it and runs batch on it: the prefilled values are read as typed
    results = tmp_path / "tulokset.csv"
    scored = invoke("batch", str(out), "-o", str(results), "--lang", "fi")
    assert scored.exit_code == 0, scored.stderr
    assert set(rows_of(results)) == {"Espoo", "Helsinki"}
    espoo = rows_of(results)["Espoo"]
    assert espoo["population_source"] == source and espoo["population_year"] == "2016"


@pytest.mark.usefixtures("cached")
def test_template_prefill_without_names_has_every_cached_municipality(tmp_path: Path) -> None:
    out = tmp_path / "malli.csv"
    result = invoke("template", "-o", str(out), "--prefill", "--excel-fi", "--lang", "sv")
    assert result.exit_code == 0, result.stderr
    assert "CSV-fil har inga cellkommentarer" in flat(result.stderr)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        header, description, *rows = list(csv.reader(handle, delimiter=";"))
    population = description[header.index("population")]
    assert population.endswith("]. Förifyllt: Lähde: Tilastokeskus, statistikår 2016")
    assert [r[0] for r in rows] == ["Esbo", "Helsingfors"]  # in the order of their codes
    ghg = rows[1][header.index("ghg_per_capita")]
    assert "," in ghg  # decimal comma for Finnish Excel


@pytest.mark.usefixtures("cached")
def test_template_prefill_names_a_municipality_without_figures(tmp_path: Path) -> None:
    out = tmp_path / "malli.xlsx"
    result = invoke("template", "-o", str(out), "-m", "Forssa", "--lang", "en")
    assert result.exit_code == 1
    assert "The cache has nothing for Forssa" in flat(result.stderr)
    assert "nothing to prefill" in flat(result.stderr)
    assert not out.exists()


def test_template_prefill_without_a_cache(tmp_path: Path) -> None:
    out = tmp_path / "malli.xlsx"
    result = invoke("template", "-o", str(out), "--prefill", "--lang", "fi")
    assert result.exit_code == 1
    assert "kuntaprofiili data update" in flat(result.stderr)
    assert not out.exists()
