"""The evidence columns of a batch sheet: ``{item}_source``, ``{item}_year``, ``{item}_note``.

What an answers file keeps under ``evidence`` (:mod:`kuntaprofiili.core.evidence`), a
sheet keeps in columns beside the answers; the template writes them
(:mod:`~kuntaprofiili.sheets.template`), any of them may be missing, and they are never
unknown columns. Each column is read at once, once per distinct text, through the same
rules as an answers file: texts through ``clean_text`` (controls removed, at most 500
characters, a longer one noticed), years through ``is_year`` (a bad one rejects its row)
and a figure's source without a year through ``missing_year`` (rejects the row too).
The results get the evidence columns that hold anything, under their canonical names;
the JSON and the reports turn a result row back into :class:`Evidence` (:func:`evidence_of`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kuntaprofiili.core.evidence import MAX_TEXT, Evidence, clean_text, is_year, missing_year
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.core.numbers import parse_number
from kuntaprofiili.core.scoring import BoolArray
from kuntaprofiili.core.text import fold
from kuntaprofiili.i18n import message
from kuntaprofiili.sheets.columns import RowError, blank_cells
from kuntaprofiili.sheets.read import Sheet, any_text
from kuntaprofiili.sheets.template import evidence_column_of, evidence_header

PARTS = ("source", "year", "note")  # the order of an item's columns in the results
_SHOWN = 60  # characters of a too long text shown in its notice


@dataclass(frozen=True, slots=True)
class SheetEvidence:
    """The sheet's evidence, one array per column in sheet row order.

    ``columns`` maps a results column (``ghg_per_capita_year``) to its cleaned values:
    texts or None, years as nullable integers.
    """

    columns: Mapping[str, Any]
    blank: BoolArray  # rows with no evidence cell filled
    problems: tuple[RowError, ...]


def evidence_positions(header: Sequence[str], questionnaire: Questionnaire) -> dict[Any, int]:
    """(item id, part) -> the position of its column; a repeated one's first column."""
    ids = {item.id for item in questionnaire.items}
    found: dict[Any, int] = {}
    for position, name in enumerate(header):
        key = evidence_column_of(fold(name), ids)
        if key is not None:
            found.setdefault(key, position)
    return found


def evidence_columns(questionnaire: Questionnaire) -> list[str]:
    """Every evidence column a results table may have, in the order it has them."""
    return [evidence_header(item.id, part) for item in questionnaire.items for part in PARTS]


def read_evidence(sheet: Sheet, questionnaire: Questionnaire, lang: str) -> SheetEvidence:
    """Every evidence column of ``sheet`` read and checked, column by column."""
    positions = evidence_positions(sheet.header, questionnaire)
    blank = np.ones(sheet.rows, dtype=bool)
    columns: dict[str, Any] = {}
    problems: list[RowError] = []
    for item in questionnaire.items:
        filled: dict[str, BoolArray] = {}
        for part in PARTS:
            position = positions.get((item.id, part))
            if position is None:
                continue
            texts = sheet.frame[position]
            if not any_text(texts):  # most evidence columns of a sheet are left empty
                filled[part] = np.zeros(sheet.rows, dtype=bool)
                continue
            filled[part] = ~blank_cells(texts)
            blank &= ~filled[part]
            name = evidence_header(item.id, part)
            if part == "year":
                columns[name], bad = _years(texts)
                found = _Found(bad, "evidence.batch.bad_year", "evidence.batch.expected_year")
            else:
                columns[name], long = _texts(texts)
                found = _Found(
                    long, "evidence.batch.too_long", "evidence.batch.expected_short", rejects=False
                )
            problems += found.errors(sheet, position, lang)
        if "source" in filled:
            missing = _Found(
                _missing_years(item.numeric, filled),
                "evidence.batch.year_missing",
                "evidence.batch.expected_year_column",
                column=evidence_header(item.id, "year"),
            )
            problems += missing.errors(sheet, positions[(item.id, "source")], lang)
    return SheetEvidence(columns, blank, tuple(problems))


