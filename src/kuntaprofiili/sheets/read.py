"""Spreadsheets in: CSV, XLSX, XLSM, ODS and XLS as people make them, every cell as text.

Reading guesses nothing about values (``dtype=str``, no NA words): deciding what a cell
means is ``batch``'s job, through the same rules as every other answer. What this module
does guess is the file's form, the way Finnish Excel writes it: the separator (``;`` or
``,``), the encoding (UTF-8 with or without BOM, else Windows-1252). A CSV row with more
cells than the header is kept to the header's columns and its extra cells are handed on
(``Sheet.extra_cells``) to be reported, never dropped unseen. A workbook's data sheet is
the one with a ``municipality`` header (:mod:`~kuntaprofiili.sheets.workbook` reads it);
title rows may stand above the header in any format. Limits on size, rows and columns
are checked before anything is read whole, and a workbook's unpacked size before it is
opened, so a wrong or hostile file costs little.
"""

from __future__ import annotations

import codecs
import csv
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from kuntaprofiili.core.model import yaml_code
from kuntaprofiili.core.numbers import plain_number
from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import InputFileError
from kuntaprofiili.files.safeio import check_size
from kuntaprofiili.i18n import Term
from kuntaprofiili.sheets.template import MUNICIPALITY_HEADERS, is_description_row
from kuntaprofiili.sheets.workbook import SheetCells, iter_sheets, read_sheet_cells, sheet_names

IntArray = np.ndarray[Any, np.dtype[np.intp]]

MAX_CSV_BYTES = 1 << 30  # a million rows of the bundled questionnaire are ~450 MB
MAX_XLSX_BYTES = 200 << 20
MAX_XLSX_UNPACKED = 1 << 30  # refuses zip bombs before the workbook is opened
MAX_UNPACK_RATIO = 100  # workbooks pack 5-20 times; a bomb packs thousands of times
BLOCK_ROWS = 50_000  # rows read and scored at a time (read_sheet_blocks)
ARROW_BLOCK_BYTES = 2 << 20  # what pyarrow's streaming reader parses at a time
MAX_CELL = 10_000  # characters: no answer is longer; a longer cell is a row's error
HEAD_ROWS = 20  # the header is looked for this far down (title rows above it)
MAX_ROWS = 2_000_000
MAX_COLUMNS = 1_000
SAMPLE_BYTES = 1 << 16
CSV_SUFFIXES = frozenset({".csv", ".txt"})
WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".ods", ".xls"})
_QUOTED = re.compile(r'"[^"]*"')
_TOO_MANY_FIELDS = re.compile(r"Expected \d+ fields in line \d+, saw \d+")


@dataclass(frozen=True, slots=True)
class ExtraCells:
    """A CSV row with more cells than the header has columns."""

    row: int  # the row number Excel shows
    text: str  # the cells past the last column, joined by the file's separator


@dataclass(frozen=True, slots=True)
class FlaggedCell:
    """A cell whose value cannot be read: a formula without a saved value, or a cell too
    long to be an answer. Its row is rejected with a message."""

    row: int  # the row number the spreadsheet program shows
    column: int  # position in ``Sheet.frame``
    kind: str  # "uncached_formula" or "too_long"


@dataclass(frozen=True, slots=True)
class Sheet:
    """A spreadsheet as text: a header and one str per cell, nothing guessed.

    ``frame`` has positional columns 0..n-1 (the header may repeat a name). Rows with
    nothing in them are dropped when the sheet is read; ``numbers`` keeps each remaining
    row's number as the spreadsheet program shows it (without it, rows count on from
    ``first_row``). ``source`` names the file, and the sheet of a workbook.
    """

    header: tuple[str, ...]
    frame: pd.DataFrame
    source: str
    first_row: int = 2
    extra_cells: tuple[ExtraCells, ...] = ()  # CSV rows longer than the header
    numbers: IntArray | None = None
    flagged: tuple[FlaggedCell, ...] = ()

    @property
    def rows(self) -> int:
        """How many data rows there are."""
        return len(self.frame)

    def row_numbers(self) -> IntArray:
        """Each data row's number as the spreadsheet program shows it."""
        if self.numbers is not None:
            return self.numbers
        return self.first_row + np.arange(len(self.frame), dtype=np.intp)

    def position(self, row: int) -> int:
        """The position in ``frame`` of the row the program numbers ``row``."""
        return int(np.searchsorted(self.row_numbers(), row))


