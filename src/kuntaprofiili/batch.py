"""Batch: a sheet of many municipalities in, validated, scored, classified and ranked.

The sheet's cells are text (see ``tabular``). Each column is encoded at once: its
distinct texts are read once each, through ``answers.coerce_answer`` (the one place that
decides what a written answer means) or, for plain numbers, a vectorised path that
agrees with it exactly; the codes are then spread back over the rows with one ``take``.
Bad cells become :class:`RowError` with the row number Excel shows. The valid rows go
through the same ``scoring.score_columns`` as a single assessment, so a row's scores
equal ``assess --answers`` for the same answers. Classification and suggested measures
are not done row by row either: a type once per distinct (municipality, profile facts),
and the measures of ``advice.suggest_measures`` ranked for all rows at once with numpy,
so a million rows stay fast.

A cell's meaning: empty is "not answered" (as an item missing from an answers file; a
known municipality's profile facts then come from the reference data); "en tiedä",
"vet ej", "don't know" are "don't know". Both leave the item out of the score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kuntaprofiili.advice import DONE_SCORE, UNKNOWN_SCORE
from kuntaprofiili.answers import _NUMBER, coerce_answer, expected_text, fold, parse_number
from kuntaprofiili.errors import AnswerError, InputFileError
from kuntaprofiili.i18n import message
from kuntaprofiili.model import DONT_KNOW, Dimension, Item, MunicipalityType, Questionnaire
from kuntaprofiili.municipalities import Municipality, fold_name, search_municipalities
from kuntaprofiili.scoring import (
    BAND_LIMITS,
    Band,
    FloatArray,
    ScoreTable,
    encode_value,
    score_columns,
)
from kuntaprofiili.tabular import Sheet
from kuntaprofiili.template import MUNICIPALITY, MUNICIPALITY_HEADERS, YEAR, YEAR_HEADERS

if TYPE_CHECKING:
    from kuntaprofiili.advice import Content
    from kuntaprofiili.classify import Classification

BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
IntArray = np.ndarray[Any, np.dtype[np.intp]]
Progress = Callable[[int, int], None]  # (steps done, steps in all)

YEAR_RANGE = (1900, 2100)
DEFAULT_MEASURES = 3
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


@dataclass(frozen=True, slots=True)
class BatchContext:
    """What every row is scored against."""

    questionnaire: Questionnaire
    municipalities: tuple[Municipality, ...]
    content: Content | None = None  # None: no suggested measures
    measures: int = DEFAULT_MEASURES


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """The scored rows, the summary by type, and every problem found."""

    results: pd.DataFrame  # one row per scored municipality (see README, "batch")
    summary: pd.DataFrame  # count, mean and median per dimension, by primary type
    problems: tuple[RowError, ...]
    rows_read: int
    table: ScoreTable  # the scores behind ``results``, row for row
    types: tuple[tuple[MunicipalityType, ...], ...] = field(repr=False)
    measures: tuple[tuple[tuple[str, str], ...], ...] = field(repr=False)  # (id, title)

    @property
    def rows_rejected(self) -> int:
        """How many rows were left out because of a bad cell."""
        return len({p.row for p in self.problems if p.rejects})


def load_batch_context(
    questionnaire_path: Any = None, measures: int = DEFAULT_MEASURES
) -> BatchContext:
    """Read the questionnaire (the default one if None), reference data and measures."""
    from kuntaprofiili.municipalities import load_municipalities
    from kuntaprofiili.questionnaire import load_questionnaire
    from kuntaprofiili.resources import default_questionnaire

    questionnaire = load_questionnaire(questionnaire_path or default_questionnaire())
    content = None
    if measures > 0:
        from kuntaprofiili.advice import load_content

        content = load_content()
    return BatchContext(questionnaire, load_municipalities(), content, measures)


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
        if name is None:
            unknown.append(position)
            problems.append(_header_notice(lang, header, "unknown_column", "expected_column"))
        elif name in found:
            first = sheet.header[found[name]]
            problems.append(
                _header_notice(lang, header, "duplicate_column", "first_column_used", first=first)
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
        message(f"batch.problem.{problem}", lang, **params),
        message(f"batch.expected.{expected}", lang, **params),
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

    Uses parse_number's own pattern and Python's float(), so wherever this gives a
    number, ``coerce_answer`` gives the same one; the rest goes through coerce_answer.
    """
    assert item.indicator is not None
    out = np.full(len(uniques), np.nan)
    if not uniques:
        return out
    texts = pd.Series(uniques, dtype=object).str.strip().str.rstrip("%").str.strip()
    plain = texts.str.fullmatch(_NUMBER.pattern).to_numpy(dtype=bool)
    cleaned = texts[plain]
    for space in _SPACES:
        cleaned = cleaned.str.replace(space, "", regex=False)
    out[plain] = cleaned.str.replace(",", ".", regex=False).to_numpy(dtype=object).astype(float)
    inside = (out >= item.indicator.min) & (out <= item.indicator.max)
    return np.where(inside, out, np.nan)


