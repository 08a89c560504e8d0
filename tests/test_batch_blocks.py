"""A sheet read and scored in blocks gives exactly what the sheet read whole gives.

``batch`` reads a regular CSV a block of rows at a time so that a million rows fit in
memory; duplicates must still be found across blocks, ranks and the summary must cover
every row, and a file found irregular after some blocks must be read again whole.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.files.municipality_file import load_municipalities
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.sheets import read
from kuntaprofiili.sheets.context import BatchContext, BatchOutcome
from kuntaprofiili.sheets.read import NotRegular, read_sheet, read_sheet_blocks
from kuntaprofiili.sheets.run import score_sheet, score_sheets

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"
PLACES = load_municipalities()
runner = CliRunner()

# known names (some twice), unknown names (scored on their row's facts, or rejected)
NAMES = ["Helsinki", "Kajaani", "Raasepori", "Jomala", "Hyrynsalmi", "Ei Tunnettu", "Keksitty"]


def _cells(q: Questionnaire) -> st.SearchStrategy[list[str]]:
    values = []
    for item in q.items:
        if item.indicator is not None:
            values.append(st.sampled_from(["", "en tiedä", "12,5", "3000", "-1", "abc"]))
        else:
            codes = [c.code for c in item.choices]
            values.append(st.sampled_from(["", "en tiedä", "maybe", *codes]))
    return st.tuples(*values).map(list)


@st.composite
def sheets(draw: st.DrawFn, q: Questionnaire) -> list[list[str]]:
    """Rows: municipality, year, the items, a note on the first item."""
    count = draw(st.integers(1, 40))
    rows = []
    for _ in range(count):
        if draw(st.integers(0, 15)) == 0:
            rows.append([""] * (len(q.items) + 3))  # an empty row: dropped, numbers hold
            continue
        name = draw(st.sampled_from(NAMES))
        year = draw(st.sampled_from(["2024", "2025", "", "20x5"]))
        note = draw(st.sampled_from(["", "", "", "arvio"]))
        rows.append([name, year, *draw(_cells(q)), note])
    return rows


def _write(path: Path, q: Questionnaire, rows: list[list[str]]) -> None:
    header = ["municipality", "year", *[i.id for i in q.items], f"{q.items[0].id}_note"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def assert_same_outcome(whole: BatchOutcome, blocks: BatchOutcome) -> None:
    """Every part of two outcomes equal, the scores behind them included."""
    pd.testing.assert_frame_equal(whole.results, blocks.results)
    pd.testing.assert_frame_equal(whole.summary, blocks.summary)
    assert whole.problems == blocks.problems
    assert whole.rows_read == blocks.rows_read
    assert whole.types == blocks.types
    assert whole.measures == blocks.measures
    assert np.array_equal(whole.table.overall, blocks.table.overall, equal_nan=True)
    assert whole.table.items.keys() == blocks.table.items.keys()
    for key, scores in whole.table.items.items():
        assert np.array_equal(scores, blocks.table.items[key], equal_nan=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), size=st.integers(1, 9))
def test_blocks_give_what_the_whole_sheet_gives(
    data: st.DataObject, size: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    q = load_questionnaire(MINI)
    context = BatchContext(q, PLACES, load_content(), 3)
    path = tmp_path_factory.mktemp("blocks") / "sheet.csv"
    _write(path, q, data.draw(sheets(q)))
    try:
        whole = score_sheet(read_sheet(path), context, "fi")
    except Exception as error:  # an all-empty sheet: the same refusal either way
        with pytest.raises(type(error)):
            score_sheets(read_sheet_blocks(path, size), context, "fi")
        return
    assert_same_outcome(whole, score_sheets(read_sheet_blocks(path, size), context, "fi"))


def test_a_duplicate_in_a_later_block_is_rejected_naming_the_first_row(tmp_path: Path) -> None:
    q = load_questionnaire(MINI)
    context = BatchContext(q, PLACES, load_content(), 3)
    blank = [""] * len(q.items)
    rows = [["Kajaani", "2025", *blank, ""], ["Oulu", "2025", *blank, ""]]
    rows += [["kajaani", "2025", *blank, ""], ["Keksitty", "", *blank, ""]]
    rows += [["Kajaani", "2024", *blank, ""], ["KEKSITTY", "", *blank, ""]]
    path = tmp_path / "dup.csv"
    _write(path, q, rows)
    outcome = score_sheets(read_sheet_blocks(path, 2), context, "en")
    duplicates = [p for p in outcome.problems if p.problem.startswith("the same")]
    assert [(p.row, p.value) for p in duplicates] == [(4, "kajaani"), (7, "KEKSITTY")]
    assert "row 2" in duplicates[0].problem and "row 5" in duplicates[1].problem


def test_blocks_keep_the_row_numbers_and_drop_empty_rows(tmp_path: Path) -> None:
    q = load_questionnaire(MINI)
    blank = [""] * (len(q.items) + 1)
    path = tmp_path / "rows.csv"
    _write(path, q, [["Kajaani", *blank], [""] * (len(q.items) + 3), ["Oulu", *blank]] * 3)
    blocks = list(read_sheet_blocks(path, 2))
    numbers = [n for sheet, _ in blocks for n in sheet.row_numbers().tolist()]
    assert numbers == [2, 4, 5, 7, 8, 10]
    shares = [share for _, share in blocks]
    assert shares == sorted(shares) and shares[-1] == 1.0


def test_a_row_of_another_width_after_the_first_block_is_reported_as_not_regular(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "ARROW_BLOCK_BYTES", 1 << 10)
    q = load_questionnaire(MINI)
    blank = [""] * (len(q.items) + 1)
    rows = [[f"Keksitty {n}", "2025", *blank] for n in range(200)] + [["Oulu", "2025"]]
    path = tmp_path / "late.csv"
    _write(path, q, rows)
    with pytest.raises(NotRegular):
        list(read_sheet_blocks(path, 10))


def test_batch_reads_an_irregular_file_whole_after_its_first_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI catches NotRegular and scores the file read whole: same results file."""
    q = load_questionnaire(MINI)
    blank = [""] * len(q.items)
    rows = [[name, "2025", *blank, ""] for name in ("Kajaani", "Oulu", "Kuopio", "Salo")] * 40
    path = tmp_path / "late.csv"
    _write(path, q, [*rows, ["Espoo", "2025"]])  # a short row at the very end
    args = ["batch", str(path), "-q", str(MINI), "--lang", "en", "--force"]
    whole = runner.invoke(app, [*args, "-o", str(tmp_path / "whole.csv")])
    monkeypatch.setattr(read, "BLOCK_ROWS", 16)
    monkeypatch.setattr(read, "ARROW_BLOCK_BYTES", 1 << 10)
    blocks = runner.invoke(app, [*args, "-o", str(tmp_path / "blocks.csv")])
    assert whole.exit_code == blocks.exit_code == 3, (whole.output, blocks.output)
    assert (tmp_path / "whole.csv").read_bytes() == (tmp_path / "blocks.csv").read_bytes()
    assert "Traceback" not in blocks.output


