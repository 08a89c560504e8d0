"""A batch sheet read whole: every column encoded, then the problems of whole rows.

Cells are checked column by column (:mod:`kuntaprofiili.sheets.columns`); what is wrong
with a row as a whole is found here: nothing in it, no municipality, a municipality the
reference data does not know and no profile facts to classify it by, the same
municipality (and year) twice, or more cells than the sheet has columns. A known
municipality's blank profile facts come later from the reference data; an unknown one is
scored on the facts its row gives.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kuntaprofiili.core.place_search import suggest_municipalities
from kuntaprofiili.core.scoring import BoolArray, FloatArray
from kuntaprofiili.i18n import message
from kuntaprofiili.sheets.columns import (
    YEAR_RANGE,
    Encoded,
    IntArray,
    Layout,
    RowError,
    blank_cells,
    cell_problems,
    encode_column,
    read_years,
)
from kuntaprofiili.sheets.places import Places, resolve_places
from kuntaprofiili.sheets.read import Sheet, any_text

if TYPE_CHECKING:
    from kuntaprofiili.sheets.context import BatchContext


@dataclass(frozen=True, slots=True)
class Cells:
    """The sheet decoded: answers, municipalities, years, and what is wrong where."""

    rows: IntArray  # Excel row numbers
    answers: Mapping[str, Encoded]
    places: Places
    years: FloatArray | None
    empty: BoolArray  # nothing in any cell
    problems: list[RowError]


@dataclass(slots=True)
class Seen:
    """What the earlier blocks of a sheet read in blocks leave for the later ones: the
    numbers given to municipality names the data does not know, and the first row of
    every (municipality, year), so that a duplicate is found whichever block it is in.

    The rows are kept as two sorted integer arrays, not a dict: a million rows cost
    16 MB.
    """

    names: dict[str, int] = field(default_factory=dict)
    keys: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rows: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))

    def first_rows(self, keys: IntArray) -> IntArray:
        """The row each key was first on in an earlier block; -1 where it was not."""
        if not len(self.keys):
            return np.full(len(keys), -1, dtype=np.intp)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.rows[at], -1)

    def add(self, keys: IntArray, rows: IntArray) -> None:
        """Remember keys first seen in this block (distinct, not seen before)."""
        new = self.first_rows(keys) < 0
        merged = np.concatenate([self.keys, keys[new]])
        order = np.argsort(merged, kind="stable")
        self.keys = merged[order]
        self.rows = np.concatenate([self.rows, rows[new]])[order]


def read_cells(
    sheet: Sheet,
    layout: Layout,
    context: BatchContext,
    lang: str,
    step: Callable[[], None],
    seen: Seen | None = None,
) -> Cells:
    """Encode every column at once and collect every bad cell.

    ``seen`` carries what earlier blocks of the same sheet found. (A long sheet is read
    in blocks, so its text is not held whole; dropping each encoded column from the
    frame would cost more than it saves.)
    """
    q, frame = context.questionnaire, sheet.frame
    rows = sheet.row_numbers()
    problems = list(layout.problems)
    answers: dict[str, Encoded] = {}
    empty = np.ones(sheet.rows, dtype=bool)
    for item_id, position in layout.items.items():
        answers[item_id] = encode_column(q.item(item_id), frame[position])
        problems += cell_problems(
            answers[item_id], q.item(item_id), sheet.header[position], rows, lang
        )
        empty &= answers[item_id].blank
        step()
    names = seen.names if seen is not None else None
    places = resolve_places(frame[layout.municipality], context.municipalities, lang, names)
    empty &= places.blank
    for position in layout.unknown:
        if any_text(frame[position]):
            empty &= blank_cells(frame[position])
    years = None
    if layout.year is not None:
        years, bad_years = read_years(frame[layout.year])
        empty &= blank_cells(frame[layout.year])
        problems += _flagged(
            bad_years & ~empty,
            rows,
            sheet,
            layout.year,
            lang,
            "batch.problem.bad_year",
            "batch.expected.year",
        )
    return Cells(rows, answers, places, years, empty, problems)


def _flagged(
    mask: BoolArray,
    rows: IntArray,
    sheet: Sheet,
    position: int,
    lang: str,
    problem: str,
    expected: str,
    **params: Any,
) -> list[RowError]:
    text = message(problem, lang, **params)
    hint = message(expected, lang, **params)
    column = sheet.frame[position]
    return [
        RowError(int(rows[at]), sheet.header[position], str(column.iat[int(at)]), text, hint)
        for at in np.flatnonzero(mask)
    ]


def row_problems(
    cells: Cells,
    sheet: Sheet,
    layout: Layout,
    context: BatchContext,
    lang: str,
    seen: Seen | None = None,
) -> list[RowError]:
    """Problems of whole rows: empty, no municipality, unknown municipality, duplicates
    (also of a row in an earlier block, by ``seen``), more cells than columns."""
    present = ~cells.empty
    places, rows = cells.places, cells.rows
    problems = [
        RowError(
            int(rows[at]),
            "",
            "",
            message("batch.problem.empty_row", lang),
            message("batch.expected.skipped", lang),
            False,
        )
        for at in np.flatnonzero(cells.empty)
    ]
    where = layout.municipality
    problems += _flagged(
        present & places.blank,
        rows,
        sheet,
        where,
        lang,
        "batch.problem.no_municipality",
        "batch.expected.municipality",
    )
    problems += _unknown_places(cells, sheet, layout, context, lang)
    problems += _duplicates(cells, sheet, layout, lang, Seen() if seen is None else seen)
    return problems + _extra_cells(sheet, lang) + _flagged_cells(sheet, lang)


def _unknown_places(
    cells: Cells, sheet: Sheet, layout: Layout, context: BatchContext, lang: str
) -> list[RowError]:
    """An unknown municipality is scored on the row's own profile facts; without any, rejected.

    The closest names are looked up once per distinct unknown name, all in one pass.
    """
    facts = [
        ~cells.answers[i.id].blank
        for i in context.questionnaire.profile_items()
        if i.id in cells.answers
    ]
    given = np.logical_or.reduce(facts) if facts else np.zeros(len(cells.rows), dtype=bool)
    unknown = np.flatnonzero(~cells.empty & ~cells.places.blank & (cells.places.index < 0) & ~given)
    if not len(unknown):
        return []
    names = sheet.frame[layout.municipality].iloc[unknown].astype(str).str.strip()
    which, distinct = pd.factorize(names)
    close = suggest_municipalities(distinct.tolist(), context.municipalities, 3)
    hints = [
        message(
            "batch.expected.unknown_municipality",
            lang,
            close=", ".join(m.name(lang) for m in found) or "-",
        )
        for found in close
    ]
    text = message("batch.problem.unknown_municipality", lang)
    header = sheet.header[layout.municipality]
    return [
        RowError(int(row), header, name, text, hints[at])
        for row, name, at in zip(cells.rows[unknown], names.tolist(), which.tolist(), strict=True)
    ]


def _duplicates(
    cells: Cells, sheet: Sheet, layout: Layout, lang: str, seen: Seen
) -> list[RowError]:
    """The second and later rows of one municipality (and year) are rejected."""
    present = ~cells.empty & ~cells.places.blank
    keys, rows = _row_keys(cells)[present], cells.rows[present]
    distinct, first_at, inverse = np.unique(keys, return_index=True, return_inverse=True)
    earlier = seen.first_rows(keys)
    first = np.where(earlier >= 0, earlier, rows[first_at][inverse.ravel()])
    seen.add(distinct, rows[first_at])
    later = np.flatnonzero(first != rows)
    if not len(later):
        return []
    column = sheet.frame[layout.municipality]
    header = sheet.header[layout.municipality]
    return [
        RowError(
            int(row),
            header,
            str(column.iat[sheet.position(int(row))]),
            message("batch.problem.duplicate", lang, first=int(first_row)),
            message("batch.expected.one_row", lang),
        )
        for row, first_row in zip(rows[later].tolist(), first[later].tolist(), strict=True)
    ]


def _row_keys(cells: Cells) -> IntArray:
    """One integer per row for its (municipality, year): years are 1900-2100 or missing."""
    low, _ = YEAR_RANGE
    years = cells.years if cells.years is not None else np.full(len(cells.rows), np.nan)
    year_code = np.where(np.isnan(years), 0, years - low + 1).astype(np.int64)
    return cells.places.key.astype(np.int64) * 256 + year_code


def _extra_cells(sheet: Sheet, lang: str) -> list[RowError]:
    """A row longer than the header: its cells have likely shifted (a separator inside an
    unquoted value), so no cell of it can be trusted and it is rejected."""
    if not sheet.extra_cells:
        return []
    text = message("batch.problem.extra_cells", lang)
    hint = message("batch.expected.extra_cells", lang, columns=len(sheet.header))
    return [RowError(extra.row, "", extra.text, text, hint) for extra in sheet.extra_cells]


def _flagged_cells(sheet: Sheet, lang: str) -> list[RowError]:
    """Formula cells without a saved value, and cells too long to be an answer."""
    return [
        RowError(
            cell.row,
            sheet.header[cell.column],
            "",
            message(f"sheets.problem.{cell.kind}", lang),
            message(f"sheets.expected.{cell.kind}", lang),
        )
        for cell in sheet.flagged
    ]
