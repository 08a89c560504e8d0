"""Spreadsheets in: CSV and XLSX as people make them, every cell read as text.

Reading guesses nothing about values (``dtype=str``, no NA words): deciding what a cell
means is ``batch``'s job, through the same rules as every other answer. What this module
does guess is the file's form, the way Finnish Excel writes it: the separator (``;`` or
``,``), the encoding (UTF-8 with or without BOM, else Windows-1252). A CSV row with more
cells than the header is kept to the header's columns and its extra cells are handed on
(``Sheet.extra_cells``) to be reported, never dropped unseen. Limits on size, rows
and columns are checked before anything is read whole, and an XLSX's unpacked size before
it is opened, so a wrong or hostile file costs little. The writers live in
``sheet_writers`` and are importable from here too.
"""

from __future__ import annotations

import codecs
import csv
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import IO, Any

import pandas as pd

from kuntaprofiili.core.model import yaml_code
from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import InputFileError
from kuntaprofiili.files.safeio import check_size
from kuntaprofiili.i18n import Term
from kuntaprofiili.sheets.template import MUNICIPALITY_HEADERS, is_description_row

MAX_CSV_BYTES = 1 << 30  # a million rows of the bundled questionnaire are ~450 MB
MAX_XLSX_BYTES = 200 << 20
MAX_XLSX_UNPACKED = 2 << 30  # refuses zip bombs before openpyxl opens the file
MAX_ROWS = 2_000_000
MAX_COLUMNS = 1_000
SAMPLE_BYTES = 1 << 16
CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_QUOTED = re.compile(r'"[^"]*"')
_TOO_MANY_FIELDS = re.compile(r"Expected \d+ fields in line \d+, saw \d+")


@dataclass(frozen=True, slots=True)
class ExtraCells:
    """A CSV row with more cells than the header has columns."""

    row: int  # the row number Excel shows
    text: str  # the cells past the last column, joined by the file's separator


@dataclass(frozen=True, slots=True)
class Sheet:
    """A spreadsheet as text: a header and one str per cell, nothing guessed.

    ``frame`` has positional columns 0..n-1 (the header may repeat a name) and
    ``first_row`` is the row number Excel shows for ``frame``'s first row.
    """

    header: tuple[str, ...]
    frame: pd.DataFrame
    source: str
    first_row: int = 2
    extra_cells: tuple[ExtraCells, ...] = ()  # CSV rows longer than the header

    @property
    def rows(self) -> int:
        """How many data rows there are."""
        return len(self.frame)


def sheet_format(path: Path) -> str:
    """'csv' or 'xlsx' by the file's extension; InputFileError for anything else."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    raise InputFileError("batch.bad_input_format", path=str(path), suffix=suffix or "-")


def read_sheet(path: Path) -> Sheet:
    """Read a CSV or XLSX sheet whole, after checking its size, rows and columns.

    The template's second header row (question texts) is recognised and skipped, so
    that rows keep the numbers Excel shows.
    """
    kind = sheet_format(path)
    header, frame, first_row, extra = _read_csv(path) if kind == "csv" else _read_xlsx(path)
    header = [h.strip() for h in header]
    return Sheet(tuple(header), _without_trailing_blanks(frame), str(path), first_row, extra)


def header_rows(header: Sequence[str], under: Sequence[str]) -> int:
    """1, or 2 when the row under the header is the template's row of question texts."""
    column = next((i for i, h in enumerate(header) if fold(h) in MUNICIPALITY_HEADERS), None)
    if column is not None and column < len(under) and is_description_row(under[column]):
        return 2
    return 1


# -- CSV ------------------------------------------------------------------------------


_Read = tuple[list[str], pd.DataFrame, int, tuple[ExtraCells, ...]]


def _read_csv(path: Path) -> _Read:
    check_size(path, MAX_CSV_BYTES, "csv")
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample, complete=len(sample) < SAMPLE_BYTES)
    separator = detect_separator(_first_line(sample, encoding))
    try:
        return _parse_csv(path, encoding, separator)
    except UnicodeDecodeError:
        # the sample was UTF-8 but a later byte is not: Excel's Windows-1252 after all
        return _parse_csv(path, "cp1252", separator)


