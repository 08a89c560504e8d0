"""Workbooks out for people: readable headers, widths that fit, one decimal, coloured bands.

Each sheet has the headers in the run's language in row 1 and the stable ids in row 2
(scripts and ``VLOOKUP`` keep working), frozen above the data with an autofilter, and
prints on A4 landscape fitted to the page width. Text is stored as string cells, so a
name such as ``=1+1`` is shown and read back as it is and never run; codes stay text.

XlsxWriter writes everything but the data rows: styles, the two header rows, widths,
panes, the autofilter, print set-up. The data rows' XML is made column by column, once
per distinct value of a column (a column of scores rounded to one decimal has a thousand
of them), and joined into rows in Arrow, then put into the sheet where XlsxWriter left
its rows; no Python runs per cell. Each cell is written as XlsxWriter's constant-memory
mode writes it (inline strings, numbers as ``{:.16G}``, the same escapes) and each
format gets its style number in the order XlsxWriter would give it, so the workbook is
the one XlsxWriter writes cell by cell, part for part. The workbook is built in memory,
so a full disk fails before any file is touched.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
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
    bodies = []
    for title, frame in sheets:
        sheet = book.add_worksheet(strip_controls(title)[:31])
        _layout(sheet, frame, lang)
        _write_headers(sheet, frame, styles)
        body = _Body.of(frame, styles)
        body.number_formats(styles)
        bodies.append(body)
    for body in bodies:
        body.last_row_formats(styles)
    book.close()
    return _with_bodies(buffer.getvalue(), bodies)


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
        self.bands: dict[str, Any] = {
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


def _write_headers(sheet: Any, frame: pd.DataFrame, styles: _Styles) -> None:
    """Row 1: the headers for people; row 2: the stable ids."""
    names = [str(c) for c in frame.columns]
    for at, name in enumerate(names):
        sheet.write_string(0, at, strip_controls(column_label(name, styles.lang)), styles.header)
    for at, name in enumerate(names):
        sheet.write_string(1, at, strip_controls(name), styles.ids)


# -- the data rows, as XlsxWriter's constant-memory mode writes them ----------------------

FIRST_ROW = 2  # the data's first row (0-based), under the two header rows
ROW_BLOCK = 50_000  # data rows made into XML at a time
XLS_STRMAX = 32_767  # UTF-16 units a cell holds; XlsxWriter cuts a longer text there
_ESCAPE_LIKE = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # text that reads as Excel's escape
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")  # what Excel writes as _xHHHH_
_XML_SPECIAL = re.compile('["&<>\n]')
_EDGE_SPACE = re.compile(r"^\s|\s$")
# (RE2) what _string_xml changes or looks at: any edge that is not a letter or digit
_NEEDS_CARE = r"[&<>\x00-\x08\x0b-\x1f\x{fffe}\x{ffff}]|_x[0-9a-fA-F]{4}_|^[^\pL\pN]|[^\pL\pN]$"
_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')
IntArray = np.ndarray[Any, np.dtype[np.intp]]


@dataclass(frozen=True, slots=True)
class _Cells:
    """One column's data cells: each distinct cell once, and which one each row has."""

    letters: str  # the column in cell references: "A", "AB"
    codes: IntArray  # per row, an index into ``formats`` and ``xml``; -1 for no cell
    formats: list[Any]  # per distinct cell: its format, or None
    xml: list[str]  # per distinct cell: its XML after the style (``><v>1</v></c>``)


