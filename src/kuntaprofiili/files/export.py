"""Exports: CSV dialects and safe CSV and JSON writing.

``write_csv`` and ``write_json`` write atomically (the rows come from
:mod:`kuntaprofiili.core.results`). Every text cell goes through :func:`neutralise` so
that a municipality name like ``=HYPERLINK(...)`` is shown as text in Excel, never run as
a formula (OWASP CSV injection); numbers stay numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from kuntaprofiili.files.safeio import ensure_writable, write_atomic

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class CsvDialect(StrEnum):
    """Plain CSV for machines, or what Finnish Excel opens directly."""

    PLAIN = "plain"  # comma, decimal point, UTF-8
    EXCEL_FI = "excel-fi"  # semicolon, decimal comma, UTF-8 with BOM


@dataclass(frozen=True, slots=True)
class CsvFormat:
    """The concrete separators and encoding of a dialect."""

    delimiter: str
    decimal: str
    encoding: str


CSV_FORMATS = {
    CsvDialect.PLAIN: CsvFormat(",", ".", "utf-8"),
    CsvDialect.EXCEL_FI: CsvFormat(";", ",", "utf-8-sig"),
}


def neutralise(text: str) -> str:
    """Prefix a text that Excel would read as a formula with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def format_cell(value: object, decimal: str = ".") -> str:
    """One CSV cell: numbers with the dialect's decimal mark, texts neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = f"{value:.10g}" if value != int(value) or abs(value) >= 1e15 else str(int(value))
        return text.replace(".", decimal)
    return neutralise(str(value))


def write_csv(
    rows: Sequence[Mapping[str, object]],
    dest: Path,
    dialect: CsvDialect = CsvDialect.PLAIN,
    force: bool = False,
) -> None:
    """Write rows (all with the same keys, in order) as CSV, atomically."""
    ensure_writable(dest, force)
    fmt = CSV_FORMATS[dialect]
    header = list(rows[0]) if rows else []

    def write(handle: IO[Any]) -> None:
        writer = csv.writer(handle, delimiter=fmt.delimiter, lineterminator="\r\n")
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([format_cell(row.get(h), fmt.decimal) for h in header])

    write_atomic(dest, write, encoding=fmt.encoding, newline="")


def write_json(data: object, dest: Path, force: bool = False) -> None:
    """Write JSON (UTF-8, readable) atomically."""
    ensure_writable(dest, force)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomic(dest, lambda handle: handle.write(text))
