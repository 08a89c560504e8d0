"""``batch --prefill`` and ``template --prefill``: figures from the open-data cache in a sheet.

Batch: every empty cell of a fetched item (a numeric item with a ``fetch`` spec) is
filled with the cached value for its row's municipality *before* the sheet is scored,
so a filled value passes the same checks as a typed one. A value in the sheet always
wins: a cell with anything in it ("en tiedä" too) is left as it is. Columns the sheet
lacks are added. Where a value is filled, its evidence columns ``{item}_source``
(attribution and table or indicator) and ``{item}_year`` (the statistical year) get the
fetched value's, so they reach the results and reports as any evidence written in the
sheet (:mod:`~kuntaprofiili.sheets.evidence`). :func:`mark_results` then adds to the
results ``prefilled`` (the filled item ids, space-separated) and, per item filled in
any row, ``{item}_value``. Everything is done per column and per distinct
municipality, never per cell.

Template: one row per municipality with the cached values in place, and on each filled
cell a note with source, year and date fetched (:func:`prefilled_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from kuntaprofiili.core.model import Item, Questionnaire
from kuntaprofiili.core.municipality import Municipality
from kuntaprofiili.core.numbers import plain_number
from kuntaprofiili.i18n import message
from kuntaprofiili.opendata.cache import CachedValue
from kuntaprofiili.opendata.prefill import fitting_values
from kuntaprofiili.sheets.columns import IntArray, blank_cells, find_layout
from kuntaprofiili.sheets.evidence import evidence_positions
from kuntaprofiili.sheets.places import resolve_places
from kuntaprofiili.sheets.read import Sheet
from kuntaprofiili.sheets.template import (
    MUNICIPALITY,
    Template,
    TemplateCell,
    TemplateColumn,
    evidence_column_of,
    evidence_header,
)

PREFILLED = "prefilled"
_EVIDENCE = ("source", "year")  # the evidence a fetched value comes with


def prefill_items(questionnaire: Questionnaire) -> list[Item]:
    """The items a cache can fill: numeric, with a fetch spec, in questionnaire order."""
    return [item for item in questionnaire.items if item.numeric and item.fetch is not None]


def source_text(value: CachedValue) -> str:
    """Where a value comes from, as one text: 'Lähde: Tilastokeskus (table.px)'."""
    return f"{value.attribution} ({value.source})"


# -- batch --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Filled:
    """What ``prefill_sheet`` filled.

    ``found`` has each distinct municipality code's fitting cached values; ``at`` gives,
    per item and per sheet row (position in the frame), the number of the code in
    ``found`` whose value was filled in, or -1 where nothing was filled.
    """

    numbers: IntArray  # the sheet's row numbers as the spreadsheet program shows them
    items: tuple[str, ...]  # the fillable item ids, in questionnaire order
    found: tuple[Mapping[str, CachedValue], ...]
    at: Mapping[str, IntArray]
    missing: tuple[str, ...]  # municipalities of the sheet that the cache has nothing for

    @property
    def values(self) -> int:
        """How many cells were filled."""
        return int(sum((codes >= 0).sum() for codes in self.at.values()))

    @property
    def rows(self) -> int:
        """How many rows got at least one value."""
        if not self.at:
            return 0
        return int(np.logical_or.reduce([codes >= 0 for codes in self.at.values()]).sum())


def prefill_sheet(
    sheet: Sheet,
    questionnaire: Questionnaire,
    municipalities: Sequence[Municipality],
    cache: dict[str, Any],
    lang: str,
) -> tuple[Sheet, Filled]:
    """The sheet with its empty fetched-item cells filled from ``cache``, and what was filled.

    The cells get the value as a plain number (``1234.5``), which ``batch`` reads as any
    typed number. Rows whose municipality the reference data does not know, and cells
    whose value cannot be read (a formula without a saved value), are left alone.
    """
    layout = find_layout(sheet, questionnaire, lang)
    places = resolve_places(sheet.frame[layout.municipality], municipalities, lang)
    place_codes, distinct = pd.factorize(pd.Series(places.codes, dtype=object))
    found = tuple(fitting_values(questionnaire, cache, str(code)) for code in distinct)
    _, first = np.unique(place_codes, return_index=True)
    first = first[-len(distinct) :] if len(distinct) else first[:0]  # without code -1
    missing = tuple(
        municipalities[int(places.index[row])].name(lang)
        for row, values in zip(first, found, strict=True)
        if not values
    )
    frame = sheet.frame.copy(deep=False)
    header = list(sheet.header)
    items = prefill_items(questionnaire)
    evidence = evidence_positions(sheet.header, questionnaire)
    at: dict[str, IntArray] = {}
    for item in items:
        texts_by_code = np.array(
            [plain_number(v[item.id].value) if item.id in v else None for v in found] + [None],
            dtype=object,
        )
        fills = texts_by_code[place_codes]  # code -1 (no municipality): the None at the end
        if not any(v is not None for v in texts_by_code):
            continue
        position = _position(frame, header, layout.items.get(item.id), item.id)
        empty = blank_cells(frame[position]) & _readable(sheet, position)
        fill = empty & np.array([v is not None for v in fills], dtype=bool)
        if not fill.any():
            continue
        _fill(frame, position, fill, fills)
        for part, texts in zip(_EVIDENCE, _evidence_by_code(found, item.id), strict=True):
            name = evidence_header(item.id, part)
            where = _position(frame, header, evidence.get((item.id, part)), name)
            _fill(frame, where, fill, texts[place_codes])
        at[item.id] = np.where(fill, place_codes, -1).astype(np.intp)
    filled = replace(sheet, header=tuple(header), frame=frame)
    return filled, Filled(
        sheet.row_numbers(), tuple(i.id for i in items), found, at, tuple(sorted(set(missing)))
    )


def _position(frame: pd.DataFrame, header: list[str], position: int | None, name: str) -> int:
    """``position``, or that of a new empty column ``name`` added to the sheet."""
    if position is not None:
        return position
    header.append(name)
    frame[len(header) - 1] = pd.Series("", index=frame.index, dtype=object)
    return len(header) - 1


def _fill(frame: pd.DataFrame, position: int, fill: Any, texts: Any) -> None:
    """The cells of a column where ``fill`` is set get ``texts`` there."""
    column = frame[position].to_numpy(dtype=object, copy=True)
    column[fill] = texts[fill]
    frame[position] = pd.Series(column, index=frame.index, dtype=object)


def _evidence_by_code(found: Sequence[Mapping[str, CachedValue]], item_id: str) -> list[Any]:
    """Per municipality code (and a last None for none), the fetched value's source and
    year texts: what is written in the evidence columns where the value is filled."""
    none = (None, None)
    texts = [evidence_texts(v[item_id]) if item_id in v else none for v in found] + [none]
    return [np.array([t[k] for t in texts], dtype=object) for k in range(len(_EVIDENCE))]


def _readable(sheet: Sheet, position: int) -> Any:
    """False for the cells of a column that were flagged unreadable when read."""
    ok = np.ones(sheet.rows, dtype=bool)
    for cell in sheet.flagged:
        if cell.column == position:
            ok[sheet.position(cell.row)] = False
    return ok


def mark_results(results: pd.DataFrame, filled: Filled) -> pd.DataFrame:
    """The results with ``prefilled`` and, per filled item, its value.

    The source and year came into the sheet's evidence columns with the value
    (:func:`prefill_sheet`) and are in the results with all evidence. Results rows are
    matched to the sheet's rows by their ``row`` number.
    """
    out = results.copy()
    positions = np.searchsorted(filled.numbers, results["row"].to_numpy(dtype=np.intp))
    used = [item for item in filled.items if item in filled.at]
    taken = {item: filled.at[item][positions] for item in used}
    out[PREFILLED] = _ids_per_row(used, taken, len(results))
    for item in used:
        codes = taken[item]  # -1 (not filled) takes the missing value at the end
        got = [v.get(item) for v in filled.found]
        values = np.array([g.value if g else np.nan for g in got] + [np.nan], dtype=float)
        out[f"{item}_value"] = values[codes]
    return out


def _ids_per_row(items: Sequence[str], taken: Mapping[str, IntArray], rows: int) -> Any:
    """Each row's filled item ids as text, built once per distinct combination."""
    if not items:
        return np.full(rows, "", dtype=object)
    bits = np.zeros(rows, dtype=np.int64)
    for bit, item in enumerate(items):
        bits |= (taken[item] >= 0).astype(np.int64) << bit
    codes, combos = pd.factorize(bits)
    texts = [
        " ".join(item for bit, item in enumerate(items) if int(combo) >> bit & 1)
        for combo in combos
    ]
    return np.array(texts, dtype=object)[codes]