def sheet_format(path: Path) -> str:
    """'csv' or 'workbook' by the file's extension; InputFileError for anything else."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in WORKBOOK_SUFFIXES:
        return "workbook"
    raise InputFileError("batch.bad_input_format", path=str(path), suffix=suffix or "-")


def read_sheet(path: Path) -> Sheet:
    """Read a CSV file or a workbook's data sheet whole, after checking size, rows, columns.

    Title rows above the header are allowed; the template's second header row (question
    texts) is recognised and skipped. Empty rows are dropped, and rows keep the numbers
    the spreadsheet program shows.
    """
    if sheet_format(path) == "csv":
        read = _read_csv(path)
        source = str(path)
    else:
        read, name = _read_workbook(path)
        source = f"{path} [{name}]"
    header = tuple(h.strip() for h in read.header)
    frame, numbers = _without_empty_rows(read.frame, read.first_row)
    frame, flagged = _without_long_cells(frame, numbers, read.flagged)
    if not len(frame) and not read.extra:
        raise InputFileError("batch.empty_input", path=source)
    _check_rows(source, len(frame))
    return Sheet(header, frame, source, read.first_row, read.extra, numbers, flagged)


def read_sheet_blocks(path: Path, rows: int | None = None) -> Iterator[tuple[Sheet, float]]:
    """The sheet in blocks of ``rows`` rows (``BLOCK_ROWS``), each with the share
    of the file read.

    A regular UTF-8 CSV (what pyarrow reads, see ``_read_body``) is read a block at a
    time, so that a million rows never have their text in memory at once; the rows keep
    the numbers the spreadsheet program shows, and empty rows are dropped as in
    :func:`read_sheet`. Anything else is read whole, as one block. A CSV found irregular
    only after some blocks were handed out raises :class:`NotRegular`: read it whole.
    """
    shape = _streamable(path)
    if shape is None:
        yield read_sheet(path), 1.0
        return
    header = tuple(h.strip() for h in shape.header)
    read = kept_rows = handed = 0
    size = max(path.stat().st_size, 1)
    try:
        for frame, position in _arrow_blocks(path, shape, rows or BLOCK_ROWS):
            first_row = shape.skip + 1 + read
            read += len(frame)
            kept, numbers = _without_empty_rows(frame, first_row)
            kept, flagged = _without_long_cells(kept, numbers, ())
            kept_rows += len(kept)
            _check_rows(path, kept_rows)
            if len(kept):
                handed += 1
                yield (
                    Sheet(header, kept, str(path), first_row, (), numbers, flagged),
                    position / size,
                )
    except _ArrowGaveUp:
        if handed:
            raise NotRegular(str(path)) from None
        yield read_sheet(path), 1.0
        return
    if not handed:
        raise InputFileError("batch.empty_input", path=str(path))


class NotRegular(Exception):
    """A CSV read in blocks turned out, further down, to be one only pandas reads right."""


class _ArrowGaveUp(Exception):
    """pyarrow cannot read this CSV (a row of another width, a blank line, not UTF-8)."""


def _streamable(path: Path) -> _CsvShape | None:
    """How to read a CSV in blocks; None for a workbook or a CSV that is not UTF-8."""
    if sheet_format(path) != "csv":
        return None
    check_size(path, MAX_CSV_BYTES, "csv")
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    encoding = detect_encoding(sample, complete=len(sample) < SAMPLE_BYTES)
    if encoding not in ("utf-8", "utf-8-sig"):
        return None
    try:
        return _csv_shape(path, encoding, detect_separator(_first_line(sample, encoding)))
    except UnicodeDecodeError:
        return None


def _arrow_blocks(path: Path, shape: _CsvShape, rows: int) -> Iterator[tuple[pd.DataFrame, int]]:
    """Frames of ``rows`` rows (the last may have fewer) through pyarrow's streaming
    reader, each with the byte position read up to; _ArrowGaveUp where pyarrow cannot
    read the file."""
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    width = len(shape.header)
    names = [str(i) for i in range(width)]
    with path.open("rb") as handle:
        try:
            reader = arrow_csv.open_csv(
                handle,
                read_options=arrow_csv.ReadOptions(
                    skip_rows=shape.skip, column_names=names, block_size=ARROW_BLOCK_BYTES
                ),
                parse_options=_arrow_parse(shape.options["sep"]),
                convert_options=_arrow_convert(names),
            )
        except (pa.ArrowException, OSError):
            raise _ArrowGaveUp from None
        pending = pa.Table.from_batches([], schema=reader.schema)
        while True:
            try:
                batch = reader.read_next_batch()
            except StopIteration:
                break
            except (pa.ArrowException, OSError):
                raise _ArrowGaveUp from None
            pending = pa.concat_tables([pending, pa.Table.from_batches([batch])])
            while pending.num_rows >= rows:
                yield _block_frame(pending.slice(0, rows), width), handle.tell()
                pending = pending.slice(rows)
        if pending.num_rows:
            yield _block_frame(pending, width), handle.tell()


def _block_frame(table: Any, width: int) -> pd.DataFrame:
    frame: pd.DataFrame = table.to_pandas()
    frame.columns = pd.RangeIndex(width)
    return frame


def _arrow_parse(separator: str) -> Any:
    from pyarrow import csv as arrow_csv

    return arrow_csv.ParseOptions(
        delimiter=separator, newlines_in_values=True, ignore_empty_lines=False
    )


def _arrow_convert(names: Sequence[str]) -> Any:
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    return arrow_csv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )


def _find_header(rows: Sequence[Sequence[str]]) -> int | None:
    """The first row with a municipality column among the first rows of a sheet."""
    for at, row in enumerate(rows[:HEAD_ROWS]):
        if any(fold(str(cell)) in MUNICIPALITY_HEADERS for cell in row):
            return at
    return None


def header_rows(header: Sequence[str], under: Sequence[str]) -> int:
    """1, or 2 when the row under the header is the template's row of question texts."""
    column = next((i for i, h in enumerate(header) if fold(h) in MUNICIPALITY_HEADERS), None)
    if column is not None and column < len(under) and is_description_row(under[column]):
        return 2
    return 1


