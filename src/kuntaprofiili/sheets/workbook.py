"""Workbooks in (XLSX, XLSM, ODS, XLS) through python-calamine: cached values only.

Calamine reads the values a spreadsheet program last computed and saved; macros are never
run or kept. Two things it does not tell are read from the file itself, and only when
the file has them at all: which cells are formatted as percent (an XLSX or ODS cell that
shows ``67,2 %`` stores 0.672, and the person meant 67.2 %), and which formula cells have
no saved value (a workbook written by a program that does not calculate), so that such a
cell is reported rather than read as empty. An XLSX sheet's XML is parsed for these only
when a quick look through its bytes finds a formula or a percent style in it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

import numpy as np

Position = tuple[int, int]  # (row, column), 0-based from A1

_XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PERCENT_FORMATS = frozenset({9, 10})  # Excel's built-in 0% and 0.00%
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_STYLE = re.compile(rb'\bs="(\d+)"')
SCAN_BLOCK = 1 << 22  # bytes of a sheet's XML looked through at a time
_EMPTY_VALUE = re.compile(rb"<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>")


@dataclass(frozen=True, slots=True)
class SheetCells:
    """One sheet's cached values from A1 on, and the cells a value alone cannot describe."""

    name: str
    rows: list[list[Any]]
    start: Position  # where ``rows[0][0]`` is in the sheet
    percent: frozenset[Position] = field(default_factory=frozenset)
    uncached: tuple[Position, ...] = ()  # formulas without a saved value


def sheet_names(path: Path) -> list[str]:
    """The workbook's worksheets, in the order the program shows their tabs."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return [
            m.name for m in book.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet
        ]
    finally:
        book.close()


def iter_sheets(
    path: Path, names: Sequence[str], head: int
) -> Iterator[tuple[str, list[list[Any]], Callable[[int], SheetCells]]]:
    """The first ``head`` rows of each named sheet, to find the one holding the data, and
    a function that reads that sheet whole: calamine has parsed it already, so the data
    sheet is parsed once."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        for name in names:
            sheet = book.get_sheet_by_name(name)
            yield name, sheet.to_python(nrows=head), partial(_sheet_cells, path, name, sheet)
    finally:
        book.close()


def read_sheet_cells(path: Path, name: str, max_rows: int) -> SheetCells:
    """One sheet whole (up to ``max_rows`` rows), with its percent and uncached cells."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return _sheet_cells(path, name, book.get_sheet_by_name(name), max_rows)
    finally:
        book.close()


def _sheet_cells(path: Path, name: str, sheet: Any, max_rows: int) -> SheetCells:
    rows = sheet.to_python(nrows=max_rows)
    start = sheet.start or (0, 0)
    percent: frozenset[Position] = frozenset()
    uncached: tuple[Position, ...] = ()
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        percent, uncached = _xlsx_marks(path, name)
    elif suffix == ".ods":
        percent = _ods_percent(path, name)
    return SheetCells(name, rows, (int(start[0]), int(start[1])), percent, uncached)


# -- XLSX: styles and the sheet's XML ----------------------------------------------------


def _xlsx_marks(path: Path, name: str) -> tuple[frozenset[Position], tuple[Position, ...]]:
    with zipfile.ZipFile(path) as archive:
        styles = _percent_styles(archive)
        part = _sheet_part(archive, name)
        if part is None or not _may_have_marks(archive, part, styles):
            return frozenset(), ()  # the usual case: nothing to look for, no parse
        data = archive.read(part)
    percent: set[Position] = set()
    uncached: list[Position] = []
    for match in _CELL.finditer(data):
        attributes, body = match.group(1), match.group(2) or b""
        ref = _REF.search(attributes)
        if ref is None:
            continue
        style = _STYLE.search(attributes)
        position = (int(ref.group(2)) - 1, _column_number(ref.group(1)))
        if style is not None and int(style.group(1)) in styles:
            percent.add(position)
        if (b"<f" in body or b":f" in body) and (
            b"<v" not in body and b":v" not in body or _EMPTY_VALUE.search(body)
        ):
            uncached.append(position)
    return frozenset(percent), tuple(uncached)


def _may_have_marks(archive: zipfile.ZipFile, part: str, styles: frozenset[int]) -> bool:
    """Whether the sheet's XML may have a formula (``<f``, or ``:f`` under a namespace
    prefix) or a cell in one of the percent ``styles`` (``s="9"``), looked for in the
    bytes a block at a time rather than parsed. It may say yes wrongly (``<font``),
    never no."""
    styled = re.compile(rb'\bs="0*(?:%s)"' % b"|".join(b"%d" % s for s in sorted(styles)))
    with archive.open(part) as stream:
        tail = b""
        while block := stream.read(SCAN_BLOCK):
            data = tail + block
            if _has_formula_start(data) or (styles and styled.search(data)):
                return True
            tail = data[-16:]  # a mark may begin in one block and end in the next
    return False


def _has_formula_start(data: bytes) -> bool:
    """Whether ``data`` has ``<f`` or ``:f`` in it: one pass with numpy, several times
    faster than two searches of the bytes."""
    array = np.frombuffer(data, dtype=np.uint8)
    before = array[:-1][array[1:] == ord("f")]
    return bool(((before == ord("<")) | (before == ord(":"))).any())


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number - 1


def _percent_styles(archive: zipfile.ZipFile) -> frozenset[int]:
    """The cell style numbers whose number format shows a percent."""
    try:
        root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return frozenset()
    custom = {
        int(f.get("numFmtId", "0")): f.get("formatCode", "")
        for f in root.iter(f"{_XLSX_MAIN}numFmt")
    }
    formats = root.find(f"{_XLSX_MAIN}cellXfs")
    if formats is None:
        return frozenset()
    found = set()
    for index, xf in enumerate(formats.findall(f"{_XLSX_MAIN}xf")):
        number = int(xf.get("numFmtId", "0"))
        if number in _PERCENT_FORMATS or "%" in re.sub(r'"[^"]*"', "", custom.get(number, "")):
            found.add(index)
    return frozenset(found)


def _sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip member holding the sheet called ``name``."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    for sheet in book.iter(f"{_XLSX_MAIN}sheet"):
        if sheet.get("name") == name:
            target = targets.get(sheet.get(f"{_REL}id"), "")
            if target.startswith("/"):
                return target.lstrip("/")
            return str(PurePosixPath("xl") / target)
    return None


# -- ODS: percentage cells ---------------------------------------------------------------

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_CELLS = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")


def _ods_percent(path: Path, name: str) -> frozenset[Position]:
    """The cells of sheet ``name`` whose value type is percentage."""
    with zipfile.ZipFile(path) as archive:
        data = archive.read("content.xml")
    if b'value-type="percentage"' not in data:
        return frozenset()
    root = ElementTree.fromstring(data)
    for table in root.iter(f"{_ODS_TABLE}table"):
        if table.get(f"{_ODS_TABLE}name") == name:
            return frozenset(_ods_table_percent(table))
    return frozenset()


def _ods_table_percent(table: ElementTree.Element) -> Iterator[Position]:
    row = 0
    for element in table.iter(f"{_ODS_TABLE}table-row"):
        repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
        column = 0
        for cell in element:
            if cell.tag not in _ODS_CELLS:
                continue
            span = int(cell.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
            if cell.get(f"{_ODS_OFFICE}value-type") == "percentage":
                for r in range(row, row + min(repeat, 1000)):
                    yield from ((r, c) for c in range(column, column + min(span, 1000)))
            column += span
        row += repeat