@dataclass(frozen=True, slots=True)
class _Body:
    """A sheet's data rows, to be put in after XlsxWriter has written the rest."""

    columns: list[_Cells]
    written: np.ndarray[Any, np.dtype[np.bool_]]  # per row: it has a cell

    @classmethod
    def of(cls, frame: pd.DataFrame, styles: _Styles) -> _Body:
        """The cells of ``frame``'s rows, each column written one way (see
        ``_column_cells``)."""
        columns = [
            _column_cells(at, str(name), frame.iloc[:, at], styles)
            for at, name in enumerate(frame.columns)
        ]
        written = np.zeros(len(frame), dtype=bool)
        for column in columns:
            written |= column.codes >= 0
        return cls(columns, written)

    def number_formats(self, styles: _Styles) -> None:
        """Give the formats their style numbers in the order XlsxWriter does, as each is
        first written: the rows as they are written, but the sheet's last row."""
        if not self.columns:
            return
        styles.header._get_xf_index()
        data = np.flatnonzero(self.written)
        if not data.size:
            return
        styles.ids._get_xf_index()
        first: dict[int, tuple[int, int, Any]] = {}  # id(format): (row, column, format)
        for at, column in enumerate(self.columns):
            for row, found in _first_uses(column, int(data[-1])):
                if (row, at) < first.get(id(found), (row + 1, 0))[:2]:
                    first[id(found)] = (row, at, found)
        for _, _, found in sorted(first.values(), key=lambda f: f[:2]):
            found._get_xf_index()

    def last_row_formats(self, styles: _Styles) -> None:
        """The style numbers of the formats first in the sheet's last row, which
        XlsxWriter writes when the workbook is closed."""
        if not self.columns:
            return
        data = np.flatnonzero(self.written)
        if not data.size:
            styles.ids._get_xf_index()  # the ids are the last row
            return
        for column in self.columns:
            code = column.codes[data[-1]]
            if code >= 0 and column.formats[code] is not None:
                column.formats[code]._get_xf_index()

    def dimension(self) -> bytes:
        """The sheet's ``<dimension>`` with the data rows."""
        from xlsxwriter.utility import xl_range

        last = FIRST_ROW + int(np.flatnonzero(self.written)[-1])
        return f'<dimension ref="{xl_range(0, 0, last, len(self.columns) - 1)}"/>'.encode()

    def xml_blocks(self) -> Iterator[bytes]:
        """The data rows' ``<row>`` elements, a block of rows at a time, joined in Arrow."""
        import pyarrow as pa
        import pyarrow.compute as pc

        tails = [
            pa.array(
                [_cell_tail(f, xml) for f, xml in zip(c.formats, c.xml, strict=True)],
                type=pa.string(),
            )
            for c in self.columns
        ]
        for start in range(0, len(self.written), ROW_BLOCK):
            stop = min(start + ROW_BLOCK, len(self.written))
            written = self.written[start:stop]
            if not written.any():
                continue
            numbers = pc.cast(pa.array(np.arange(start, stop) + FIRST_ROW + 1), pa.string())
            cells = []
            for column, tail in zip(self.columns, tails, strict=True):
                codes = column.codes[start:stop]
                taken = tail.take(pa.array(codes, mask=codes < 0))  # null: no cell
                cells.append(
                    pc.binary_join_element_wise(f'<c r="{column.letters}', numbers, taken, "")
                )
            inner = pc.binary_join_element_wise(
                *cells, "", null_handling="replace", null_replacement=""
            )  # (pyarrow 26 drops a row when "skip" joins one column)
            rows = pc.binary_join_element_wise('<row r="', numbers, '">', inner, "</row>", "")
            yield _joined(rows.filter(pa.array(written)))


def _first_uses(column: _Cells, stop: int) -> Iterator[tuple[int, Any]]:
    """Each format of ``column`` with the first of the rows above ``stop`` that has it."""
    formats = list({id(f): f for f in column.formats if f is not None}.values())
    if not formats or not stop:
        return
    at = {id(f): i for i, f in enumerate(formats)}
    numbers = np.array([-1 if f is None else at[id(f)] for f in column.formats] + [-1])
    rows = numbers[column.codes[:stop]]  # each row's format, -1 for none
    for number, found in enumerate(formats):
        hits = rows == number
        first = int(hits.argmax())
        if hits[first]:
            yield first, found


def _cell_tail(cell_format: Any, xml: str) -> str:
    """A cell's XML after its reference, with its style number."""
    if cell_format is None:
        return '"' + xml
    return f'" s="{cell_format._get_xf_index()}"{xml}'