def detect_encoding(sample: bytes, complete: bool = True) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or else Windows-1252.

    An incomplete sample may end inside a UTF-8 character; that alone is no evidence.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=complete)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def detect_separator(first_line: str) -> str:
    """The separator the header line uses most: ';' (Finnish Excel), ',' or a tab."""
    unquoted = _QUOTED.sub("", first_line)
    counts = {sep: unquoted.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _first_line(sample: bytes, encoding: str) -> str:
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    return text.split("\n", 1)[0]


def _parse_csv(path: Path, encoding: str, separator: str) -> _Read:
    options: dict[str, Any] = {
        "sep": separator,
        "header": None,
        "dtype": str,
        "keep_default_na": False,
        "skip_blank_lines": False,  # a blank line is a row to Excel, so numbering holds
        "index_col": False,
        "encoding": encoding,
        "encoding_errors": "strict" if encoding.startswith("utf") else "replace",
    }
    try:
        header, under = _csv_head(path, options)
        _check_columns(path, len(header))
        skip = header_rows(header, under)
        frame, extra = _read_body(path, options, skip, len(header))
    except pd.errors.EmptyDataError:
        raise InputFileError("batch.empty_input", path=str(path)) from None
    except (pd.errors.ParserError, csv.Error) as error:
        raise InputFileError("batch.bad_csv", path=str(path), problem=str(error).strip()) from None
    _check_rows(path, len(frame))
    return header, frame, skip + 1, extra


def _csv_head(path: Path, options: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The header and the row under it, through the csv module: pandas' reader would stop
    at a longer row further down."""
    with _open_csv(path, options) as handle:
        head = list(islice(csv.reader(handle, delimiter=options["sep"]), 2)) + [[], []]
    return head[0], head[1]


def _open_csv(path: Path, options: Mapping[str, Any]) -> IO[str]:
    errors = options["encoding_errors"]
    return path.open(encoding=options["encoding"], errors=errors, newline="")


def _read_body(
    path: Path, options: Mapping[str, Any], skip: int, width: int
) -> tuple[pd.DataFrame, tuple[ExtraCells, ...]]:
    """The data rows, ``width`` cells each; longer rows are found, not cut silently.

    pandas warns about a longer first row and stops at a longer later one; only then is
    the file read again without the extra cells and scanned for the long rows, so an
    ordinary file is read once.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return _read_frame(path, options, skip, width), ()
    except pd.errors.ParserWarning:
        pass
    except pd.errors.ParserError as error:
        if not _TOO_MANY_FIELDS.search(str(error)):
            raise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        frame = _read_frame(path, options, skip, width, usecols=range(width))
    return frame, _extra_cells(path, options, skip, width)


def _read_frame(
    path: Path, options: Mapping[str, Any], skip: int, width: int, **more: Any
) -> pd.DataFrame:
    frame: pd.DataFrame = pd.read_csv(
        path, skiprows=skip, names=range(width), nrows=MAX_ROWS + 1, **options, **more
    )
    return frame


def _extra_cells(
    path: Path, options: Mapping[str, Any], skip: int, width: int
) -> tuple[ExtraCells, ...]:
    """The data rows with something past the last column; empty extra cells (a trailing
    separator) carry nothing and pass."""
    with _open_csv(path, options) as handle:
        records = islice(csv.reader(handle, delimiter=options["sep"]), skip + MAX_ROWS + 1)
        return tuple(
            ExtraCells(number, options["sep"].join(record[width:]))
            for number, record in enumerate(records, start=1)
            if number > skip and any(cell.strip() for cell in record[width:])
        )


def _check_columns(path: Path, count: int) -> None:
    if count == 0:
        raise InputFileError("batch.empty_input", path=str(path))
    if count > MAX_COLUMNS:
        raise InputFileError(
            "batch.too_many_columns", path=str(path), count=count, limit=MAX_COLUMNS
        )


def _check_rows(path: Path, count: int | None) -> None:
    if count is not None and count > MAX_ROWS:
        raise InputFileError("batch.too_many_rows", path=str(path), limit=MAX_ROWS)


# -- XLSX -----------------------------------------------------------------------------


def _read_xlsx(path: Path) -> _Read:
    check_size(path, MAX_XLSX_BYTES, "xlsx")
    _check_unpacked_size(path)
    try:
        rows = _xlsx_rows(path)
    except _DAMAGED_XLSX as error:
        raise InputFileError("batch.bad_xlsx", path=str(path), problem=str(error)) from None
    return _rows_to_frame(path, rows)


# What openpyxl, zipfile and the XML parsers raise on a damaged workbook; read-only mode
# reads lazily, so any of them can come from the rows as well as from opening the file.
_DAMAGED_XLSX = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    SyntaxError,  # xml.etree's ParseError and lxml's XMLSyntaxError
)


def _xlsx_rows(path: Path) -> list[list[str]]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        if (sheet.max_column or 0) > MAX_COLUMNS:  # the size the file declares, if it does
            _check_columns(path, sheet.max_column)
        _check_rows(path, (sheet.max_row or 1) - 1)
        cells = sheet.iter_rows(values_only=True)
        return [_row_texts(row) for row in islice(cells, MAX_ROWS + 2)]
    finally:
        book.close()


def _check_unpacked_size(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise InputFileError("batch.bad_xlsx", path=str(path), problem=str(error)) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise InputFileError(
            "error.file_too_large",
            path=str(path),
            size=unpacked,
            limit=MAX_XLSX_UNPACKED,
            what=Term("file_kind.xlsx"),
        )


def _row_texts(row: Iterable[object]) -> list[str]:
    return [cell_text(value) for value in islice(row, MAX_COLUMNS + 1)]


def cell_text(value: object) -> str:
    """An Excel cell as the text it shows: 12.0 as '12', TRUE as 'yes', empty as ''.

    TRUE/FALSE become yes/no as ``coerce_answer`` reads a YAML boolean.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(yaml_code(value))
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _rows_to_frame(path: Path, rows: list[list[str]]) -> _Read:
    if not rows:
        raise InputFileError("batch.empty_input", path=str(path))
    _check_rows(path, len(rows) - 1)
    width = max(len(row) for row in rows)
    while width > 0 and all(len(row) < width or not row[width - 1].strip() for row in rows):
        width -= 1  # formatted but empty columns at the right
    _check_columns(path, width)
    padded = [row[:width] + [""] * (width - len(row)) for row in rows]
    skip = header_rows(padded[0], padded[1] if len(padded) > 1 else [])
    frame = pd.DataFrame(padded[skip:], columns=range(width), dtype=str)
    return padded[0], frame, skip + 1, ()  # cells past the header: an unnamed column


def _without_trailing_blanks(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the empty rows Excel leaves at the end of a sheet; inner ones are reported."""
    end = len(frame)
    while end > 0 and all(not str(v).strip() for v in frame.iloc[end - 1]):
        end -= 1
    return frame.iloc[:end] if end < len(frame) else frame