# -- CSV ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Read:
    header: list[str]
    frame: pd.DataFrame
    first_row: int
    extra: tuple[ExtraCells, ...] = ()
    flagged: tuple[FlaggedCell, ...] = ()


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
    """The first line with a separator in it: a title row above the header may have none."""
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(sample, final=False)
    lines = text.split("\n", HEAD_ROWS)[:HEAD_ROWS]
    return next((line for line in lines if any(s in line for s in ";,\t")), lines[0])


def _parse_csv(path: Path, encoding: str, separator: str) -> _Read:
    shape = _csv_shape(path, encoding, separator)
    try:
        frame, extra = _read_body(path, shape.options, shape.skip, len(shape.header))
    except pd.errors.EmptyDataError:
        raise InputFileError("batch.empty_input", path=str(path)) from None
    except (pd.errors.ParserError, csv.Error) as error:
        raise InputFileError("batch.bad_csv", path=str(path), problem=str(error).strip()) from None
    return _Read(shape.header, frame, shape.skip + 1, extra)


@dataclass(frozen=True, slots=True)
class _CsvShape:
    """How a CSV file is read: the reader's options, the header and the lines above the data."""

    options: dict[str, Any]
    header: list[str]
    skip: int


def _csv_shape(path: Path, encoding: str, separator: str) -> _CsvShape:
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
        head = _csv_head(path, options)
    except csv.Error as error:
        raise InputFileError("batch.bad_csv", path=str(path), problem=str(error).strip()) from None
    at = _find_header(head) or 0
    header, under = (head[at:] + [[], []])[:2]
    _check_columns(path, len(header))
    return _CsvShape(options, header, at + header_rows(header, under))


@contextmanager
def _long_fields() -> Iterator[None]:
    """Let the csv module read a field of any length: a too long cell is a row's error
    (see ``MAX_CELL``), not the whole file's."""
    limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CSV_BYTES)
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _csv_head(path: Path, options: Mapping[str, Any]) -> list[list[str]]:
    """The first rows, through the csv module: pandas' reader would stop at a longer row
    further down."""
    with _open_csv(path, options) as handle, _long_fields():
        return list(islice(csv.reader(handle, delimiter=options["sep"]), HEAD_ROWS))


def _open_csv(path: Path, options: Mapping[str, Any]) -> IO[str]:
    errors = options["encoding_errors"]
    return path.open(encoding=options["encoding"], errors=errors, newline="")


