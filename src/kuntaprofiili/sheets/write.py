"""Tables out as people open them: CSV in a chosen dialect, or XLSX, written safely.

Every writer goes through ``safeio``: a temporary file renamed into place, so a failed
run leaves no half-written output; text cells are neutralised against formula injection
and numbers stay numbers. Cells are formatted as ``export.format_cell`` formats the
assess CSV, once per distinct value, so a million rows cost little more than pandas'
own writer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from kuntaprofiili.errors import OutputFileError
from kuntaprofiili.files.export import (
    CONTROL_CHARACTERS,
    CSV_FORMATS,
    FORMULA_PREFIXES,
    CsvDialect,
    CsvFormat,
    column_label,
    for_people,
    format_cell,
    neutralise,
    shown_differently,
)
from kuntaprofiili.files.safeio import ensure_writable, write_atomic
from kuntaprofiili.sheets.workbook_out import workbook_bytes

EXCEL_MAX_ROWS = 1_048_576  # header included
WRITE_BLOCK = 50_000  # rows formatted and joined at a time


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
        if _is_text(values.dtype):
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            safe = pd.Index([neutralise(str(u)) for u in uniques], dtype=object)
            out[column] = pd.Series(
                safe.take(codes, allow_fill=True), index=frame.index, dtype=object
            )
    out.columns = [neutralise(str(c)) for c in frame.columns]
    return out


def people_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Type names and bands as words and codes as ``KU091``, once per distinct value."""
    out = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if _is_text(values.dtype) and shown_differently(str(column)):
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            shown = [for_people(str(column), _plain(u), lang) for u in uniques]
            out[column] = pd.Series(
                pd.Index(shown, dtype=object).take(codes, allow_fill=True),
                index=frame.index,
                dtype=object,
            )
    return out


def _is_text(dtype: Any) -> bool:
    """A column of texts: Python strings, pandas strings, or texts stored as categories."""
    return (
        pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def csv_columns(frame: pd.DataFrame, fmt: CsvFormat) -> list[Any]:
    """Every cell as ``export.format_cell`` writes it (the assess CSV's formatting), quoted
    where the CSV needs it, column by column, as Arrow string arrays.

    Each column is formatted once per distinct value and spread back with a take in
    Arrow (a million scores rounded to one decimal have a thousand distinct values).
    """
    import pyarrow as pa

    columns = []
    for name in frame.columns:
        values = frame[name]
        if _many_distinct(values):  # row numbers, ranks, names: one per row
            columns.append(_cells_in_arrow(values, fmt.delimiter))
            continue
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        cells = [_quoted(format_cell(_plain(u), fmt.decimal), fmt.delimiter) for u in uniques]
        cells.append("")  # code -1 (missing): an empty cell
        at = np.where(codes < 0, len(cells) - 1, codes).astype(np.int32)
        columns.append(pa.array(cells, type=pa.string()).take(pa.array(at)))
    return columns


def _many_distinct(values: pd.Series) -> bool:
    """Integers, or Arrow texts: columns formatted in Arrow, whatever their values."""
    dtype = values.dtype
    if pd.api.types.is_integer_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
        return True
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def _cells_in_arrow(values: pd.Series, delimiter: str) -> Any:
    """The cells of an integer or text column as ``format_cell`` and ``_quoted`` write
    them, computed in Arrow: an integer as ``str(n)``; a text without control
    characters, an apostrophe before a formula's first character, quoted where needed."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(values.array)
    if isinstance(cells, pa.ChunkedArray):  # a block read by pyarrow comes in chunks
        cells = cells.combine_chunks()
    if not pa.types.is_string(cells.type) and not pa.types.is_large_string(cells.type):
        return pc.fill_null(cells.cast(pa.string()), "")  # integers: digits only
    cells = cells.cast(pa.string())
    text = pc.replace_substring_regex(cells, CONTROL_CHARACTERS.pattern, "")
    formula = pc.starts_with(text, FORMULA_PREFIXES[0])
    for prefix in FORMULA_PREFIXES[1:]:
        formula = pc.or_(formula, pc.starts_with(text, prefix))
    text = pc.if_else(formula, pc.binary_join_element_wise("'", text, ""), text)
    # the delimiter is ; , or a tab, none of them special inside a regex class
    quote = pc.match_substring_regex(text, "[" + delimiter + '"\\r\\n]')
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.fill_null(pc.if_else(quote, quoted, text), "")


def csv_block(frame: pd.DataFrame, fmt: CsvFormat) -> str:
    """Rows as the CSV's text, each ended by CRLF, joined in Arrow rather than in Python."""
    import pyarrow as pa
    import pyarrow.compute as pc

    columns = csv_columns(frame, fmt)
    if not columns:
        return "\r\n" * len(frame)
    rows = pc.binary_join_element_wise(*columns, fmt.delimiter)
    lines = pc.binary_join_element_wise(rows, pa.scalar(""), "\r\n")
    return _text_of(lines)


def _text_of(strings: Any) -> str:
    """An Arrow string array's values, back to back, as one str (its data buffer)."""
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)[
        strings.offset : strings.offset + len(strings) + 1
    ]
    data: bytes = strings.buffers()[2].to_pybytes()
    return data[offsets[0] : offsets[-1]].decode("utf-8")