def cell_problems(
    encoded: Encoded, item: Item, header: str, rows: IntArray, lang: str
) -> list[RowError]:
    """A RowError for every bad cell of an encoded column."""
    expected = expected_text(item, lang)
    texts = {
        key: message(f"batch.problem.{_PROBLEMS.get(key, 'invalid')}", lang)
        for _, _, key in encoded.bad
    }
    return [
        RowError(int(rows[at]), header, text, texts[key], expected) for at, text, key in encoded.bad
    ]


_PROBLEMS = {
    "answer.out_of_range": "out_of_range",
    "answer.dont_know_not_allowed": "dont_know_not_allowed",
}


# -- municipality and year ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Places:
    """Each row's municipality: found in the reference data or as written."""

    index: IntArray  # position in the reference data; -1 when not found or empty
    key: IntArray  # the same number for the same municipality (duplicates); -1 when empty
    names: np.ndarray[
        Any, np.dtype[np.object_]
    ]  # official name in the run's language, else as written
    codes: np.ndarray[Any, np.dtype[np.object_]]  # official code, else None

    @property
    def blank(self) -> BoolArray:
        """Rows without a municipality."""
        return self.key < 0


def resolve_places(texts: pd.Series, municipalities: Sequence[Municipality], lang: str) -> Places:
    """Look every distinct name or code up once in the reference data."""
    lookup = place_index(municipalities)
    codes, uniques = pd.factorize(texts)
    index = np.full(len(uniques), -1, dtype=np.intp)
    key = np.full(len(uniques), -1, dtype=np.intp)
    names = np.empty(len(uniques), dtype=object)
    official = np.full(len(uniques), None, dtype=object)
    unknown: dict[str, int] = {}
    for at, text in enumerate(u.strip() for u in uniques.tolist()):
        found = find_place(lookup, text) if text else None
        names[at] = municipalities[found].name(lang) if found is not None else text
        if found is not None:
            index[at] = key[at] = found
            official[at] = municipalities[found].code
        elif text:
            key[at] = len(municipalities) + unknown.setdefault(_fold_name(text), len(unknown))
    return Places(index[codes], key[codes], names[codes], official[codes])


def place_index(municipalities: Sequence[Municipality]) -> dict[str, int]:
    """Every code and folded fi/sv/en name -> position, as ``find_municipality`` matches.

    One dict lookup per distinct name instead of a scan of all 308 municipalities.
    """
    index: dict[str, int] = {}
    for at, m in enumerate(municipalities):
        for key in (m.code, fold_name(m.name_fi), fold_name(m.name_sv), fold_name(m.name_en)):
            index.setdefault(key, at)
    return index


def find_place(index: Mapping[str, int], text: str) -> int | None:
    """A municipality's position by code ('49' is '049') or name; None if unknown."""
    query = text.strip()
    if query.isdigit() and len(query) <= 3:
        return index.get(query.zfill(3))
    return index.get(_fold_name(query))


def _fold_name(text: str) -> str:
    """``municipalities.fold_name``, with a short cut: plain ASCII only needs lower()."""
    return text.strip().lower() if text.isascii() else fold_name(text)


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


# -- the whole sheet ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cells:
    """The sheet decoded: answers, municipalities, years, and what is wrong where."""

    rows: IntArray  # Excel row numbers
    answers: Mapping[str, Encoded]
    places: Places
    years: FloatArray | None
    empty: BoolArray  # nothing in any cell
    problems: list[RowError]