# -- template -----------------------------------------------------------------------------


def prefilled_template(
    template: Template,
    questionnaire: Questionnaire,
    places: Sequence[Municipality],
    cache: dict[str, Any],
) -> Template:
    """``template`` with one row per municipality in ``places`` that the cache has values
    for: its name in the template's language, and each cached value with a note."""
    lang = template.lang
    headers = [column.header for column in template.columns]
    ids = {item.id for item in prefill_items(questionnaire)}
    evidence = {c.header: evidence_column_of(c.header, ids) for c in template.columns}
    rows: list[tuple[TemplateCell | None, ...]] = []
    for place in places:
        values = {
            k: v for k, v in fitting_values(questionnaire, cache, place.code).items() if k in ids
        }
        if not values:
            continue
        cells: list[TemplateCell | None] = []
        for header in headers:
            if header == MUNICIPALITY:
                cells.append(TemplateCell(place.name(lang)))
            elif header in values:
                got = values[header]
                note = cell_note(got, lang)
                cells.append(TemplateCell(got.value, note, got.attribution, got.year))
            else:
                cells.append(_evidence_cell(evidence[header], values))
        rows.append(tuple(cells))
    columns = tuple(
        _noted(column, [row[at] for row in rows], lang)
        for at, column in enumerate(template.columns)
    )
    return replace(template, columns=columns, rows=tuple(rows))


