"""The batch template: headers, question texts, help comments and drop-downs."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.answers import coerce_answer
from kuntaprofiili.core.model import DONT_KNOW, Questionnaire
from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import ExitCode
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from kuntaprofiili.i18n import LANGS, message
from kuntaprofiili.sheets.template import build_template, is_description_row

MINI = Path(__file__).parent / "fixtures" / "mini.yaml"
runner = CliRunner()


def validations(sheet: Worksheet) -> dict[str, tuple[str, str | None]]:
    """Column letter -> (validation type, formula1) of the sheet's data validations."""
    found = {}
    for check in sheet.data_validations.dataValidation:
        for cells in check.sqref.ranges:
            found[cells.coord.split(":")[0].rstrip("0123456789")] = (check.type, check.formula1)
    return found


def _headers(questionnaire: Questionnaire) -> list[str]:
    """The answer columns, then each item's source, (for a figure) year and note."""
    answers = [i.id for i in questionnaire.items]
    evidence = [
        f"{i.id}_{part}"
        for i in questionnaire.items
        for part in (("source", "year", "note") if i.numeric else ("source", "note"))
    ]
    return ["municipality", "year", *answers, *evidence]


def test_xlsx_template_has_headers_texts_comments_and_dropdowns(
    tmp_path: Path, mini: Questionnaire
) -> None:
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["template", "-o", str(out), "-q", str(MINI), "--lang", "sv"])
    assert result.exit_code == ExitCode.OK, result.stderr
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header == _headers(mini)
    texts = [c.value for c in sheet[2]]
    assert texts[0] == message("template.municipality_text", "sv")
    assert texts[header.index("co2_per_capita")] == "Utsläpp? (t CO2e/inv.)"
    comment = sheet.cell(1, header.index("climate_plan") + 1).comment
    assert comment is not None and "ja, delvis, nej" in comment.text
    checks = validations(sheet)
    letter = openpyxl.utils.get_column_letter
    for item in mini.items:
        kind, formula = checks[letter(header.index(item.id) + 1)]
        assert kind == ("custom" if item.numeric else "list")  # numbers: text passes
        if not item.numeric:
            assert formula is not None
            lists = book[formula.split("!")[0]]
            column = formula.split("$")[1]
            labels = [c.value for c in lists[column] if c.value is not None]
            assert labels[: len(item.choices)] == [c.label.sv for c in item.choices]
    assert book["lists"].sheet_state == "hidden"


def test_every_dropdown_answer_is_accepted_by_batch(mini: Questionnaire) -> None:
    """Whatever the official picks from a drop-down reads back as that answer, and every
    form batch accepts (codes, other languages, "don't know") is in the list."""
    for lang in LANGS:
        template = build_template(mini, lang)
        for column in template.columns[2:]:
            if column.evidence:
                continue
            item = mini.item(column.header)
            for position, label in enumerate(column.choices[: len(item.choices)]):
                assert coerce_answer(item, label) == item.choices[position].code
            if item.dont_know and item.choices:
                assert column.choices[len(item.choices)] == message("template.dont_know", lang)
            for form in column.choices:
                assert coerce_answer(item, form) in {*(c.code for c in item.choices), DONT_KNOW}
            listed = {fold(f) for f in column.choices}
            for choice in item.choices:
                assert choice.code in listed
                assert all(fold(choice.label.get(other)) in listed for other in LANGS)


def test_second_header_row_is_recognised_in_every_language(mini: Questionnaire) -> None:
    for lang in LANGS:
        assert is_description_row(build_template(mini, lang).columns[0].description)
    assert not is_description_row("Helsinki")


def test_csv_template_for_finnish_excel(tmp_path: Path, mini: Questionnaire) -> None:
    out = tmp_path / "t.csv"
    assert (
        runner.invoke(app, ["template", "-o", str(out), "-q", str(MINI), "--excel-fi"]).exit_code
        == 0
    )
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert lines[0].split(";") == _headers(mini)
    assert lines[1].startswith(message("template.municipality_text", "fi"))


def test_filled_csv_template_scores_without_its_description_row(tmp_path: Path) -> None:
    template = tmp_path / "t.csv"
    runner.invoke(app, ["template", "-o", str(template), "-q", str(MINI)])
    with template.open("a", encoding="utf-8", newline="") as handle:
        handle.write("Porvoo,2024,,kyllä,4,5,ei,monia,3000,kyllä,ei,90\r\n")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(template), "-o", str(out), "-q", str(MINI)])
    assert result.exit_code == ExitCode.OK, result.stderr
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("3,Porvoo,638,")


@pytest.mark.parametrize("name", ["t.ods", "t.json"])
def test_template_needs_xlsx_or_csv(tmp_path: Path, name: str) -> None:
    result = runner.invoke(app, ["template", "-o", str(tmp_path / name), "-q", str(MINI)])
    assert result.exit_code == ExitCode.ERROR
    assert not (tmp_path / name).exists()


def test_template_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"mine")
    assert (
        runner.invoke(app, ["template", "-o", str(out), "-q", str(MINI)]).exit_code
        == ExitCode.ERROR
    )
    assert out.read_bytes() == b"mine"
    assert (
        runner.invoke(app, ["template", "-o", str(out), "-q", str(MINI), "--force"]).exit_code == 0
    )
    assert out.read_bytes() != b"mine"


def test_a_statistic_column_names_its_statistic_in_the_sheet_language() -> None:
    questionnaire = load_questionnaire(default_questionnaire())
    ind = questionnaire.item("equity_ratio").indicator
    assert ind is not None and ind.statistic and ind.table
    for lang in LANGS:
        column = next(
            c for c in build_template(questionnaire, lang).columns if c.header == "equity_ratio"
        )
        assert ind.statistic.get(lang) in column.note and ind.table.get(lang) in column.note