def read_cells(
    sheet: Sheet, layout: Layout, context: BatchContext, lang: str, step: Callable[[], None]
) -> Cells:
    """Encode every column at once and collect every bad cell.

    Consumes the sheet's answer columns: each is dropped from ``sheet.frame`` once
    encoded, so the text of a million rows is not kept twice.
    """
    q, frame = context.questionnaire, sheet.frame
    rows = sheet.first_row + np.arange(sheet.rows, dtype=np.intp)
    problems = list(layout.problems)
    answers: dict[str, Encoded] = {}
    empty = np.ones(sheet.rows, dtype=bool)
    for item_id, position in layout.items.items():
        answers[item_id] = encode_column(q.item(item_id), frame[position])
        del frame[position]  # the texts are no longer needed: a million rows fit in memory
        problems += cell_problems(
            answers[item_id], q.item(item_id), sheet.header[position], rows, lang
        )
        empty &= answers[item_id].blank
        step()
    places = resolve_places(frame[layout.municipality], context.municipalities, lang)
    empty &= places.blank
    for position in layout.unknown:
        empty &= blank_cells(frame[position])
    years = None
    if layout.year is not None:
        years, bad_years = read_years(frame[layout.year])
        empty &= blank_cells(frame[layout.year])
        problems += _flagged(bad_years & ~empty, rows, sheet, layout.year, lang, "bad_year", "year")
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
    text = message(f"batch.problem.{problem}", lang, **params)
    hint = message(f"batch.expected.{expected}", lang, **params)
    column = sheet.frame[position]
    return [
        RowError(int(rows[at]), sheet.header[position], str(column.iat[int(at)]), text, hint)
        for at in np.flatnonzero(mask)
    ]


def row_problems(
    cells: Cells, sheet: Sheet, layout: Layout, context: BatchContext, lang: str
) -> list[RowError]:
    """Problems of whole rows: empty, no municipality, unknown municipality, duplicates."""
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
        present & places.blank, rows, sheet, where, lang, "no_municipality", "municipality"
    )
    problems += _unknown_places(cells, sheet, layout, context, lang)
    problems += _duplicates(cells, sheet, layout, lang)
    return problems


def _unknown_places(
    cells: Cells, sheet: Sheet, layout: Layout, context: BatchContext, lang: str
) -> list[RowError]:
    """An unknown municipality is scored on the row's own profile facts; without any, rejected.

    The closest names are looked up once per distinct unknown name.
    """
    facts = [
        ~cells.answers[i.id].blank
        for i in context.questionnaire.profile_items()
        if i.id in cells.answers
    ]
    given = np.logical_or.reduce(facts) if facts else np.zeros(len(cells.rows), dtype=bool)
    unknown = ~cells.empty & ~cells.places.blank & (cells.places.index < 0) & ~given
    column = sheet.frame[layout.municipality]
    text = message("batch.problem.unknown_municipality", lang)
    hints: dict[str, str] = {}
    problems = []
    for at in np.flatnonzero(unknown):
        name = str(column.iat[int(at)]).strip()
        if name not in hints:
            close = search_municipalities(name, context.municipalities, 3)
            names = ", ".join(m.name(lang) for m in close) or "-"
            hints[name] = message("batch.expected.unknown_municipality", lang, close=names)
        problems.append(
            RowError(
                int(cells.rows[at]), sheet.header[layout.municipality], name, text, hints[name]
            )
        )
    return problems


def _duplicates(cells: Cells, sheet: Sheet, layout: Layout, lang: str) -> list[RowError]:
    """The second and later rows of one municipality (and year) are rejected."""
    keys = pd.DataFrame({"place": cells.places.key, "row": cells.rows})
    keys["year"] = cells.years if cells.years is not None else 0.0
    keys = keys[~cells.empty & ~cells.places.blank]
    later = keys.duplicated(["place", "year"], keep="first")
    if not later.any():
        return []
    first = keys.groupby(["place", "year"], dropna=False)["row"].transform("first")
    column = sheet.frame[layout.municipality]
    header = sheet.header[layout.municipality]
    return [
        RowError(
            int(row),
            header,
            str(column.iat[int(row) - sheet.first_row]),
            message("batch.problem.duplicate", lang, first=int(first_row)),
            message("batch.expected.one_row", lang),
        )
        for row, first_row in zip(keys["row"][later], first[later], strict=True)
    ]


# -- classification, once per distinct profile -------------------------------------------


def classify_rows(
    cells: Cells, keep: BoolArray, context: BatchContext
) -> tuple[IntArray, list[Classification]]:
    """Each kept row's classification, computed once per distinct (municipality, facts).

    Returns a number per row indexing the list of distinct classifications.
    """
    from kuntaprofiili.classify import classify, profile_from_answers

    profile = [i for i in context.questionnaire.profile_items() if i.id in cells.answers]
    keys = pd.DataFrame({"place": cells.places.index[keep]})
    for item in profile:
        keys[item.id] = cells.answers[item.id].values[keep]
        keys[f"{item.id}.blank"] = cells.answers[item.id].blank[keep]
    group = keys.groupby(list(keys.columns), dropna=False, sort=False).ngroup().to_numpy()
    _, first = np.unique(group, return_index=True)
    found: list[Classification] = []
    for row in first:
        answers = _profile_answers(profile, keys.iloc[row])
        place = int(keys["place"].to_numpy()[row])
        found.append(
            classify(
                profile_from_answers(answers, context.municipalities[place] if place >= 0 else None)
            )
        )
    return group.astype(np.intp), found


