"""Workbooks out for people: readable headers, widths that fit, one decimal, coloured bands.

Each sheet has the headers in the run's language in row 1 and the stable ids in row 2
(scripts and ``VLOOKUP`` keep working), frozen above the data with an autofilter, and
prints on A4 landscape fitted to the page width. Text is stored as string cells, so a
name such as ``=1+1`` is shown and read back as it is and never run; codes stay text.

XlsxWriter writes it, row by row in its constant-memory mode, column by column of one
kind: a whole column is written with one method and one format, which is several times
faster than building a cell object per cell (openpyxl's write-only mode). The workbook is
built in memory, so a full disk fails before any file is touched.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from kuntaprofiili.files.export import column_label, strip_controls
from kuntaprofiili.i18n import message

MAX_WIDTH = 50  # characters; longer texts wrap in the cell
MEASURED_ROWS = 2_000  # column widths are fitted to the first rows
_BAND_FILLS = {"red": "#FFC7CE", "yellow": "#FFEB9C", "green": "#C6EFCE"}
_HEADER_FILL = "#DDEBF7"
# the robustness workbook (not a suffix: answer_broadband_share is a percentage)
SHARE_COLUMNS = frozenset({"band_change_share", "first_order", "total"})

Writer = Callable[[int, object], Any]  # writes one data row's cell of a column


def workbook_bytes(sheets: Sequence[tuple[str, pd.DataFrame]], lang: str) -> bytes:
    """The workbook of ``sheets`` (title, table) as the bytes of an XLSX file."""
    import xlsxwriter

    buffer = io.BytesIO()
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    book = xlsxwriter.Workbook(buffer, options)
    styles = _Styles(book, lang)
    for title, frame in sheets:
        sheet = book.add_worksheet(strip_controls(title)[:31])
        _layout(sheet, frame, lang)
        _write_rows(sheet, frame, styles)
    book.close()
    return buffer.getvalue()


class _Styles:
    """The few cell formats the workbook uses, made once."""

    def __init__(self, book: Any, lang: str) -> None:
        self.lang = lang
        self.header = book.add_format(
            {"bold": True, "bg_color": _HEADER_FILL, "text_wrap": True, "valign": "top"}
        )
        self.ids = book.add_format({"italic": True, "font_color": "#777777", "font_size": 9})
        self.decimal = book.add_format({"num_format": "0.0"})
        self.share = book.add_format({"num_format": "0.0%"})
        self.bands = {
            message(f"band.{band}", lang): book.add_format({"bg_color": colour})
            for band, colour in _BAND_FILLS.items()
        }


def _layout(sheet: Any, frame: pd.DataFrame, lang: str) -> None:
    """Widths, frozen headers, autofilter and print set-up, set before the rows."""
    for index, column in enumerate(frame.columns):
        sheet.set_column(index, index, _width(frame[column], str(column), lang))
    frozen = 2 if "municipality" in frame.columns[:3] else 1
    sheet.freeze_panes(2, frozen)
    sheet.autofilter(1, 0, len(frame) + 1, max(len(frame.columns), 1) - 1)
    sheet.repeat_rows(0, 1)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)


def _width(values: pd.Series, name: str, lang: str) -> float:
    """Wide enough for the header's words and the first rows' values, within bounds."""
    label = column_label(name, lang)
    head = max(len(name), *(len(word) for word in label.split()), min(len(label), 24))
    sample = values.iloc[:MEASURED_ROWS].dropna()
    longest = int(sample.astype(str).str.len().max()) if len(sample) else 0
    return float(min(MAX_WIDTH, max(head, longest, 6) + 2))


def _write_rows(sheet: Any, frame: pd.DataFrame, styles: _Styles) -> None:
    names = [str(c) for c in frame.columns]
    for at, name in enumerate(names):
        sheet.write_string(0, at, strip_controls(column_label(name, styles.lang)), styles.header)
    for at, name in enumerate(names):
        sheet.write_string(1, at, strip_controls(name), styles.ids)
    writers = [
        _writer(sheet, at, n, frame[c], styles)
        for at, (n, c) in enumerate(zip(names, frame.columns, strict=True))
    ]
    columns = [_cells(frame[c]) for c in frame.columns]
    for row, values in enumerate(zip(*columns, strict=True), start=2):
        for write, value in zip(writers, values, strict=True):
            if value is not None:
                write(row, value)


def _cells(values: pd.Series) -> list[object]:
    """A column as Python values, None where the cell stays empty; texts stripped of
    control characters once per distinct text."""
    if pd.api.types.is_bool_dtype(values.dtype):
        return [bool(v) for v in values.tolist()]
    if pd.api.types.is_numeric_dtype(values.dtype):
        present = values.notna().to_numpy()
        return [v if ok else None for v, ok in zip(values.tolist(), present, strict=True)]
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned: list[object] = [_plain(u) for u in uniques]
    cleaned.append(None)  # code -1: missing
    return [cleaned[c] for c in codes.tolist()]


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _writer(sheet: Any, column: int, name: str, values: pd.Series, styles: _Styles) -> Writer:
    """How the cells of one column are written: one method and format for the column."""
    if name.endswith("_band"):
        return _band_writer(sheet, column, styles)
    if pd.api.types.is_float_dtype(values.dtype):
        share = name.endswith("_coverage") or name in SHARE_COLUMNS
        style = styles.share if share else None
        if style is None and not name.startswith("percentile"):
            style = styles.decimal
        number = sheet.write_number
        return lambda row, value: number(row, column, value, style)
    if pd.api.types.is_integer_dtype(values.dtype):
        number = sheet.write_number
        return lambda row, value: number(row, column, value)
    return _plain_writer(sheet, column)


def _band_writer(sheet: Any, column: int, styles: _Styles) -> Writer:
    def band(row: int, value: object) -> Any:
        if isinstance(value, str):
            return sheet.write_string(row, column, value, styles.bands.get(value))
        return sheet.write(row, column, value)

    return band


def _plain_writer(sheet: Any, column: int) -> Writer:
    def plain(row: int, value: object) -> Any:
        if isinstance(value, str):
            return sheet.write_string(row, column, value)  # never a formula
        if isinstance(value, bool):
            return sheet.write_boolean(row, column, value)
        if isinstance(value, int | float):
            return sheet.write_number(row, column, value)
        return sheet.write_string(row, column, str(value))

    return plain
