"""The columns of a batch sheet: which holds what, and what each cell of a column means.

Each column is encoded at once: its distinct texts are read once each, through
``answers.coerce_answer`` (the one place that decides what a written answer means) or, for
plain numbers, a vectorised path that agrees with it exactly; the codes are then spread
back over the rows with one ``take``. A bad cell becomes a :class:`RowError` with the row
number Excel shows.

A cell's meaning: empty is "not answered" (as an item missing from an answers file);
"en tiedä", "vet ej", "don't know" are "don't know". Both leave the item out of the score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kuntaprofiili.core.answers import coerce_answer, expected_text
from kuntaprofiili.core.model import Item, Questionnaire
from kuntaprofiili.core.numbers import parse_number
from kuntaprofiili.core.scoring import BoolArray, FloatArray, encode_value
from kuntaprofiili.core.text import fold
from kuntaprofiili.errors import AnswerError, InputFileError
from kuntaprofiili.i18n import message
from kuntaprofiili.sheets.read import Sheet
from kuntaprofiili.sheets.template import (
    MUNICIPALITY,
    MUNICIPALITY_HEADERS,
    YEAR,
    YEAR_HEADERS,
    evidence_column_of,
)

IntArray = np.ndarray[Any, np.dtype[np.intp]]

YEAR_RANGE = (1900, 2100)
_SPACES = ("\u00a0", "\u202f", " ")  # thousands separators parse_number accepts


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the sheet, as the official will look it up in Excel."""

    row: int  # the row number Excel shows; 1 is the header
    column: str  # the header as written; "" for a whole row
    value: str
    problem: str  # what is wrong, in the run's language
    expected: str  # what would be right
    rejects: bool = True  # False for a notice (unknown column, empty row)


# -- the columns of the sheet ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """Which column holds what; positions index ``Sheet.frame``."""

    municipality: int
    year: int | None
    items: Mapping[str, int]  # item id -> position
    unknown: tuple[int, ...]
    problems: tuple[RowError, ...]


def find_layout(sheet: Sheet, questionnaire: Questionnaire, lang: str) -> Layout:
    """Match headers to the questionnaire; unknown, repeated and missing ones are noticed."""
    ids = {item.id for item in questionnaire.items}
    found: dict[str, int] = {}
    unknown: list[int] = []
    problems: list[RowError] = []
    for position, header in enumerate(sheet.header):
        name = _column_name(fold(header), ids)
        if name is None and evidence_column_of(fold(header), ids) is not None:
            continue  # a source, year or note: sheets.evidence reads it
        if name is None:
            unknown.append(position)
            problems.append(
                _header_notice(
                    lang, header, "batch.problem.unknown_column", "batch.expected.expected_column"
                )
            )
        elif name in found:
            first = sheet.header[found[name]]
            problems.append(
                _header_notice(
                    lang,
                    header,
                    "batch.problem.duplicate_column",
                    "batch.expected.first_column_used",
                    first=first,
                )
            )
        else:
            found[name] = position
    if MUNICIPALITY not in found:
        headers = ", ".join(h for h in sheet.header if h) or "-"
        raise InputFileError("batch.no_municipality_column", path=sheet.source, headers=headers)
    problems += _missing_columns(questionnaire, found, lang)
    items = {key: pos for key, pos in found.items() if key in ids}
    return Layout(found[MUNICIPALITY], found.get(YEAR), items, tuple(unknown), tuple(problems))


def _column_name(header: str, ids: set[str]) -> str | None:
    if header in MUNICIPALITY_HEADERS:
        return MUNICIPALITY
    if header in YEAR_HEADERS:
        return YEAR
    return header if header in ids else None


def _header_notice(lang: str, header: str, problem: str, expected: str, **params: Any) -> RowError:
    return RowError(
        1,
        header,
        header,
        message(problem, lang, **params),
        message(expected, lang, **params),
        rejects=False,
    )