def _profile_answers(profile: Sequence[Item], key: pd.Series) -> dict[str, object]:
    """Back from encoded values to answers; an empty cell is no answer at all."""
    answers: dict[str, object] = {}
    for item in profile:
        value = float(key[item.id])
        if key[f"{item.id}.blank"]:
            continue
        if math.isnan(value):
            answers[item.id] = DONT_KNOW
        else:
            answers[item.id] = (
                value if item.indicator is not None else item.choices[int(value)].code
            )
    return answers


# -- suggested measures, ranked for all rows at once -------------------------------------
#
# ``advice.suggest_measures`` ranks 77 measures per call: fine for one municipality, but
# 0.5 ms a row. Its result depends only on which items are answered and how the needs
# (item scores, dimension scores, 50 for no score) compare, so the same ranking is done
# here on whole columns: the same keys, the same tie-breaks, the same spreading of
# triggers. tests/test_batch.py checks it against suggest_measures row by row.

CHUNK = 1 << 15  # rows per block: keeps the rows x measures arrays small


@dataclass(frozen=True, slots=True)
class _MeasureShape:
    """What ranking needs of one measure, for one questionnaire."""

    items: tuple[str, ...]  # scored items it improves, heaviest first, then as listed
    item_dims: IntArray  # each item's dimension (index into Dimension)
    item_codes: IntArray  # each item's trigger code (its index in the questionnaire)
    item_places: IntArray  # each item's place in the measure's own list
    dims: IntArray  # its dimensions in Dimension order
    can_be_done: bool  # every item it lists is asked, so all can be at 100


def _measure_shapes(content: Content, questionnaire: Questionnaire) -> list[_MeasureShape]:
    order = {d: at for at, d in enumerate(Dimension)}
    scored = {item.id: (at, item) for at, item in enumerate(questionnaire.scored_items())}
    dimension_of = {
        i.id: questionnaire.section_of(i.id).dimension for i in questionnaire.scored_items()
    }
    shapes = []
    for measure in content.measures:
        asked = [i for i in measure.items if i in scored]
        asked.sort(key=lambda i: -scored[i][1].weight)  # stable: ties keep the listed order
        shapes.append(
            _MeasureShape(
                tuple(asked),
                np.array([order[Dimension(dimension_of[i])] for i in asked], dtype=np.intp),
                np.array([scored[i][0] for i in asked], dtype=np.intp),
                np.array([measure.items.index(i) for i in asked], dtype=np.intp),
                np.array(sorted(order[d] for d in measure.dimensions), dtype=np.intp),
                bool(measure.items) and len(asked) == len(measure.items),
            )
        )
    return shapes