def test_batch_in_blocks_writes_the_same_files_as_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    q = load_questionnaire(MINI)
    rows = [
        [name, year, *["yes" if i.choices else "10" for i in q.items], note]
        for name, year, note in [
            ("Kajaani", "2025", ""),
            ("Oulu", "2025", ""),
            ("Kajaani", "2025", ""),  # a duplicate in the second block
            ("Jomala", "2024", "arvio"),  # evidence only in a later block
            ("Raasepori", "", ""),
        ]
    ]
    path = tmp_path / "in.csv"
    _write(path, q, rows * 1)
    for name, size in (("whole", 1_000), ("blocks", 2)):
        monkeypatch.setattr(read, "BLOCK_ROWS", size)
        for out in (f"{name}.csv", f"{name}.json", f"{name}.xlsx"):
            got = runner.invoke(
                app, ["batch", str(path), "-q", str(MINI), "-o", str(tmp_path / out), "--force"]
            )
            assert got.exit_code == 3, got.output
    for suffix in (".csv", ".json", ".errors.csv"):
        assert (tmp_path / f"whole{suffix}").read_bytes() == (
            tmp_path / f"blocks{suffix}"
        ).read_bytes()
    for name in ("whole", "blocks"):
        assert (tmp_path / f"{name}.xlsx").stat().st_size > 0
    whole_xlsx = pd.read_excel(
        tmp_path / "whole.xlsx", sheet_name=None, header=1, engine="openpyxl"
    )
    blocks_xlsx = pd.read_excel(
        tmp_path / "blocks.xlsx", sheet_name=None, header=1, engine="openpyxl"
    )
    for sheet, frame in whole_xlsx.items():
        pd.testing.assert_frame_equal(frame, blocks_xlsx[sheet])
