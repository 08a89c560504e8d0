"""Workbooks out for people: readable headers, widths that fit, one decimal, coloured bands.

Each sheet has the headers in the run's language in row 1 and the stable ids in row 2
(scripts and ``VLOOKUP`` keep working), frozen above the data with an autofilter, and
prints on A4 landscape fitted to the page width. Text is stored as string cells, so a
name such as ``=1+1`` is shown and read back as it is and never run; codes stay text.
The workbook is built in memory with openpyxl's write-only mode, so that a full disk
fails before any file is touched.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from kuntaprofiili.files.export import column_label, strip_controls
from kuntaprofiili.i18n import message

MAX_WIDTH = 50  # characters; longer texts wrap in the cell
MEASURED_ROWS = 2_000  # column widths are fitted to the first rows
_BAND_FILLS = {"red": "FFC7CE", "yellow": "FFEB9C", "green": "C6EFCE"}
_HEADER_FILL = "DDEBF7"
# the robustness workbook (not a suffix: answer_broadband_share is a percentage)
SHARE_COLUMNS = frozenset({"band_change_share", "first_order", "total"})


def workbook_bytes(sheets: Sequence[tuple[str, pd.DataFrame]], lang: str) -> bytes:
    """The workbook of ``sheets`` (title, table) as the bytes of an XLSX file."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    styles = None
    for title, frame in sheets:
        sheet = book.create_sheet(title=strip_controls(title)[:31])
        styles = styles or _Styles(sheet, lang)
        _layout(sheet, frame, lang)
        _append_rows(sheet, frame, styles)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class _Styles:
    """The few cell styles the workbook uses, made once and copied to each cell."""

    def __init__(self, sheet: Any, lang: str) -> None:
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill

        self.cell = WriteOnlyCell
        self.lang = lang

        def style(**attributes: Any) -> Any:
            cell = WriteOnlyCell(sheet, "")
            for name, value in attributes.items():
                setattr(cell, name, value)
            return cell._style  # type: ignore[attr-defined]

        wrap = Alignment(wrap_text=True, vertical="top")
        self.header = style(
            font=Font(bold=True), fill=_fill(PatternFill, _HEADER_FILL), alignment=wrap
        )
        self.ids = style(font=Font(italic=True, color="777777", size=9))
        self.decimal = style(number_format="0.0")
        self.share = style(number_format="0.0%")
        self.text = style(alignment=Alignment(vertical="top"))
        self.bands = {
            message(f"band.{band}", lang): style(fill=_fill(PatternFill, colour))
            for band, colour in _BAND_FILLS.items()
        }


def _fill(pattern: Any, colour: str) -> Any:
    return pattern(start_color=colour, end_color=colour, fill_type="solid")


def _layout(sheet: Any, frame: pd.DataFrame, lang: str) -> None:
    """Widths, frozen headers, autofilter and print set-up, set before the rows."""
    from openpyxl.utils import get_column_letter

    for index, column in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = _width(
            frame[column], str(column), lang
        )
    last = get_column_letter(max(len(frame.columns), 1))
    frozen = 3 if "municipality" in frame.columns[:3] else 2
    sheet.freeze_panes = f"{get_column_letter(frozen)}3"
    sheet.auto_filter.ref = f"A2:{last}{len(frame) + 2}"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _width(values: pd.Series, name: str, lang: str) -> float:
    """Wide enough for the header's words and the first rows' values, within bounds."""
    label = column_label(name, lang)
    head = max(len(name), *(len(word) for word in label.split()), min(len(label), 24))
    sample = values.iloc[:MEASURED_ROWS].dropna()
    longest = int(sample.astype(str).str.len().max()) if len(sample) else 0
    return float(min(MAX_WIDTH, max(head, longest, 6) + 2))


def _append_rows(sheet: Any, frame: pd.DataFrame, styles: _Styles) -> None:
    names = [str(c) for c in frame.columns]
    sheet.append([_cell(sheet, styles, column_label(n, styles.lang), styles.header) for n in names])
    sheet.append([_cell(sheet, styles, n, styles.ids) for n in names])
    kinds = [_kind(n, frame[c]) for n, c in zip(names, frame.columns, strict=True)]
    plain = frame.astype(object).where(frame.notna(), None).to_numpy()
    for row in plain:
        sheet.append(
            [_value_cell(sheet, styles, v, kind) for v, kind in zip(row, kinds, strict=True)]
        )


def _kind(name: str, values: pd.Series) -> str:
    if name.endswith("_coverage") or name in SHARE_COLUMNS:
        return "share"
    if name.endswith("_band"):
        return "band"
    if pd.api.types.is_float_dtype(values.dtype) and not name.startswith("percentile"):
        return "decimal"
    return "plain"


def _cell(sheet: Any, styles: _Styles, value: object, style: Any = None) -> Any:
    if isinstance(value, str):
        value = strip_controls(value)
    cell = styles.cell(sheet, value)  # type: ignore[arg-type]
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with
    if style is not None:
        cell._style = copy.copy(style)  # type: ignore[attr-defined]
    return cell


def _value_cell(sheet: Any, styles: _Styles, value: object, kind: str) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    if value is None:
        return None
    if isinstance(value, str):
        style = styles.bands.get(value) if kind == "band" else None
        return _cell(sheet, styles, value, style)
    if kind == "decimal" and isinstance(value, float):
        return _cell(sheet, styles, value, styles.decimal)
    if kind == "share" and isinstance(value, float):
        return _cell(sheet, styles, value, styles.share)
    return value