def _type_tables(
    content: Content, groups: Sequence[tuple[MunicipalityType, ...]]
) -> tuple[BoolArray, IntArray]:
    """Per group of types: which measures suit it, and the rank of its fixed tie-breaks."""
    suits = np.array([[m.suits(types) for m in content.measures] for types in groups], dtype=bool)
    ranks = np.empty(suits.shape, dtype=np.intp)
    for g, types in enumerate(groups):
        keys = [
            (m.effort.rank, 0 if types[0] in m.types else 1, len(m.types), m.id)
            for m in content.measures
        ]
        ranks[g, sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
    return suits, ranks


def rank_measures(
    content: Content,
    questionnaire: Questionnaire,
    table: ScoreTable,
    group: IntArray,
    groups: Sequence[tuple[MunicipalityType, ...]],
    count: int,
) -> IntArray:
    """The ``count`` best measures per row (indexes into content.measures; -1: none).

    ``group`` gives each row's types as an index into ``groups``; the rows of a group
    are ranked together, among the measures that suit it only.
    """
    shapes = _measure_shapes(content, questionnaire)
    suits, ranks = _type_tables(content, groups)
    out = np.full((table.rows, count), -1, dtype=np.intp)
    for g in range(len(groups)):
        suiting = np.flatnonzero(suits[g])
        members = np.flatnonzero(group == g)
        for start in range(0, len(members) if len(suiting) else 0, CHUNK):
            rows = members[start : start + CHUNK]
            chosen = _rank_block(
                [shapes[j] for j in suiting], ranks[g, suiting], table, rows, questionnaire, count
            )
            out[rows, : chosen.shape[1]] = np.where(chosen >= 0, suiting[np.maximum(chosen, 0)], -1)
    return out


def _rank_block(
    shapes: Sequence[_MeasureShape],
    ranks: IntArray,
    table: ScoreTable,
    rows: IntArray,
    questionnaire: Questionnaire,
    count: int,
) -> IntArray:
    """advice's ranking for a block of rows of one type group (indexes into ``shapes``)."""
    need, tie, trigger = _needs(shapes, table, rows, questionnaire.scored_items())
    need[_done(shapes, table, rows)] = np.inf
    keep, kept = _contenders(need, count)
    need = np.where(kept, _take(need, keep), np.inf)
    after_need = _take(tie, keep) * (ranks.max() + 1) + ranks[keep]  # the rest of the key
    chosen = _spread((after_need, need), _take(trigger, keep), count)
    return np.where(chosen >= 0, _take(keep, np.maximum(chosen, 0)), -1)


def _take(values: np.ndarray[Any, Any], at: IntArray) -> np.ndarray[Any, Any]:
    """``np.take_along_axis(values, at, axis=1)``, twice as fast through flat indexes."""
    offsets = np.arange(0, values.size, values.shape[1])[:, None]
    return values.ravel()[at + offsets]


def _contenders(need: FloatArray, count: int) -> tuple[IntArray, BoolArray]:
    """Per row, the measures that can reach the first ``count``: need at most the
    count-th smallest. Only they, which sort first, decide the spread, so ranking them
    alone gives the same result at a fraction of the sorting.

    Returns their positions (in measure order, padded to the same number per row) and
    which of them are real.
    """
    nth = min(count, need.shape[1]) - 1
    inside = need <= np.partition(need, nth, axis=1)[:, nth, None]
    per_row = inside.sum(axis=1)
    width = max(int(per_row.max(initial=0)), 1)
    row, column = np.nonzero(inside)  # row by row, columns in order
    slot = np.arange(len(row)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    keep = np.zeros((need.shape[0], width), dtype=np.intp)
    kept = np.zeros(keep.shape, dtype=bool)
    keep[row, slot] = column
    kept[row, slot] = True
    return keep, kept


def _needs(
    shapes: Sequence[_MeasureShape], table: ScoreTable, part: IntArray, scored: Sequence[Item]
) -> tuple[FloatArray, IntArray, IntArray]:
    """Per row and measure: its need, the next two parts of advice's key as one number,
    and its trigger.

    The next parts are the trigger dimension's need and the trigger item's place in the
    measure's list (0 for a dimension). A row has at most four dimension needs, so the
    first is replaced by how many of the row's dimension needs are smaller: the same
    order, in an integer that packs with the place. Worked out as (measures x rows)
    arrays, every measure at once, its items padded with one that is never answered.
    """
    dims = np.vstack([table.dimensions[d][part] for d in Dimension])
    dims[np.isnan(dims)] = UNKNOWN_SCORE
    answers = np.vstack([*(table.items[i.id][part] for i in scored), np.full(len(part), np.nan)])
    answers[np.isnan(answers)] = np.inf  # an unanswered item is never the weakest
    codes, places, item_dims, dim_sets = _shape_tables(shapes, len(scored))
    # the weakest dimension: once per distinct set of dimensions (there are a handful)
    sets, set_of = np.unique(dim_sets, axis=1, return_inverse=True)
    set_dim, set_need = _first_minimum(np.where(sets.T[:, :, None], dims[None], np.inf))
    at, lowest = _first_minimum(answers[codes.T])  # measures x items x rows
    answered = lowest < np.inf
    dim = np.where(answered, _pick(at, item_dims), set_dim[set_of])
    smaller = (dims[None, :, :] < dims[:, None, :]).sum(axis=1)  # per dimension and row
    tie = _pick(dim, smaller[:, None, :]) * (places.max() + 1) + np.where(
        answered, _pick(at, places), 0
    )
    trigger = np.where(answered, _pick(at, codes), len(scored) + dim)
    need = np.where(answered, lowest, set_need[set_of])
    return need.T.copy(), tie.T.copy(), trigger.T.copy()


def _pick(at: IntArray, table: IntArray) -> IntArray:
    """``table[at[m, r], m, r]`` for every measure m and row r.

    ``table`` is (k x measures) or (k x 1 x rows), k small; a where per k beats np.choose.
    """
    if table.ndim == 2:
        table = table[:, :, None]
    out = np.broadcast_to(table[0], at.shape)
    for k in range(1, table.shape[0]):
        out = np.where(at == k, table[k], out)
    return out


def _first_minimum(values: FloatArray) -> tuple[IntArray, FloatArray]:
    """argmin and min over axis 1 of (m x k x rows) values; the first of equal values
    wins, as with Python's min. k is small: a few elementwise passes beat argmin."""
    lowest = values[:, 0]
    at = np.zeros(lowest.shape, dtype=np.intp)
    for k in range(1, values.shape[1]):
        lower = values[:, k] < lowest
        lowest = np.where(lower, values[:, k], lowest)
        at[lower] = k
    return at, lowest


def _shape_tables(
    shapes: Sequence[_MeasureShape], padding: int
) -> tuple[IntArray, IntArray, IntArray, BoolArray]:
    """The measures' items, places, item dimensions (items x measures) and their sets of
    dimensions (dimensions x measures) as arrays."""
    width = max([len(shape.items) for shape in shapes] + [1])
    codes = np.full((width, len(shapes)), padding, dtype=np.intp)
    places = np.zeros(codes.shape, dtype=np.intp)
    item_dims = np.zeros(codes.shape, dtype=np.intp)
    dim_sets = np.zeros((len(Dimension), len(shapes)), dtype=bool)
    for j, shape in enumerate(shapes):
        codes[: len(shape.items), j] = shape.item_codes
        places[: len(shape.items), j] = shape.item_places
        item_dims[: len(shape.items), j] = shape.item_dims
        dim_sets[shape.dims, j] = True
    return codes, places, item_dims, dim_sets


def _done(shapes: Sequence[_MeasureShape], table: ScoreTable, part: IntArray) -> BoolArray:
    """Measures whose items are all answered at 100: already in place."""
    done = np.zeros((len(part), len(shapes)), dtype=bool)
    for j, shape in enumerate(shapes):
        if shape.can_be_done:
            done[:, j] = np.logical_and.reduce(
                [table.items[i][part] >= DONE_SCORE for i in shape.items]
            )
    return done


def _spread(keys: tuple[np.ndarray[Any, Any], ...], trigger: IntArray, count: int) -> IntArray:
    """advice._spread on every row: by need, then by how often the trigger came earlier.

    ``keys`` are advice's sort key, last (need) first-compared, as np.lexsort takes them.
    Scores are never negative, so their bits sort as integers do, which is faster.
    """
    as_int = tuple(k if k.dtype.kind == "i" else (k + 0.0).view(np.int64) for k in keys)
    order = np.lexsort(as_int, axis=-1)
    need_sorted = _take(keys[-1], order)
    uses = _earlier_uses(_take(trigger, order))
    width = need_sorted.shape[1]
    level = np.zeros(need_sorted.shape, dtype=np.intp)  # need_sorted only grows along a row
    np.cumsum(need_sorted[:, 1:] != need_sorted[:, :-1], axis=1, out=level[:, 1:])
    final = _smallest((level * width + uses) * width + np.arange(width), count)
    chosen = _take(order, final)
    return np.where(np.isinf(_take(need_sorted, final)), -1, chosen)


def _smallest(keys: IntArray, count: int) -> IntArray:
    """Positions of the ``count`` smallest (distinct) keys per row, in order."""
    if keys.shape[1] > count:
        keys_at = np.argpartition(keys, count - 1, axis=1)[:, :count]
        return _take(keys_at, np.argsort(_take(keys, keys_at), axis=1))
    return np.argsort(keys, axis=1)


def _earlier_uses(trigger: IntArray) -> IntArray:
    """For each entry, how many entries to its left in its row have the same trigger."""
    by_trigger = np.argsort(trigger, axis=1, kind="stable")
    grouped = _take(trigger, by_trigger)
    position = np.broadcast_to(np.arange(trigger.shape[1]), trigger.shape)
    starts = np.ones(trigger.shape, dtype=bool)
    starts[:, 1:] = grouped[:, 1:] != grouped[:, :-1]
    run_start = np.maximum.accumulate(np.where(starts, position, 0), axis=1)
    uses = np.empty_like(trigger)
    np.put_along_axis(uses, by_trigger, position - run_start, axis=1)
    return uses


# -- the outcome -------------------------------------------------------------------------


def score_sheet(
    sheet: Sheet, context: BatchContext, lang: str, progress: Progress | None = None
) -> BatchOutcome:
    """Validate every cell, then score, classify, rank and advise the valid rows.

    The sheet is consumed: its answer columns are dropped from ``sheet.frame`` as they
    are encoded, so that a million rows need memory for their text only once.
    ``progress(done, total)`` is called after each column and stage.
    """
    layout = find_layout(sheet, context.questionnaire, lang)
    if sheet.rows == 0:
        raise InputFileError("batch.empty_input", path=sheet.source)
    step = _stepper(progress, len(layout.items) + 4)
    cells = read_cells(sheet, layout, context, lang, step)
    problems = cells.problems + row_problems(cells, sheet, layout, context, lang)
    rejected = np.isin(cells.rows, [p.row for p in problems if p.rejects])
    keep = ~cells.empty & ~rejected
    table = score_columns(context.questionnaire, _columns(context.questionnaire, cells, keep))
    cells = _profile_only(cells, context.questionnaire)  # frees the answers once scored
    step()
    group, classes = classify_rows(cells, keep, context)
    step()
    types = [c.types for c in classes]
    measures = _measures(context, table, group, types, lang)
    step()
    results = _results(cells, keep, table, (group, types), measures, layout.year is not None)
    step()
    problems.sort(
        key=lambda p: (p.row, sheet.header.index(p.column) if p.column in sheet.header else -1)
    )
    row_types = tuple(types[g] for g in group)
    return BatchOutcome(
        results, summarise(results), tuple(problems), sheet.rows, table, row_types, measures.picked
    )


def _stepper(progress: Progress | None, total: int) -> Callable[[], None]:
    done = [0]

    def step() -> None:
        done[0] += 1
        if progress is not None:
            progress(done[0], total)

    return step


def _columns(questionnaire: Questionnaire, cells: Cells, keep: BoolArray) -> dict[str, FloatArray]:
    """The kept rows' encoded answers; an item without a column is unanswered everywhere.

    When every row is kept, the encoded arrays are used as they are, without a copy.
    """
    rows = int(keep.sum())
    every = rows == len(keep)
    return {
        item.id: (cells.answers[item.id].values if every else cells.answers[item.id].values[keep])
        if item.id in cells.answers
        else np.full(rows, np.nan)
        for item in questionnaire.items
    }


def _profile_only(cells: Cells, questionnaire: Questionnaire) -> Cells:
    """The same cells with only the profile facts' answers, which classification needs."""
    profile = {item.id for item in questionnaire.profile_items()}
    answers = {key: value for key, value in cells.answers.items() if key in profile}
    return replace(cells, answers=answers)


@dataclass(frozen=True, slots=True)
class _Picked:
    """Each row's suggested measures as (id, title) pairs, and the same joined as text."""

    picked: tuple[tuple[tuple[str, str], ...], ...]
    ids: np.ndarray[Any, np.dtype[np.object_]]
    titles: np.ndarray[Any, np.dtype[np.object_]]


def _measures(
    context: BatchContext,
    table: ScoreTable,
    group: IntArray,
    types: Sequence[tuple[MunicipalityType, ...]],
    lang: str,
) -> _Picked:
    if context.content is None or context.measures <= 0 or table.rows == 0:
        empty = np.full(table.rows, "", dtype=object)
        return _Picked(((),) * table.rows, empty, empty)
    type_codes, type_groups = pd.factorize(pd.Series([",".join(t) for t in types], dtype=object))
    groups = [tuple(MunicipalityType(t) for t in str(g).split(",")) for g in type_groups]
    chosen = rank_measures(
        context.content, context.questionnaire, table, type_codes[group], groups, context.measures
    )
    codes, combos = _distinct_rows(chosen, len(context.content.measures))
    library = context.content.measures
    pairs = [
        tuple((library[j].id, library[j].title.get(lang)) for j in combo if j >= 0)
        for combo in combos
    ]
    ids = np.array([" ".join(i for i, _ in p) for p in pairs], dtype=object)
    titles = np.array([" | ".join(t for _, t in p) for p in pairs], dtype=object)
    return _Picked(tuple([pairs[c] for c in codes.tolist()]), ids[codes], titles[codes])


def _distinct_rows(chosen: IntArray, measures: int) -> tuple[IntArray, IntArray]:
    """Each row's number among the distinct rows of ``chosen``, and those rows.

    Rows are hashed as one integer (measure numbers in base measures + 1) when that fits.
    """
    if (measures + 1) ** chosen.shape[1] >= 2**62:
        combos, codes = np.unique(chosen, axis=0, return_inverse=True)
        return codes.ravel(), combos
    weights = (measures + 1) ** np.arange(chosen.shape[1], dtype=np.int64)
    codes, first = pd.factorize((chosen + 1) @ weights)
    _, at = np.unique(codes, return_index=True)
    return codes, chosen[at]


def _results(
    cells: Cells,
    keep: BoolArray,
    table: ScoreTable,
    classes: tuple[IntArray, Sequence[tuple[MunicipalityType, ...]]],
    measures: _Picked,
    with_year: bool,
) -> pd.DataFrame:
    """The output table: one row per scored municipality, numbers rounded for people.

    ``classes`` is each row's number into the distinct tuples of types, and those tuples.
    """
    group, types = classes
    data: dict[str, Any] = {
        "row": cells.rows[keep],
        "municipality": cells.places.names[keep],
        "municipality_code": cells.places.codes[keep],
    }
    if with_year and cells.years is not None:
        data["year"] = pd.Series(cells.years[keep]).astype("Int64").array
    data["primary_type"] = np.array([t[0].value for t in types], dtype=object)[group]
    data["types"] = np.array([" ".join(t) for t in types], dtype=object)[group]
    for dimension in Dimension:
        data[f"{dimension}_score"] = table.dimensions[dimension].round(1)
        data[f"{dimension}_coverage"] = table.coverage[dimension].round(3)
        data[f"{dimension}_band"] = bands(table.dimensions[dimension])
    data["overall"] = table.overall.round(1)
    data["overall_band"] = bands(table.overall)
    frame = pd.DataFrame(data)
    frame = frame.assign(**peer_ranks(table.overall, frame["primary_type"]))
    if len(measures.ids) and measures.ids.any():
        frame["measures"] = measures.ids  # as in assess's CSV
        frame["measure_titles"] = measures.titles
    return frame


def bands(scores: FloatArray) -> np.ndarray[Any, np.dtype[np.object_]]:
    """``scoring.band_of`` for a whole column (None where there is no score)."""
    low, high = BAND_LIMITS
    names = np.array([Band.RED.value, Band.YELLOW.value, Band.GREEN.value, None], dtype=object)
    level = (scores >= low).astype(np.intp) + (scores >= high)
    return names[np.where(np.isnan(scores), 3, level)]


def peer_ranks(overall: FloatArray, types: pd.Series) -> dict[str, pd.Series]:
    """Rank (1 = best overall score) and percentile among all rows and within the type.

    The percentile is the share of compared rows scoring the same or lower, so the
    best row has 100. Rows without an overall score are not ranked.
    """
    scores = pd.Series(overall, index=types.index)
    by_type = scores.groupby(types.to_numpy())
    return {
        "rank_in_type": by_type.rank(ascending=False, method="min").astype("Int64"),
        "percentile_in_type": (by_type.rank(method="max", pct=True) * 100).round(1),
        "rank_overall": scores.rank(ascending=False, method="min").astype("Int64"),
        "percentile_overall": (scores.rank(method="max", pct=True) * 100).round(1),
    }


SCORE_COLUMNS = tuple(f"{d}_score" for d in Dimension) + ("overall",)


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Count, mean and median of every dimension's score, by primary type and for all."""
    types = results["primary_type"]
    order = [t.value for t in MunicipalityType if t.value in set(types.unique())]
    scores = results[list(SCORE_COLUMNS)]
    by_type = scores.groupby(types.to_numpy()).agg(["mean", "median"]).reindex(order)
    whole = pd.DataFrame([scores.agg(["mean", "median"]).unstack()], index=["all"])
    stats = pd.concat([by_type, whole])
    stats.columns = [f"{str(pair[0]).removesuffix('_score')}_{pair[1]}" for pair in stats.columns]
    counts = types.value_counts().reindex(order).tolist() + [len(results)]
    stats.insert(0, "count", counts)
    summary: pd.DataFrame = stats.round(1).rename_axis("type").reset_index()
    return summary


def problems_frame(problems: Sequence[RowError], lang: str) -> pd.DataFrame:
    """The errors file: one line per problem, in sheet order."""
    kinds = {
        True: message("batch.severity.error", lang),
        False: message("batch.severity.notice", lang),
    }
    return pd.DataFrame(
        {
            "row": [p.row for p in problems],
            "column": [p.column for p in problems],
            "value": [p.value for p in problems],
            "problem": [p.problem for p in problems],
            "expected": [p.expected for p in problems],
            "severity": [kinds[p.rejects] for p in problems],
        },
        columns=["row", "column", "value", "problem", "expected", "severity"],
    )


def outcome_json(outcome: BatchOutcome, questionnaire: Questionnaire, lang: str) -> dict[str, Any]:
    """The JSON form: results with types and measures as lists, the summary, the problems."""
    results = _records(
        outcome.results.drop(columns=["types", "measures", "measure_titles"], errors="ignore")
    )
    for record, types, measures in zip(results, outcome.types, outcome.measures, strict=True):
        record["types"] = [t.value for t in types]
        record["measures"] = [{"id": i, "title": t} for i, t in measures]
    return {
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "rows_read": outcome.rows_read,
        "rows_rejected": outcome.rows_rejected,
        "results": results,
        "summary": _records(outcome.summary),
        "problems": _records(problems_frame(outcome.problems, lang)),
    }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts: numpy numbers as Python numbers, missing values as None."""
    plain = frame.astype(object).where(frame.notna(), None)
    return [
        {
            str(key): value.item() if isinstance(value, np.generic) else value
            for key, value in row.items()
        }
        for row in plain.to_dict("records")
    ]