def _joined(strings: Any) -> bytes:
    """An Arrow string array's values back to back (its data buffer)."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)
    offsets = offsets[strings.offset : strings.offset + len(strings) + 1]
    data = strings.buffers()[2]
    if data is None:
        return b""
    joined: bytes = data.to_pybytes()[offsets[0] : offsets[-1]]
    return joined


def _column_cells(at: int, name: str, values: pd.Series, styles: _Styles) -> _Cells:
    """A column's distinct values as cells: bands as coloured words, floats as numbers
    with one decimal or as a percent (shares and coverages; percentiles as they are),
    integers as numbers, anything else by its type (text, number, TRUE/FALSE)."""
    from xlsxwriter.utility import xl_col_to_name

    codes, plain = _distinct(values)
    band = name.endswith("_band")
    if band:
        cells = [_band_cell(v, x, styles) for v, x in zip(plain, _texts_xml(plain), strict=True)]
    elif pd.api.types.is_float_dtype(values.dtype):
        share = name.endswith("_coverage") or name in SHARE_COLUMNS
        style = styles.share if share else None
        if style is None and not name.startswith("percentile"):
            style = styles.decimal
        cells = [None if v is None else (style, _number_xml(v)) for v in plain]
    elif pd.api.types.is_integer_dtype(values.dtype):
        cells = [None if v is None else (None, _number_xml(v)) for v in plain]
    else:
        cells = [_plain_cell(v, x) for v, x in zip(plain, _texts_xml(plain), strict=True)]
    kept = [c for c in cells if c is not None]
    made = np.array([c is not None for c in cells], dtype=bool)
    renumber = np.where(made, np.cumsum(made) - 1, -1)  # values that make no cell: -1
    rows = np.append(renumber, -1).astype(np.intp)[codes]
    return _Cells(xl_col_to_name(at), rows, [f for f, _ in kept], [x for _, x in kept])


def _distinct(values: pd.Series) -> tuple[IntArray, list[object]]:
    """Codes per row into the column's distinct values as Python values (None where the
    cell stays empty; texts without control characters); -1 where the value is missing.

    Floats are told apart by their bits, so that -0.0 stays apart from 0.0."""
    if pd.api.types.is_float_dtype(values.dtype):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        codes, bits = pd.factorize(numbers.view(np.int64))
        codes = np.where(np.isnan(numbers), -1, codes).astype(np.intp)
        return codes, [None if math.isnan(v) else v for v in bits.view(np.float64).tolist()]
    if pd.api.types.is_numeric_dtype(values.dtype):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        return codes.astype(np.intp), list(uniques.tolist())
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.intp), [_plain(u) for u in uniques]


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


Cell = tuple[Any, str] | None  # (format, XML after the style), or no cell


def _band_cell(value: object, xml: str | None, styles: _Styles) -> Cell:
    """A band in words, coloured as the band; anything else as a plain cell."""
    if isinstance(value, str) and xml is not None:
        return styles.bands.get(value), xml
    return _plain_cell(value, xml)


def _plain_cell(value: object, xml: str | None) -> Cell:
    """Text as a string cell (never a formula; ``xml`` is its XML), numbers as numbers,
    no format."""
    if value is None:
        return None
    if isinstance(value, str) and xml is not None:
        return None, xml
    if isinstance(value, bool):
        return None, f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return None, _number_xml(value)
    return None, _string_xml(str(value))


def _number_xml(number: object) -> str:
    """A number cell's value as XlsxWriter writes it: 16 significant digits."""
    if isinstance(number, float) and not math.isfinite(number):
        raise TypeError(
            "NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option"
        )
    return f"><v>{number:.16G}</v></c>"


def _texts_xml(values: Sequence[object]) -> list[str | None]:
    """``_string_xml`` of each text among ``values`` (None for the rest): in Arrow at once
    for the texts that need nothing but the tags around them (most), one by one for the
    others (edge spaces, XML special or control characters, ``_x0041_``, long ones)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    at = [i for i, v in enumerate(values) if isinstance(v, str)]
    out: list[str | None] = [None] * len(values)
    if not at:
        return out
    texts = pa.array([values[i] for i in at], type=pa.string())
    care = pc.or_(
        pc.match_substring_regex(texts, _NEEDS_CARE),
        pc.greater(pc.utf8_length(texts), XLS_STRMAX // 2),
    )
    tagged = pc.binary_join_element_wise(' t="inlineStr"><is><t>', texts, "</t></is></c>", "")
    for i, xml, special in zip(at, tagged.to_pylist(), care.to_pylist(), strict=True):
        out[i] = _string_xml(str(values[i])) if special else xml
    return out


def _string_xml(text: str) -> str:
    """An inline string cell as XlsxWriter writes it: cut at Excel's limit, control
    characters as ``_xHHHH_``, XML special characters escaped, edge spaces kept."""
    if (
        len(text) > XLS_STRMAX // 2
        and len(text.encode("utf-16-le", "surrogatepass")) > 2 * XLS_STRMAX
    ):
        text = _utf16_cut(text, XLS_STRMAX)
    text = _ESCAPE_LIKE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if text.startswith("<r>") and text.endswith("</r>"):  # XlsxWriter's rich string
        return f' t="inlineStr"><is>{text}</is></c>'
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    if _XML_SPECIAL.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _utf16_cut(text: str, units: int) -> str:
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > units:
            return text[:index]
    return text


def _with_bodies(workbook: bytes, bodies: Sequence[_Body]) -> bytes:
    """XlsxWriter's workbook with the data rows put into its sheets: each sheet's part
    is written again with the rows before ``</sheetData>`` and its dimension widened;
    the other parts are copied as they are."""
    parts = {
        f"xl/worksheets/sheet{number}.xml": body
        for number, body in enumerate(bodies, start=1)
        if body.written.any()
    }
    if not parts:
        return workbook
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            copy = zipfile.ZipInfo(info.filename, info.date_time)
            copy.compress_type = info.compress_type
            copy.external_attr = info.external_attr
            body = parts.get(info.filename)
            if body is None:
                target.writestr(copy, source.read(info))
                continue
            head, tail = source.read(info).split(b"</sheetData>", 1)
            head = _DIMENSION.sub(body.dimension(), head, count=1)
            blocks = body.xml_blocks()
            block = next(blocks, b"")
            size = len(block) * -(-len(body.written) // ROW_BLOCK)  # about
            with target.open(copy, "w", force_zip64=size > zipfile.ZIP64_LIMIT // 2) as dest:
                dest.write(head)
                dest.write(block)
                for block in blocks:
                    dest.write(block)
                dest.write(b"</sheetData>" + tail)
    return out.getvalue()
