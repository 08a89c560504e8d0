"""Exports: CSV dialects and safe CSV and JSON writing.

``write_csv`` and ``write_json`` write atomically (the rows come from
:mod:`kuntaprofiili.core.results`). Every text cell goes through :func:`neutralise` so
that a municipality name like ``=HYPERLINK(...)`` is shown as text in Excel, never run as
a formula (OWASP CSV injection); numbers stay numbers.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from kuntaprofiili.files.safeio import ensure_writable, write_atomic
from kuntaprofiili.i18n import message, message_keys

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters a workbook cannot hold (XML 1.0) and a terminal should never get: C0
# controls but tab and newline, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CODE_PREFIX = "KU"  # Statistics Finland's form of a municipality code: KU091
_DIMENSIONS = ("ecological", "social", "economic", "technological", "overall")
_PARTS = ("score", "coverage", "band", "mean", "median", "low", "high")
_PREFILL_PARTS = ("value", "source", "year")


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


def strip_controls(text: str) -> str:
    """The text without control characters (a BEL or ESC copied from somewhere)."""
    return CONTROL_CHARACTERS.sub("", text)


def column_label(name: str, lang: str) -> str:
    """A column's header for people: 'Ekologinen: pisteet' for ``ecological_score``.

    An id without a text of its own is shown as it is.
    """
    if f"export.column.{name}" in message_keys():
        return message(f"export.column.{name}", lang)
    if name.startswith("answer_"):
        return message("export.part.answer", lang, id=name.removeprefix("answer_"))
    head, _, part = name.rpartition("_")
    if head in _DIMENSIONS and part in _PARTS:
        dimension = (
            message("export.part.overall", lang)
            if head == "overall"
            else message(f"dimension.{head}", lang)
        )
        return message(f"export.part.{part}", lang, dimension=dimension)
    if part in _PREFILL_PARTS and head:  # batch --prefill: population_source and the like
        return message(f"export.part.prefill_{part}", lang, id=head)
    if part == "note" and head:  # the evidence columns batch carries over: population_note
        return message("export.part.evidence_note", lang, id=head)
    return name


def value_label(column: str, value: object, lang: str) -> object:
    """A cell's value for people: type and band ids as words; anything else unchanged."""
    if not isinstance(value, str) or not value:
        return value
    if column in ("primary_type", "types", "type"):
        if value == "all":
            return message("export.part.all", lang)
        words = value.split()
        if all(f"type.{w}" in message_keys() for w in words):
            return ", ".join(message(f"type.{w}", lang) for w in words)
    if column == "group" and f"export.group.{value}" in message_keys():
        return message(f"export.group.{value}", lang)
    if column.endswith("_band") and f"band.{value}" in message_keys():
        return message(f"band.{value}", lang)
    return value


def code_for_people(code: object) -> object:
    """A municipality code that Excel and LibreOffice keep as it is: 'KU091', not 91."""
    return f"{CODE_PREFIX}{code}" if isinstance(code, str) and code.isdigit() else code


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
    return neutralise(strip_controls(str(value)))


def for_people(column: str, value: object, lang: str) -> object:
    """A cell as the XLSX and the Finnish-Excel CSV show it: words for ids, codes kept."""
    if column in ("municipality_code", "code"):
        return code_for_people(value)
    return value_label(column, value, lang)


def shown_differently(column: str) -> bool:
    """Whether :func:`for_people` may change a value of this column (the others it
    leaves as they are, so a writer can pass them by)."""
    named = ("municipality_code", "code", "primary_type", "types", "type", "group")
    return column in named or column.endswith("_band")


def write_csv(
    rows: Sequence[Mapping[str, object]],
    dest: Path,
    dialect: CsvDialect = CsvDialect.PLAIN,
    force: bool = False,
    lang: str = "en",
) -> None:
    """Write rows (all with the same keys, in order) as CSV, atomically.

    The Finnish-Excel dialect is for people: a header row in ``lang`` above the row of
    ids, type names and bands as words, codes as ``KU091`` (see README, "Exports").
    """
    ensure_writable(dest, force)
    fmt = CSV_FORMATS[dialect]
    header = list(rows[0]) if rows else []
    people = dialect is CsvDialect.EXCEL_FI

    def write(handle: IO[Any]) -> None:
        writer = csv.writer(handle, delimiter=fmt.delimiter, lineterminator="\r\n")
        if people:
            writer.writerow([neutralise(column_label(h, lang)) for h in header])
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            cells = [for_people(h, row.get(h), lang) if people else row.get(h) for h in header]
            writer.writerow([format_cell(c, fmt.decimal) for c in cells])

    write_atomic(dest, write, encoding=fmt.encoding, newline="")


def write_json(data: object, dest: Path, force: bool = False) -> None:
    """Write JSON (UTF-8, readable) atomically."""
    ensure_writable(dest, force)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    write_atomic(dest, lambda handle: handle.write(text))