def _read_body(
    path: Path, options: Mapping[str, Any], skip: int, width: int
) -> tuple[pd.DataFrame, tuple[ExtraCells, ...]]:
    """The data rows, ``width`` cells each; longer rows are found, not cut silently.

    A regular file (every row as wide as the header, no blank line) is read by pyarrow's
    CSV reader, several times faster than pandas' and into Arrow strings, which a million
    rows need a fraction of the memory of Python strings for. Anything else (a shorter
    or longer row, a blank line, bytes that are not UTF-8) makes it give up, and pandas'
    reader reads the file as before: it pads short rows and keeps blank lines, so row
    numbers hold. pandas warns about a longer first row and stops at a longer later one;
    only then is the file read again without the extra cells and scanned for the long
    rows.
    """
    fast = _read_arrow(path, options, skip, width)
    if fast is not None:
        return fast, ()
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


def _read_arrow(
    path: Path, options: Mapping[str, Any], skip: int, width: int
) -> pd.DataFrame | None:
    """The data rows through pyarrow, or None where only pandas' reader reads them right."""
    import pyarrow as pa
    from pyarrow import csv as arrow_csv

    encoding = options["encoding"]
    if encoding not in ("utf-8", "utf-8-sig"):  # the header's BOM is skipped with it
        return None
    names = [str(i) for i in range(width)]
    try:
        table = arrow_csv.read_csv(
            path,
            read_options=arrow_csv.ReadOptions(skip_rows=skip, column_names=names),
            parse_options=_arrow_parse(options["sep"]),
            convert_options=_arrow_convert(names),
        )
    except (pa.ArrowException, OSError):  # ArrowInvalid for a row of another width
        return None
    frame: pd.DataFrame = table.to_pandas()
    frame.columns = pd.RangeIndex(width)
    return frame


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
    with _open_csv(path, options) as handle, _long_fields():
        records = islice(csv.reader(handle, delimiter=options["sep"]), skip + MAX_ROWS + 1)
        return tuple(
            ExtraCells(number, options["sep"].join(record[width:]))
            for number, record in enumerate(records, start=1)
            if number > skip and any(cell.strip() for cell in record[width:])
        )


def _check_columns(path: Path | str, count: int) -> None:
    if count == 0:
        raise InputFileError("batch.empty_input", path=str(path))
    if count > MAX_COLUMNS:
        raise InputFileError(
            "batch.too_many_columns", path=str(path), count=count, limit=MAX_COLUMNS
        )


def _check_rows(path: Path | str, count: int | None) -> None:
    if count is not None and count > MAX_ROWS:
        raise InputFileError("batch.too_many_rows", path=str(path), limit=MAX_ROWS)


# -- workbooks: XLSX, XLSM, ODS, XLS -------------------------------------------------------


def _read_workbook(path: Path) -> tuple[_Read, str]:
    from python_calamine import CalamineError

    check_size(path, MAX_XLSX_BYTES, "xlsx")
    if path.suffix.lower() != ".xls":  # the zip formats; .xls is not compressed
        _check_unpacked_size(path)
    try:
        name, cells = _data_sheet(path)
    except (*_DAMAGED_WORKBOOK, CalamineError) as error:
        problem = str(error).strip() or type(error).__name__
        raise InputFileError("batch.bad_xlsx", path=str(path), problem=problem) from None
    return _cells_to_frame(f"{path} [{name}]", cells), name


# What calamine, zipfile and the XML parsers raise on a damaged workbook.
_DAMAGED_WORKBOOK = (
    zipfile.BadZipFile,
    NotImplementedError,  # zipfile: a member packed with a method or version it lacks
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    SyntaxError,  # xml.etree's ParseError
    RuntimeError,
)


def _data_sheet(path: Path) -> tuple[str, SheetCells]:
    """The first sheet with a municipality column near its top (an instructions sheet may
    come first); without one, the first sheet that is not empty, to name its headers."""
    names = sheet_names(path)
    first_filled = None
    limit = MAX_ROWS + HEAD_ROWS + 2
    for name, rows, read_whole in iter_sheets(path, names, HEAD_ROWS):
        texts = [[cell_text(v) for v in row] for row in rows]
        if _find_header(texts) is not None:
            return name, read_whole(limit)
        if first_filled is None and any(t.strip() for row in texts for t in row):
            first_filled = name
    if first_filled is None:
        raise InputFileError("batch.empty_input", path=f"{path} [{', '.join(names)}]")
    return first_filled, read_sheet_cells(path, first_filled, limit)