def _evidence_cell(
    column: tuple[str, str] | None, values: Mapping[str, CachedValue]
) -> TemplateCell | None:
    """A fetched value's source or year in its evidence column, as ``batch --prefill``
    writes them (:func:`evidence_texts`); None for any other column."""
    if column is None or column[0] not in values or column[1] not in _EVIDENCE:
        return None
    source, year = evidence_texts(values[column[0]])
    return TemplateCell(source if column[1] == "source" else float(year))


def evidence_texts(value: CachedValue) -> tuple[str, str]:
    """A fetched value's evidence: its source text and its statistical year."""
    return source_text(value), str(value.year)


def _noted(
    column: TemplateColumn, cells: Sequence[TemplateCell | None], lang: str
) -> TemplateColumn:
    """A prefilled column's question text with the sources and years of its values."""
    notes = [c for c in cells if c is not None and c.source]
    if not notes:
        return column
    sources = ", ".join(dict.fromkeys(c.source for c in notes))
    years = sorted({c.year for c in notes})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    note = message("prefill.column_note", lang, sources=sources, years=span)
    return replace(column, description=f"{column.description}. {note}")


def cell_note(value: CachedValue, lang: str) -> str:
    """A filled cell's note: source, statistical year, date fetched, and to check it."""
    return message(
        "prefill.cell_note",
        lang,
        source=source_text(value),
        year=value.year,
        fetched=value.fetched[:10],
    )
