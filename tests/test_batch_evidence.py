"""Evidence columns in the batch template and in batch: read, checked, carried to the
results and the reports (the answers file's ``evidence``, see test_evidence.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from helpers import MINI
from kuntaprofiili.cli import app
from kuntaprofiili.errors import ExitCode
from kuntaprofiili.i18n import message

HEADER = (
    "municipality;co2_per_capita;climate_plan;"
    "co2_per_capita_source;co2_per_capita_year;climate_plan_note"
)


def invoke(*args: str | Path) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args])


def write(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "kunnat.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run_json(source: Path, *more: str) -> tuple[Any, dict[str, Any]]:
    out = source.with_name("out.json")
    result = invoke("batch", source, "-o", out, "-q", MINI, "--force", *more)
    return result, json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}


def test_evidence_reaches_the_json_as_assess_writes_it(tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "Espoo;7;kyllä;SYKE,\x1b[31m kuntien  päästöt;2023;Valtuusto 12.6.2024 § 45",
        "Forssa;5;ei;;;",
    )
    result, data = run_json(source, "--lang", "en")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "unknown" not in result.stderr.lower() and "no such" not in result.stderr.lower()
    espoo, forssa = data["results"]
    assert espoo["evidence"] == {
        "climate_plan": {"note": "Valtuusto 12.6.2024 § 45"},
        "co2_per_capita": {"source": "SYKE,[31m kuntien päästöt", "year": 2023},
    }
    assert espoo["co2_per_capita_year"] == 2023  # the flat column too, as in CSV and XLSX
    assert forssa["evidence"] == {}
    assert [p["column"] for p in data["problems"]] == [""]  # only: missing questions


def test_absent_evidence_columns_are_fine(tmp_path: Path) -> None:
    source = write(tmp_path, "Espoo;7;kyllä", header="municipality;co2_per_capita;climate_plan")
    result, data = run_json(source, "--lang", "en")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert data["results"][0]["evidence"] == {}
    assert not any(k.endswith(("_source", "_note")) for k in data["results"][0])


@pytest.mark.parametrize(
    ("row", "column", "problem", "expected"),
    [
        ("Espoo;7;kyllä;SYKE;20x3;", "co2_per_capita_year", "bad_year", "expected_year"),
        ("Espoo;7;kyllä;SYKE;1850;", "co2_per_capita_year", "bad_year", "expected_year"),
        ("Espoo;7;kyllä;SYKE;;", "co2_per_capita_source", "year_missing", "expected_year_column"),
    ],
)
def test_a_bad_or_missing_year_rejects_the_row_naming_row_and_column(
    tmp_path: Path, row: str, column: str, problem: str, expected: str
) -> None:
    source = write(tmp_path, "Forssa;5;ei;;;", row)
    result, data = run_json(source, "--lang", "fi")
    assert result.exit_code == ExitCode.ROWS_REJECTED, result.stderr
    assert [r["municipality"] for r in data["results"]] == ["Forssa"]
    errors = [
        p for p in data["problems"] if p["severity"] != message("batch.severity.notice", "fi")
    ]
    assert len(errors) == 1
    assert (errors[0]["row"], errors[0]["column"]) == (3, column)
    assert errors[0]["problem"] == message(f"evidence.batch.{problem}", "fi", limit=500)
    hint = message(f"evidence.batch.{expected}", "fi", column="co2_per_capita_year")
    assert errors[0]["expected"] == hint


def test_a_choice_needs_no_year_and_a_long_note_is_cut_with_a_notice(tmp_path: Path) -> None:
    long = "x" * 600
    header = "municipality;climate_plan;climate_plan_source;climate_plan_note"
    source = write(tmp_path, f"Espoo;kyllä;Valtuuston pöytäkirja;{long}", header=header)
    result, data = run_json(source, "--lang", "en")
    assert result.exit_code == ExitCode.OK, result.stderr
    evidence = data["results"][0]["evidence"]["climate_plan"]
    assert evidence == {"note": "x" * 500, "source": "Valtuuston pöytäkirja"}
    notice = next(p for p in data["problems"] if p["column"] == "climate_plan_note")
    assert notice["row"] == 2 and "500 characters" in notice["problem"]


def test_a_row_with_only_evidence_is_not_an_empty_row(tmp_path: Path) -> None:
    source = write(tmp_path, "Espoo;7;kyllä;;;", ";;;SYKE;2023;")
    result, data = run_json(source, "--lang", "en")
    assert result.exit_code == ExitCode.ROWS_REJECTED
    assert any(p["row"] == 3 and p["column"] == "municipality" for p in data["problems"])


def test_template_has_evidence_columns_after_the_answers(tmp_path: Path) -> None:
    out = tmp_path / "malli.xlsx"
    assert invoke("template", "-o", out, "-q", MINI, "--lang", "fi").exit_code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    header = [str(c.value) for c in sheet[1]]
    first = header.index("population_source")
    assert all(not h.endswith(("_source", "_note", "_year")) for h in header[2:first])
    assert header[first : first + 3] == ["population_source", "population_year", "population_note"]
    assert "climate_plan_year" not in header  # a year only for a figure
    at = header.index("co2_per_capita_year") + 1
    assert sheet.cell(2, at).value == "Tilaston vuosi: Päästöt?"
    comment = sheet.cell(1, at).comment
    assert comment is not None and "co2_per_capita_source" in comment.text
    letter = openpyxl.utils.get_column_letter
    assert sheet.column_dimensions[letter(at)].outlineLevel == 1
    assert sheet.column_dimensions[letter(header.index("co2_per_capita") + 1)].outlineLevel == 0
    years = [v for v in sheet.data_validations.dataValidation if f"{letter(at)}3" in str(v.sqref)]
    assert years and "1990" in str(years[0].formula1)


def test_filled_xlsx_template_carries_evidence_to_the_reports(tmp_path: Path) -> None:
    out = tmp_path / "malli.xlsx"
    assert invoke("template", "-o", out, "-q", MINI, "--lang", "en").exit_code == 0
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    header = [str(c.value) for c in sheet[1]]
    cells: dict[str, str | int] = {
        "municipality": "Espoo",
        "co2_per_capita": 7,
        "climate_plan": "yes",
        "co2_per_capita_source": "SYKE, kuntien päästöt",
        "co2_per_capita_year": 2023,
        "climate_plan_note": "Valtuusto 12.6.2024 § 45",
    }
    for name, value in cells.items():
        sheet.cell(3, header.index(name) + 1, value)
    book.save(out)
    results = tmp_path / "tulokset.csv"
    reports = tmp_path / "raportit"
    result = invoke("batch", out, "-o", results, "-q", MINI, "--reports", reports, "--lang", "en")
    assert result.exit_code == ExitCode.OK, result.stderr
    assert "Unknown" not in result.stderr
    table = results.read_text(encoding="utf-8")
    assert table.splitlines()[0].endswith("co2_per_capita_source,co2_per_capita_year")
    assert table.rstrip().endswith('"SYKE, kuntien päästöt",2023')
    html = next(reports.glob("*.html")).read_text(encoding="utf-8")
    assert '<section id="evidence"><h2>Sources and notes</h2>' in html
    assert "source: SYKE, kuntien päästöt; year 2023" in html
    assert "note: Valtuusto 12.6.2024 § 45" in html