def _check_unpacked_size(path: Path) -> None:
    """Refuse zip bombs: too much unpacked in all, or packed too tightly to be a workbook."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, NotImplementedError, OSError) as error:
        raise InputFileError("batch.bad_xlsx", path=str(path), problem=str(error)) from None
    unpacked = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos)
    if unpacked > MAX_XLSX_UNPACKED or unpacked > MAX_UNPACK_RATIO * max(packed, 1 << 20):
        raise InputFileError(
            "error.file_too_large",
            path=str(path),
            size=unpacked,
            limit=MAX_XLSX_UNPACKED,
            what=Term("file_kind.xlsx"),
        )


def cell_text(value: object) -> str:
    """A workbook cell as the text it shows: 12.0 as '12', TRUE as 'yes', empty as ''.

    TRUE/FALSE become yes/no as ``coerce_answer`` reads a YAML boolean; a date is
    written as people write it in Finland (4.2.2026), so a date in a number column is
    reported as the person saw it.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(yaml_code(value))
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time():
            return f"{value.day}.{value.month}.{value.year}"
        return f"{value.day}.{value.month}.{value.year} {value:%H:%M}"
    if isinstance(value, date):
        return f"{value.day}.{value.month}.{value.year}"
    if isinstance(value, time | timedelta):
        return str(value)
    return str(value)


def _percent_text(value: object) -> object:
    """A percent-formatted number as the person saw it: 0.672 is '67.2 %'."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{plain_number(float(value) * 100)} %"
    return value


def _cells_to_frame(source: str, cells: SheetCells) -> _Read:
    """The sheet's cells as text from the header on, column by column: a column of texts
    (as a sheet written as text has) goes to Arrow whole, any other once per distinct
    value, so no Python runs per cell."""
    rows, (top, left) = cells.rows, cells.start
    for row, column in cells.percent:
        r, c = row - top, column - left
        if 0 <= r < len(rows) and 0 <= c < len(rows[r]):
            rows[r][c] = _percent_text(rows[r][c])
    if not rows:
        raise InputFileError("batch.empty_input", path=source)
    head = [[cell_text(v) for v in row[: MAX_COLUMNS + 1]] for row in rows[: HEAD_ROWS + 1]]
    at = _find_header(head) or 0
    columns = _text_columns(rows)
    width = len(columns)
    while width > 0 and not _has_text(columns[width - 1]):
        width -= 1  # formatted but empty columns at the right
    _check_columns(source, width)
    header = _padded(head[at], width)
    skip = header_rows(header, _padded(head[at + 1], width) if at + 1 < len(rows) else [])
    frame = _arrow_frame([c[at + skip :] for c in columns[:width]])
    first_row = top + at + skip + 1
    flagged = tuple(
        FlaggedCell(row + 1, column - left, "uncached_formula")
        for row, column in cells.uncached
        if row + 1 >= first_row and 0 <= column - left < width
    )
    return _Read(header, frame, first_row, (), flagged)


def _padded(texts: list[str], width: int) -> list[str]:
    return [*texts[:width], *[""] * (width - len(texts))]


def _text_columns(rows: list[list[Any]]) -> list[Any]:
    """Each column (up to ``MAX_COLUMNS + 1``) of every row as an Arrow string array of
    ``cell_text``; short rows are padded with empty cells."""
    import pyarrow as pa

    width = min(max(len(row) for row in rows), MAX_COLUMNS + 1)
    if any(len(row) != width for row in rows):
        rows = [(row + [None] * (width - len(row)))[:width] for row in rows]
    try:
        return _all_text_columns(rows, width)
    except pa.ArrowException:  # a number, date or boolean somewhere (or texts past 2 GB)
        pass
    grid = np.array(rows, dtype=object).reshape(len(rows), width)
    columns = []
    for at in range(width):
        column = grid[:, at]
        try:
            texts = pa.array(column, type=pa.string()).fill_null("")  # None: an empty cell
        except pa.ArrowException:  # numbers, dates, booleans
            texts = _column_texts(column)
        columns.append(texts)
    return columns


def _all_text_columns(rows: list[list[Any]], width: int) -> list[Any]:
    """The columns of a sheet whose every cell is a text or empty, through Arrow at once."""
    import pyarrow as pa

    cells = pa.array(rows, type=pa.list_(pa.string())).flatten().fill_null("")
    by_column = np.arange(len(rows) * width).reshape(len(rows), width).T.ravel()
    texts = cells.take(pa.array(by_column))
    return [texts.slice(at * len(rows), len(rows)) for at in range(width)]


def _column_texts(column: np.ndarray[Any, np.dtype[np.object_]]) -> Any:
    """A column with other values than texts, as ``cell_text`` writes each: once per
    distinct value where values that compare equal are written alike (texts and floats;
    not True and 1), else cell by cell."""
    import pyarrow as pa

    if set(map(type, column)) <= {str, float, type(None)}:
        codes, uniques = pd.factorize(column)
        missing = np.flatnonzero(codes < 0)  # None, or a float NaN: each as it is
        texts = [cell_text(v) for v in uniques] + [cell_text(column[i]) for i in missing]
        codes[missing] = len(uniques) + np.arange(len(missing))
        return pa.array(texts, type=pa.string()).take(pa.array(codes))
    return pa.array([v if type(v) is str else cell_text(v) for v in column], type=pa.string())


def _has_text(column: Any) -> bool:
    """Whether an Arrow column of texts has a cell with more than spaces in it."""
    return any(text.strip() for text in column.unique().to_pylist())


def _arrow_frame(columns: Sequence[Any]) -> pd.DataFrame:
    """A frame of positional text columns, as ``pd.DataFrame(..., dtype=str)`` makes it."""
    import pyarrow as pa

    table = pa.table(list(columns), names=[str(i) for i in range(len(columns))])
    frame: pd.DataFrame = table.to_pandas()
    frame.columns = pd.RangeIndex(len(columns))
    return frame


# -- empty rows and over-long cells --------------------------------------------------------


def _without_empty_rows(frame: pd.DataFrame, first_row: int) -> tuple[pd.DataFrame, IntArray]:
    """Drop the rows with nothing in them (column by column, once per distinct text), and
    keep the others' row numbers."""
    filled = np.zeros(len(frame), dtype=bool)
    for column in frame.columns:
        if not any_text(frame[column]):
            continue
        codes, uniques = pd.factorize(frame[column])
        if len(uniques):
            filled |= np.array([bool(u.strip()) for u in uniques.tolist()], dtype=bool)[codes]
    numbers = first_row + np.arange(len(frame), dtype=np.intp)
    if filled.all():
        return frame, numbers
    return frame[filled].reset_index(drop=True), numbers[filled]


