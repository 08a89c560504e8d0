"""Spreadsheets in and out: CSV and XLSX as people make them, every cell read as text.

Reading guesses nothing about values (``dtype=str``, no NA words): deciding what a cell
means is ``batch``'s job, through the same rules as every other answer. What this module
does guess is the file's form, the way Finnish Excel writes it: the separator (``;`` or
``,``), the encoding (UTF-8 with or without BOM, else Windows-1252). Limits on size, rows
and columns are checked before anything is read whole, and an XLSX's unpacked size before
it is opened, so a wrong or hostile file costs little. Writers go through ``safeio``: a
temporary file renamed into place, text cells neutralised against formula injection.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from kuntaprofiili.answers import fold
from kuntaprofiili.errors import InputFileError, OutputFileError
from kuntaprofiili.export import CSV_FORMATS, CsvDialect, CsvFormat, format_cell, neutralise
from kuntaprofiili.safeio import check_size, ensure_writable, write_atomic
from kuntaprofiili.template import MUNICIPALITY_HEADERS, is_description_row

MAX_CSV_BYTES = 1 << 30  # a million rows of the bundled questionnaire are ~450 MB
MAX_XLSX_BYTES = 200 << 20
MAX_XLSX_UNPACKED = 2 << 30  # refuses zip bombs before openpyxl opens the file
MAX_ROWS = 2_000_000
MAX_COLUMNS = 1_000
EXCEL_MAX_ROWS = 1_048_576  # header included
SAMPLE_BYTES = 1 << 16
WRITE_BLOCK = 50_000  # rows formatted and joined at a time
CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_QUOTED = re.compile(r'"[^"]*"')


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
    header, frame, first_row = _read_csv(path) if kind == "csv" else _read_xlsx(path)
    header = [h.strip() for h in header]
    return Sheet(tuple(header), _without_trailing_blanks(frame), str(path), first_row)


def header_rows(header: Sequence[str], under: Sequence[str]) -> int:
    """1, or 2 when the row under the header is the template's row of question texts."""
    column = next((i for i, h in enumerate(header) if fold(h) in MUNICIPALITY_HEADERS), None)
    if column is not None and column < len(under) and is_description_row(under[column]):
        return 2
    return 1


# -- CSV ------------------------------------------------------------------------------


def _read_csv(path: Path) -> tuple[list[str], pd.DataFrame, int]:
    check_size(path, MAX_CSV_BYTES, "CSV")
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


def _parse_csv(path: Path, encoding: str, separator: str) -> tuple[list[str], pd.DataFrame, int]:
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
        head = pd.read_csv(path, nrows=2, **options)
        header = [str(h) for h in head.iloc[0]] if len(head) else []
        _check_columns(path, len(header))
        skip = header_rows(header, [str(c) for c in head.iloc[1]] if len(head) > 1 else [])
        frame = pd.read_csv(
            path, skiprows=skip, names=range(len(header)), nrows=MAX_ROWS + 1, **options
        )
    except pd.errors.EmptyDataError:
        raise InputFileError("batch.empty_input", path=str(path)) from None
    except pd.errors.ParserError as error:
        raise InputFileError("batch.bad_csv", path=str(path), problem=str(error).strip()) from None
    _check_rows(path, len(frame))
    return header, frame, skip + 1


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


def _read_xlsx(path: Path) -> tuple[list[str], pd.DataFrame, int]:
    check_size(path, MAX_XLSX_BYTES, "XLSX")
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
            what="XLSX",
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
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _rows_to_frame(path: Path, rows: list[list[str]]) -> tuple[list[str], pd.DataFrame, int]:
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
    return padded[0], frame, skip + 1