def _missing_columns(
    questionnaire: Questionnaire, found: Mapping[str, int], lang: str
) -> list[RowError]:
    missing = [item.id for item in questionnaire.scored_items() if item.id not in found]
    if not missing:
        return []
    text = message("batch.problem.missing_columns", lang)
    return [
        RowError(
            1, "", ", ".join(missing), text, message("batch.expected.all_columns", lang), False
        )
    ]


# -- encoding one column -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Encoded:
    """One item's column as :func:`scoring.score_columns` wants it, plus its bad cells."""

    values: FloatArray  # choice index or number; NaN: empty, don't know or bad
    blank: BoolArray  # an empty cell: not answered at all
    bad: tuple[tuple[int, str, str], ...]  # (position, text, message key of what is wrong)


def encode_column(item: Item, texts: pd.Series) -> Encoded:
    """Encode a column of written answers; each distinct text is read once."""
    codes, index = pd.factorize(texts)
    uniques = index.tolist()
    values = (
        _plain_numbers(item, uniques)
        if item.indicator is not None
        else np.full(len(uniques), np.nan)
    )
    blank = np.zeros(len(uniques), dtype=bool)
    problems: dict[int, str] = {}
    for position in np.flatnonzero(np.isnan(values)):
        text = uniques[position]
        if not text.strip():
            blank[position] = True
            continue
        try:
            values[position] = encode_value(item, coerce_answer(item, text))
        except AnswerError as error:
            problems[int(position)] = error.key
    bad: tuple[tuple[int, str, str], ...] = ()
    if problems:
        at = np.flatnonzero(np.isin(codes, list(problems)))
        bad = tuple((int(a), uniques[codes[a]], problems[int(codes[a])]) for a in at)
    return Encoded(values[codes], blank[codes], bad)


def _plain_numbers(item: Item, uniques: Sequence[str]) -> FloatArray:
    """Plain numbers within the item's range, vectorised; NaN for anything else.

    Runs the one parser once per distinct text, so wherever this gives a number,
    ``coerce_answer`` gives the same one; the rest goes through coerce_answer.
    """
    assert item.indicator is not None
    out = np.full(len(uniques), np.nan)
    if not uniques:
        return out
    parsed = [parse_number(text) for text in uniques]
    out[:] = [np.nan if number is None else number for number in parsed]
    inside = (out >= item.indicator.min) & (out <= item.indicator.max)
    return np.where(inside, out, np.nan)


def cell_problems(
    encoded: Encoded, item: Item, header: str, rows: IntArray, lang: str
) -> list[RowError]:
    """A RowError for every bad cell of an encoded column."""
    expected = expected_text(item, lang)
    texts = {
        key: message(_PROBLEMS.get(key, "batch.problem.invalid"), lang) for _, _, key in encoded.bad
    }
    return [
        RowError(int(rows[at]), header, text, texts[key], expected) for at, text, key in encoded.bad
    ]


_PROBLEMS = {
    "answer.out_of_range": "batch.problem.out_of_range",
    "answer.dont_know_not_allowed": "batch.problem.dont_know_not_allowed",
}


# -- years and blank cells ---------------------------------------------------------------


def read_years(texts: pd.Series) -> tuple[FloatArray, BoolArray]:
    """Years as numbers (NaN when empty) and which cells are not a year."""
    codes, uniques = pd.factorize(texts)
    years = np.full(len(uniques), np.nan)
    bad = np.zeros(len(uniques), dtype=bool)
    for at, text in enumerate(uniques.tolist()):
        if text.strip():
            number = parse_number(text)
            low, high = YEAR_RANGE
            ok = number is not None and number.is_integer() and low <= number <= high
            years[at], bad[at] = (number, False) if ok else (np.nan, True)
    return years[codes], bad[codes]


def blank_cells(texts: pd.Series) -> BoolArray:
    """Which cells are empty or only spaces."""
    codes, uniques = pd.factorize(texts)
    empty = np.array([not u.strip() for u in uniques.tolist()], dtype=bool)
    return empty[codes] if len(uniques) else np.ones(len(texts), dtype=bool)