def _without_long_cells(
    frame: pd.DataFrame, numbers: IntArray, flagged: tuple[FlaggedCell, ...]
) -> tuple[pd.DataFrame, tuple[FlaggedCell, ...]]:
    """Cells longer than any answer are flagged and emptied, so their rows are rejected
    without the text being carried through the run."""
    found = list(flagged)
    for column in frame.columns:
        if _longest(frame[column]) <= MAX_CELL:
            continue
        long = frame[column].str.len().to_numpy() > MAX_CELL
        if long.any():
            found += [
                FlaggedCell(int(numbers[at]), int(column), "too_long")
                for at in np.flatnonzero(long)
            ]
            frame.loc[long, column] = ""
    return frame, tuple(found)


def any_text(texts: pd.Series) -> bool:
    """Whether some cell of a column is not the empty string: one pass in Arrow for a
    block read by pyarrow, so that a sheet's many empty columns cost next to nothing."""
    arrow = _arrow_text(texts)
    if arrow is not None:
        import pyarrow.compute as pc

        return bool(pc.max(pc.binary_length(arrow)).as_py())
    return bool((texts.astype(str) != "").any())


def _longest(texts: pd.Series) -> int:
    """The most characters in a cell of the column."""
    arrow = _arrow_text(texts)
    if arrow is not None:
        import pyarrow.compute as pc

        return int(pc.max(pc.utf8_length(arrow)).as_py() or 0)
    return int(texts.str.len().max()) if len(texts) else 0


def _arrow_text(texts: pd.Series) -> Any:
    """The column's Arrow strings when it is held as such (no copy), else None."""
    dtype = texts.dtype
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        import pyarrow as pa

        return pa.array(texts.array)  # its __arrow_array__: the data as it is
    return None
