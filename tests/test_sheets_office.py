"""Spreadsheets as offices make them: workbooks in, readable workbooks out, LibreOffice itself."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from helpers import require_program
from kuntaprofiili.cli import app
from kuntaprofiili.errors import ExitCode

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "kunnat-2026.csv"
runner = CliRunner()


def _example_rows() -> list[list[str]]:
    with EXAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def _typed(text: str) -> object:
    """A cell as a person types it in Calc: numbers become numbers."""
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def _filled_workbook(path: Path, percent: bool = True) -> None:
    """The example sheet as an office makes it: instructions first, a title row above the
    header, numbers as numbers and the percent items formatted as percent."""
    rows = _example_rows()
    book = openpyxl.Workbook()
    first = book.worksheets[0]
    first.title = "Ohjeet"
    first["A1"] = "Täytä toinen välilehti."
    sheet = book.create_sheet("Kunnat 2026")
    sheet.append(["Kestävyysarvio 2026"])
    sheet.append(rows[0])
    share = {i for i, h in enumerate(rows[0]) if h.endswith("_share")}
    for row in rows[1:]:
        cells = [_typed(t) for t in row]
        sheet.append(
            [
                c / 100 if percent and i in share and isinstance(c, float) else c
                for i, c in enumerate(cells)
            ]
        )
    if percent:
        for column in share:
            for cell in sheet.iter_rows(min_row=3, min_col=column + 1, max_col=column + 1):
                cell[0].number_format = "0.0%"
    book.save(path)


def _scores(path: Path, out: Path, *extra: str) -> pd.DataFrame:
    result = runner.invoke(app, ["batch", str(path), "-o", str(out), *extra])
    assert result.exit_code == ExitCode.OK, result.stderr
    return pd.read_csv(out)[["municipality", "overall", "ecological_score"]]


def test_percent_cells_instructions_sheet_and_title_row_score_as_the_csv(tmp_path: Path) -> None:
    workbook = tmp_path / "kunnat.xlsx"
    _filled_workbook(workbook)
    from_csv = _scores(EXAMPLE, tmp_path / "a.csv")
    from_xlsx = _scores(workbook, tmp_path / "b.csv")
    pd.testing.assert_frame_equal(from_csv, from_xlsx)


def test_no_data_sheet_names_the_sheets(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.worksheets[0]["A1"] = "Ohjeet"
    path = tmp_path / "x.xlsx"
    book.save(path)
    result = runner.invoke(app, ["batch", str(path), "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == ExitCode.ERROR
    assert "[Sheet]" in result.stderr and "Traceback" not in result.stderr


def test_formula_without_saved_value_is_a_row_error(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(["municipality", "climate_plan"])
    sheet.append(["Espoo", "=A1"])  # openpyxl saves no value for a formula
    path = tmp_path / "f.xlsx"
    book.save(path)
    result = runner.invoke(app, ["batch", str(path), "-o", str(tmp_path / "o.csv"), "-l", "en"])
    assert result.exit_code == ExitCode.ROWS_REJECTED
    errors = pd.read_csv(tmp_path / "o.errors.csv")
    assert "formula without a saved value" in set(errors["problem"])


def test_readme_batch_examples_run_one_after_another(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "kunnat.csv")
    source = str(tmp_path / "kunnat.csv")
    for args in (
        ["-o", "tulokset.xlsx"],
        ["-o", "tulokset.csv", "--excel-fi", "--measures", "5"],
        ["-o", "tulokset.json", "--strict"],
    ):
        target = [str(tmp_path / a) if a.startswith("tulokset") else a for a in args]
        result = runner.invoke(app, ["batch", source, *target])
        assert result.exit_code == ExitCode.OK, result.stderr
    assert not list(tmp_path.glob("*.errors.csv"))  # no errors: no errors file


def test_stale_errors_file_is_named_and_kept(tmp_path: Path) -> None:
    stale = tmp_path / "o.errors.csv"
    stale.write_text("old", encoding="utf-8")
    result = runner.invoke(app, ["batch", str(EXAMPLE), "-o", str(tmp_path / "o.csv"), "-l", "en"])
    assert result.exit_code == ExitCode.OK
    assert str(stale) in result.stderr and stale.read_text(encoding="utf-8") == "old"


def test_output_may_not_be_the_inputs_errors_file(tmp_path: Path) -> None:
    shutil.copy(EXAMPLE, tmp_path / "k.csv")
    result = runner.invoke(
        app, ["batch", str(tmp_path / "k.csv"), "-o", str(tmp_path / "k.errors.csv")]
    )
    assert result.exit_code == ExitCode.ERROR
    assert not (tmp_path / "k.errors.csv").exists()


def test_control_characters_never_reach_the_workbook(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("municipality;population\nKylä\x07\x1b[31m;5000\n", encoding="utf-8")
    out = tmp_path / "o.xlsx"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out)])
    assert result.exit_code in (ExitCode.OK, ExitCode.ROWS_REJECTED), result.stderr
    if out.exists():
        values = [c for row in openpyxl.load_workbook(out).worksheets[0].values for c in row]
        assert not any(isinstance(v, str) and ("\x07" in v or "\x1b" in v) for v in values)


# -- LibreOffice itself --------------------------------------------------------------------

# Calc's CSV export: ";", '"', UTF-8, Finnish; the last field is the sheet to save.
FINNISH_CSV = "csv:Text - txt - csv (StarCalc):59,34,76,1,,1035,false,true,true,false,false,{sheet}"


def _soffice(
    tmp_path: Path, target: str, out: Path, *files: Path, infilter: str | None = None
) -> None:
    """One LibreOffice run converting ``files`` into ``out``, with a private profile."""
    program = require_program("soffice")
    out.mkdir(exist_ok=True)
    profile = (tmp_path / "lo-profile").as_uri()
    command = [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--outdir", str(out), *map(str, files)]
    subprocess.run(command, check=True, capture_output=True, timeout=180)


def test_libreoffice_round_trip_keeps_scores_codes_and_numbers(tmp_path: Path) -> None:
    require_program("soffice")
    filled = tmp_path / "kunnat.xlsx"
    _filled_workbook(filled)
    _soffice(tmp_path, "ods", tmp_path / "ods", filled)
    ods = tmp_path / "ods" / "kunnat.ods"
    _soffice(tmp_path, "xlsx", tmp_path / "lo", ods)
    _soffice(tmp_path, FINNISH_CSV.format(sheet=2), tmp_path / "csv", ods)
    (saved,) = (tmp_path / "csv").glob("*.csv")
    expected = _scores(EXAMPLE, tmp_path / "expected.csv")
    for path in (ods, tmp_path / "lo" / "kunnat.xlsx", saved):
        got = _scores(path, tmp_path / f"{path.suffix[1:]}.csv")
        pd.testing.assert_frame_equal(expected, got, obj=str(path))

    # batch's own workbook and Finnish CSV, opened in LibreOffice and saved as CSV
    assert (
        runner.invoke(app, ["batch", str(EXAMPLE), "-o", str(tmp_path / "r.xlsx")]).exit_code == 0
    )
    args = ["batch", str(EXAMPLE), "-o", str(tmp_path / "fi.csv"), "--excel-fi"]
    assert runner.invoke(app, args).exit_code == 0
    _soffice(tmp_path, FINNISH_CSV.format(sheet=1), tmp_path / "back", tmp_path / "r.xlsx")
    fi_filter = "CSV:59,34,76,1,,1035"
    fi_csv = tmp_path / "fi.csv"
    _soffice(tmp_path, FINNISH_CSV.format(sheet=1), tmp_path / "back2", fi_csv, infilter=fi_filter)
    plain = pd.read_csv(tmp_path / "expected.csv", dtype={"municipality_code": str})
    saved_back = [*(tmp_path / "back").glob("*.csv"), *(tmp_path / "back2").glob("*.csv")]
    assert len(saved_back) == 2
    for back in saved_back:
        frame = pd.read_csv(back, sep=";", dtype=str, skiprows=1, encoding="utf-8")
        assert list(frame["municipality_code"]) == ["KU" + c for c in plain["municipality_code"]]
        shown = frame["overall"].str.replace(",", ".").astype(float)
        assert list(shown) == list(plain["overall"]), back