def _without_trailing_blanks(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop the empty rows Excel leaves at the end of a sheet; inner ones are reported."""
    end = len(frame)
    while end > 0 and all(not str(v).strip() for v in frame.iloc[end - 1]):
        end -= 1
    return frame.iloc[:end] if end < len(frame) else frame


# -- writing --------------------------------------------------------------------------


def output_format(path: Path) -> str:
    """'csv', 'xlsx' or 'json' by the output's extension; OutputFileError otherwise."""
    suffix = path.suffix.lower()
    formats = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
    if suffix not in formats:
        raise OutputFileError("batch.bad_output_format", path=str(path), suffix=suffix or "-")
    return formats[suffix]


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells and headers made safe for Excel; numbers stay numbers.

    Each distinct text is neutralised once, so a million rows cost one hash per cell.
    """
    out = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            safe = pd.Index([neutralise(str(u)) for u in uniques], dtype=object)
            out[column] = pd.Series(
                safe.take(codes, allow_fill=True), index=frame.index, dtype=object
            )
    out.columns = [neutralise(str(c)) for c in frame.columns]
    return out


def csv_columns(frame: pd.DataFrame, fmt: CsvFormat) -> list[list[str]]:
    """Every cell as ``export.format_cell`` writes it (the assess CSV's formatting), quoted
    where the CSV needs it, column by column.

    Whole numbers are converted in one go; any other column is formatted once per
    distinct value and spread back with a take (a million scores rounded to one
    decimal have a thousand distinct values).
    """
    columns = []
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_integer_dtype(values.dtype):
            texts = values.astype(str).to_numpy(dtype=object)
            if values.hasnans:
                texts[values.isna().to_numpy()] = ""
        else:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            cells = [_quoted(format_cell(_plain(u), fmt.decimal), fmt.delimiter) for u in uniques]
            texts = np.array([*cells, ""], dtype=object)[codes]  # code -1 (missing): ""
        columns.append(texts.tolist())
    return columns


def _plain(value: object) -> object:
    """numpy scalars as Python values, so that format_cell knows them."""
    return value.item() if isinstance(value, np.generic) else value


def _quoted(text: str, delimiter: str) -> str:
    """A cell as csv.QUOTE_MINIMAL writes it."""
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def write_frame_csv(
    frame: pd.DataFrame, dest: Path, dialect: CsvDialect, force: bool = False
) -> None:
    """Write a table as CSV in ``dialect``, atomically; empty cells for missing values.

    Rows are joined in blocks rather than through csv.writer: the cells are already
    formatted and quoted, and joining is several times faster.
    """
    ensure_writable(dest, force)
    fmt = CSV_FORMATS[dialect]
    header = [_quoted(neutralise(str(name)), fmt.delimiter) for name in frame.columns]

    def write(handle: IO[Any]) -> None:
        handle.write(fmt.delimiter.join(header) + "\r\n")
        for start in range(0, len(frame), WRITE_BLOCK):  # bounded memory for a million rows
            columns = csv_columns(frame.iloc[start : start + WRITE_BLOCK], fmt)
            handle.write(
                "".join(fmt.delimiter.join(row) + "\r\n" for row in zip(*columns, strict=True))
            )

    write_atomic(dest, write, encoding=fmt.encoding, newline="")


def write_frames_xlsx(
    sheets: Sequence[tuple[str, pd.DataFrame]], dest: Path, force: bool = False
) -> None:
    """Write tables as the sheets of one workbook, atomically; numbers stay numbers."""
    ensure_writable(dest, force)
    too_long = [len(frame) for _, frame in sheets if len(frame) >= EXCEL_MAX_ROWS]
    if too_long:
        raise OutputFileError("batch.too_many_rows_for_xlsx", path=str(dest), rows=too_long[0])
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, frame in sheets:
        _append_frame(book.create_sheet(title=title[:31]), neutralise_frame(frame))
    write_atomic(dest, book.save, binary=True)


def _append_frame(sheet: Any, frame: pd.DataFrame) -> None:
    sheet.append(list(frame.columns))
    plain = frame.astype(object).where(frame.notna(), None)
    for row in plain.itertuples(index=False, name=None):
        sheet.append(row)