def _texts(texts: pd.Series) -> tuple[Any, BoolArray]:
    """Notes or sources as kept (None when empty), and which were cut to MAX_TEXT."""
    codes, uniques = pd.factorize(texts)
    full = [clean_text(u, None) for u in uniques.tolist()]
    kept = np.array([t[:MAX_TEXT] or None for t in full] + [None], dtype=object)
    long = np.array([len(t) > MAX_TEXT for t in full] + [False], dtype=bool)
    return kept[codes], long[codes]


def _years(texts: pd.Series) -> tuple[Any, BoolArray]:
    """Years as nullable integers (missing when empty or bad), and which are bad."""
    codes, uniques = pd.factorize(texts)
    years: list[int | None] = []
    bad: list[bool] = []
    for text in uniques.tolist():
        number = parse_number(text) if text.strip() else None
        year = int(number) if number is not None and is_year(number) else None
        years.append(year)
        bad.append(year is None and bool(text.strip()))
    found = pd.array([*years, None], dtype="Int64")
    return found.take(codes), np.array([*bad, False], dtype=bool)[codes]


def _missing_years(numeric: bool, filled: Mapping[str, BoolArray]) -> BoolArray:
    """Rows whose source is given without a year, by ``missing_year`` applied once to
    each of the four (source, year) combinations."""
    table = np.array(
        [
            [missing_year(numeric, source, year) for year in (False, True)]
            for source in (False, True)
        ]
    )
    source = filled["source"]
    year = filled.get("year", np.zeros(len(source), dtype=bool))
    return table[source.astype(np.intp), year.astype(np.intp)]


@dataclass(frozen=True, slots=True)
class _Found:
    """Cells of one column with one problem, and the message keys that say it."""

    mask: BoolArray
    problem: str
    expected: str
    rejects: bool = True
    column: str = ""  # for ``expected_year_column``

    def errors(self, sheet: Sheet, position: int, lang: str) -> list[RowError]:
        """A RowError per cell, with the row number and header the official sees."""
        at = np.flatnonzero(self.mask)
        if not len(at):
            return []
        params = {"limit": MAX_TEXT, "column": self.column}
        text = message(self.problem, lang, **params)
        hint = message(self.expected, lang, **params)
        rows, header, cells = sheet.row_numbers(), sheet.header[position], sheet.frame[position]
        return [
            RowError(int(rows[a]), header, _shown(str(cells.iat[a])), text, hint, self.rejects)
            for a in at.tolist()
        ]


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


# -- into the results, and back out of them ------------------------------------------------


def with_evidence(results: pd.DataFrame, evidence: SheetEvidence, keep: BoolArray) -> pd.DataFrame:
    """The results with every evidence column that holds anything in a scored row."""
    data = {}
    for name, values in evidence.columns.items():
        kept = values[keep]
        if pd.notna(kept).any():
            data[name] = kept
    return results.assign(**data) if data else results


def evidence_keys(columns: Iterable[object], questionnaire: Questionnaire) -> list[Any]:
    """(column, item id, part) for each evidence column among a results table's columns."""
    ids = {item.id for item in questionnaire.items}
    keys = []
    for column in columns:
        key = evidence_column_of(str(column), ids)
        if key is not None:
            keys.append((column, *key))
    return keys


def evidence_of(record: Mapping[Any, Any], keys: Sequence[Any]) -> dict[str, Evidence]:
    """A result row's evidence per item, as ``assess`` has it for an answers file."""
    parts: dict[str, dict[str, Any]] = {}
    for column, item_id, part in keys:
        value = record.get(column)
        if value is not None and not pd.isna(value) and value != "":
            parts.setdefault(item_id, {})[part] = int(value) if part == "year" else str(value)
    return {item_id: Evidence(**found) for item_id, found in parts.items()}


def evidence_records(results: pd.DataFrame, questionnaire: Questionnaire) -> list[dict[str, Any]]:
    """Each result row's ``evidence`` block for the JSON: the answers file's form."""
    keys = evidence_keys(results.columns, questionnaire)
    if not keys:
        return [{} for _ in range(len(results))]
    frame = results[[column for column, _, _ in keys]]
    return [
        {item_id: e.to_mapping() for item_id, e in evidence_of(record, keys).items()}
        for record in frame.to_dict("records")
    ]