def _plain(value: object) -> object:
    """numpy scalars as Python values, so that format_cell knows them."""
    return value.item() if isinstance(value, np.generic) else value


def _quoted(text: str, delimiter: str) -> str:
    """A cell as csv.QUOTE_MINIMAL writes it."""
    if delimiter in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def write_frame_csv(
    frame: pd.DataFrame, dest: Path, dialect: CsvDialect, force: bool = False, lang: str = "en"
) -> None:
    """Write a table as CSV in ``dialect``, atomically; empty cells for missing values.

    The Finnish-Excel dialect is for people, as ``export.write_csv`` writes it: a header
    row in ``lang`` above the ids, words for types and bands, codes as ``KU091``. Rows
    are joined in blocks rather than through csv.writer: the cells are already formatted
    and quoted, and joining is several times faster.
    """
    ensure_writable(dest, force)
    fmt = CSV_FORMATS[dialect]
    people = dialect is CsvDialect.EXCEL_FI
    heads = [[column_label(str(n), lang) for n in frame.columns]] if people else []
    heads.append([str(name) for name in frame.columns])
    if people:
        frame = people_frame(frame, lang)

    def write(handle: IO[Any]) -> None:
        for head in heads:
            handle.write(fmt.delimiter.join(_quoted(neutralise(h), fmt.delimiter) for h in head))
            handle.write("\r\n")
        for start in range(0, len(frame), WRITE_BLOCK):  # bounded memory for a million rows
            handle.write(csv_block(frame.iloc[start : start + WRITE_BLOCK], fmt))

    write_atomic(dest, write, encoding=fmt.encoding, newline="")


def write_frames_xlsx(
    sheets: Sequence[tuple[str, pd.DataFrame]], dest: Path, force: bool = False, lang: str = "en"
) -> None:
    """Write tables as the sheets of one workbook for people, atomically (see
    :mod:`~kuntaprofiili.sheets.workbook_out`)."""
    ensure_writable(dest, force)
    too_long = [len(frame) for _, frame in sheets if len(frame) >= EXCEL_MAX_ROWS - 1]
    if too_long:
        raise OutputFileError("batch.too_many_rows_for_xlsx", path=str(dest), rows=too_long[0])
    data = workbook_bytes([(t, people_frame(f, lang)) for t, f in sheets], lang)
    write_atomic(dest, lambda handle: handle.write(data), binary=True)


class Staging:
    """Outputs written under temporary names beside their targets, renamed into place
    together only when every one is complete: a failed or interrupted run changes no
    earlier file and leaves none half written."""

    def __init__(self) -> None:
        """No outputs yet."""
        self._parts: list[tuple[Path, Path]] = []

    def path(self, dest: Path) -> Path:
        """Where to write what is meant for ``dest``."""
        part = dest.with_name(f".{dest.name}.{os.getpid()}.part")
        self._parts.append((part, dest))
        return part

    def commit(self) -> None:
        """Rename every output into place."""
        for part, dest in self._parts:
            part.replace(dest)
        self._parts.clear()

    def discard(self) -> None:
        """Remove every output written so far."""
        for part, _ in self._parts:
            part.unlink(missing_ok=True)
        self._parts.clear()


@contextmanager
def staged_outputs() -> Iterator[Staging]:
    """A :class:`Staging` committed when the block ends normally, discarded otherwise."""
    staging = Staging()
    try:
        yield staging
        staging.commit()
    except BaseException:
        staging.discard()
        raise
