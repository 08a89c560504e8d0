"""Workbooks in: the sheet's cells become the frame column by column, and the sheet's XML
is parsed for percent and formula cells only when a look through its bytes finds one.
Both are compared with the way they were done before (cell by cell, always parsed)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from kuntaprofiili.errors import InputFileError
from kuntaprofiili.sheets import workbook
from kuntaprofiili.sheets.read import (
    MAX_COLUMNS,
    FlaggedCell,
    _cells_to_frame,
    _check_columns,
    _find_header,
    _Read,
    cell_text,
    header_rows,
)
from kuntaprofiili.sheets.workbook import SheetCells, _xlsx_marks

# -- the references: cell by cell ---------------------------------------------------------


def frame_cell_by_cell(source: str, cells: SheetCells) -> _Read:
    rows, (top, left) = [list(r) for r in cells.rows], cells.start
    for row, column in cells.percent:
        r, c = row - top, column - left
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
            value = rows[r][c]
            if isinstance(value, int | float) and not isinstance(value, bool):
                from kuntaprofiili.core.numbers import plain_number

                rows[r][c] = f"{plain_number(float(value) * 100)} %"
    texts = [
        [v if type(v) is str else cell_text(v) for v in row[: MAX_COLUMNS + 1]] for row in rows
    ]
    if not texts:
        raise InputFileError("batch.empty_input", path=source)
    at = _find_header(texts) or 0
    width = max(len(row) for row in texts)
    while width > 0 and all(len(row) < width or not row[width - 1].strip() for row in texts):
        width -= 1
    _check_columns(source, width)
    padded = [row[:width] + [""] * (width - len(row)) for row in texts[at:]]
    skip = header_rows(padded[0], padded[1] if len(padded) > 1 else [])
    frame = pd.DataFrame(padded[skip:], columns=range(width), dtype=str)
    first_row = top + at + skip + 1
    flagged = tuple(
        FlaggedCell(row + 1, column - left, "uncached_formula")
        for row, column in cells.uncached
        if row + 1 >= first_row and 0 <= column - left < width
    )
    return _Read(padded[0], frame, first_row, (), flagged)


def marks_always_parsed(path: Path, name: str) -> tuple[frozenset[Any], tuple[Any, ...]]:
    with zipfile.ZipFile(path) as archive:
        styles = workbook._percent_styles(archive)
        part = workbook._sheet_part(archive, name)
        assert part is not None
        data = archive.read(part)
    percent, uncached = set(), []
    for match in workbook._CELL.finditer(data):
        attributes, body = match.group(1), match.group(2) or b""
        ref = workbook._REF.search(attributes)
        if ref is None:
            continue
        style = workbook._STYLE.search(attributes)
        position = (int(ref.group(2)) - 1, workbook._column_number(ref.group(1)))
        if style is not None and int(style.group(1)) in styles:
            percent.add(position)
        if (b"<f" in body or b":f" in body) and (
            b"<v" not in body and b":v" not in body or workbook._EMPTY_VALUE.search(body)
        ):
            uncached.append(position)
    return frozenset(percent), tuple(uncached)


# -- cells to the frame -------------------------------------------------------------------


def assert_same_read(cells: SheetCells) -> None:
    expected = frame_cell_by_cell("x", cells)
    got = _cells_to_frame(
        "x",
        SheetCells(
            cells.name, [list(r) for r in cells.rows], cells.start, cells.percent, cells.uncached
        ),
    )
    assert got.header == expected.header
    assert (got.first_row, got.flagged) == (expected.first_row, expected.flagged)
    pd.testing.assert_frame_equal(got.frame, expected.frame)


TEXT_ROWS: list[list[Any]] = [
    ["Kestävyysarvio 2026", "", "", ""],
    ["municipality", "population", "climate_plan", ""],
    ["Oulu", "200000", "kyllä", "  "],
    ["Espoo", "", "ei", ""],
    ["Kemi", None, "osittain", ""],
]


def test_a_sheet_of_texts_reads_as_cell_by_cell() -> None:
    assert_same_read(SheetCells("S", TEXT_ROWS, (0, 0)))
    assert_same_read(SheetCells("S", TEXT_ROWS, (3, 2), uncached=((4, 3), (3, 4), (9, 9))))
    assert_same_read(SheetCells("S", TEXT_ROWS[:2], (0, 0)))  # a header and no rows


def test_numbers_dates_booleans_and_ragged_rows_read_as_cell_by_cell() -> None:
    rows: list[list[Any]] = [
        ["municipality", "population", "flag", "when", "share"],
        ["Oulu", 200000.0, True, datetime(2026, 2, 4), 0.672],
        ["Espoo", 1.0, 1.0, date(2026, 2, 4), 0.5],
        ["Kemi", float("nan"), False, time(12, 30), None],
        ["Vaasa", 1e15, 0.0, timedelta(days=2), 7.0],
        ["Pori", -0.0, "x"],  # shorter than the others
        ["Lahti", 12.5, None, datetime(2026, 2, 4, 8, 15), 1.0, "extra", 3],
    ]
    assert_same_read(SheetCells("S", rows, (0, 0)))
    assert_same_read(SheetCells("S", rows, (0, 0), percent=frozenset({(1, 4), (2, 4), (3, 4)})))


def test_empty_and_too_wide_sheets_fail_as_before() -> None:
    empty: list[list[list[Any]]] = [[], [[]], [["", " "], [None, ""]]]
    for rows in empty:
        with pytest.raises(InputFileError):
            frame_cell_by_cell("x", SheetCells("S", rows, (0, 0)))
        with pytest.raises(InputFileError):
            _cells_to_frame("x", SheetCells("S", [list(r) for r in rows], (0, 0)))
    wide = [["municipality", *[f"c{i}" for i in range(MAX_COLUMNS + 5)]], ["Oulu"]]
    with pytest.raises(InputFileError, match=str(MAX_COLUMNS)):
        _cells_to_frame("x", SheetCells("S", wide, (0, 0)))


# -- percent and formula cells ------------------------------------------------------------


def _book(path: Path, percent: bool, formula: str | None, at: int) -> None:
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = "Kunnat"
    sheet.append(["municipality", "share", "plan"])
    for row in range(at):
        sheet.append([f"Kunta {row}", 0.5, "kyllä"])
    if formula:
        sheet.append(["Espoo", 0.25, formula])
    if percent:
        book.add_named_style(openpyxl.styles.NamedStyle("pct", number_format="0.0%"))
        sheet.cell(at + 1, 2).style = "pct"
    sheet.append(["Kemi", 0.75, "ei"])
    book.save(path)


@pytest.mark.parametrize("block", [7, 64, 1 << 22])
@pytest.mark.parametrize(
    ("percent", "formula"), [(False, None), (True, None), (False, "=A1"), (True, "=B2*2")]
)
def test_marks_are_found_as_by_parsing_the_whole_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int, percent: bool, formula: str | None
) -> None:
    monkeypatch.setattr(workbook, "SCAN_BLOCK", block)
    path = tmp_path / "k.xlsx"
    _book(path, percent, formula, at=300)
    got = _xlsx_marks(path, "Kunnat")
    assert got == marks_always_parsed(path, "Kunnat")
    assert bool(got[0]) == percent and bool(got[1]) == bool(formula)


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _prefixed_book(path: Path, cells: str, style: int = 9) -> None:
    """A workbook as some programs write it: every element under the prefix ``x:``."""
    parts = {
        "xl/workbook.xml": f'<x:workbook xmlns:x="{MAIN}" xmlns:r="{REL}"><x:sheets>'
        '<x:sheet name="Kunnat" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>',
        "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" '
        'Type="x"/></Relationships>',
        "xl/styles.xml": f'<x:styleSheet xmlns:x="{MAIN}"><x:cellXfs count="2"><x:xf numFmtId="0"/>'
        f'<x:xf numFmtId="{style}"/></x:cellXfs></x:styleSheet>',
        "xl/worksheets/sheet1.xml": f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData>'
        f'<x:row r="1">{cells}</x:row></x:sheetData></x:worksheet>',
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)


def test_prefixed_formulas_and_percent_styles_are_found(tmp_path: Path) -> None:
    path = tmp_path / "p.xlsx"
    _prefixed_book(path, '<x:c r="A1" s="1"><x:v>0.5</x:v></x:c><x:c r="B1"><x:f>A1</x:f></x:c>')
    assert _xlsx_marks(path, "Kunnat") == (frozenset({(0, 0)}), ((0, 1),))
    _prefixed_book(path, '<x:c r="A1" s="01"><x:v>0.5</x:v></x:c>')  # a leading zero
    assert _xlsx_marks(path, "Kunnat") == (frozenset({(0, 0)}), ())
    _prefixed_book(path, '<x:c r="A1" s="1"><x:v>0.5</x:v></x:c>', style=2)  # not a percent
    assert _xlsx_marks(path, "Kunnat") == (frozenset(), ())
    assert marks_always_parsed(path, "Kunnat") == (frozenset(), ())
