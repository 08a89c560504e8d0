"""Batch: a sheet of many municipalities in, validated, scored, classified and advised.

The stages, each in its own module: the sheet's columns are matched and encoded
(:mod:`~kuntaprofiili.sheets.columns`), its municipalities looked up
(:mod:`~kuntaprofiili.sheets.places`) and the problems of whole rows found
(:mod:`~kuntaprofiili.sheets.rows`); the valid rows then go through the same
``scoring.score_columns`` as a single assessment, so a row's scores equal
``assess --answers`` for the same answers. Classification is done once per distinct
(municipality, profile facts), and the suggested measures through the same
``ranking.rank_measures`` as ``advice.suggest_measures``, for all rows at once, so a
million rows stay fast. What is written out is built in :mod:`~kuntaprofiili.sheets.results`.

This module ties the stages together; what a run works with and gives back is in
:mod:`~kuntaprofiili.sheets.context`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from kuntaprofiili.core.model import DONT_KNOW, Item, MunicipalityType, Questionnaire
from kuntaprofiili.core.ranking import RankedItem, Ranking, questionnaire_items, rank_measures
from kuntaprofiili.core.scoring import BoolArray, FloatArray, ScoreTable, score_columns
from kuntaprofiili.errors import InputFileError
from kuntaprofiili.sheets.columns import IntArray, RowError, find_layout
from kuntaprofiili.sheets.context import DEFAULT_MEASURES, BatchContext, BatchOutcome, Progress
from kuntaprofiili.sheets.evidence import evidence_columns, read_evidence, with_evidence
from kuntaprofiili.sheets.memory import release_freed_memory
from kuntaprofiili.sheets.places import ObjectArray
from kuntaprofiili.sheets.read import Sheet
from kuntaprofiili.sheets.results import peer_ranks, results_frame, summarise
from kuntaprofiili.sheets.rows import Cells, Seen, read_cells, row_problems

if TYPE_CHECKING:
    from kuntaprofiili.core.classify import Classification
    from kuntaprofiili.core.content import Measure


def load_batch_context(
    questionnaire_path: Any = None, measures: int = DEFAULT_MEASURES
) -> BatchContext:
    """Read the questionnaire (the default one if None), reference data and measures."""
    from kuntaprofiili.files.municipality_file import load_municipalities
    from kuntaprofiili.files.questionnaire_file import load_questionnaire_or_default

    questionnaire = load_questionnaire_or_default(questionnaire_path or None)
    content = None
    if measures > 0:
        from kuntaprofiili.files.content_file import load_content

        content = load_content()
    return BatchContext(questionnaire, load_municipalities(), content, measures)


# -- the run ----------------------------------------------------------------------------


def score_sheet(
    sheet: Sheet, context: BatchContext, lang: str, progress: Progress | None = None
) -> BatchOutcome:
    """Validate every cell, then score, classify, rank and advise the valid rows.

    ``progress(done, total)`` is called after each column and stage.
    """
    return score_sheets([(sheet, 1.0)], context, lang, progress)


def score_sheets(
    blocks: Iterable[tuple[Sheet, float]],
    context: BatchContext,
    lang: str,
    progress: Progress | None = None,
    keep_scores: bool = True,
) -> BatchOutcome:
    """:func:`score_sheet` for a sheet read in blocks (``read.read_sheet_blocks``): the
    same outcome as for the sheet read whole, with the memory of one block's text.

    Each block comes with the share of the file read once it is; ``progress`` is told
    that share in thousandths. Duplicates are found across blocks; ranks, percentiles and
    the summary are computed over all rows at the end. Without ``keep_scores`` the
    outcome's table holds no item scores (only ``robustness`` needs them): a million
    rows' item scores alone would take half a gigabyte.
    """
    parts: list[_Part] = []
    seen, done = Seen(), 0.0
    for sheet, share in blocks:
        at = done

        def moved(step: int, steps: int, at: float = at, share: float = share) -> None:
            if progress is not None:
                progress(int(1000 * (at + (share - at) * step / steps)), 1000)

        parts.append(_score_block(sheet, context, lang, (seen, not parts), moved))
        del sheet  # its text goes before the next block is read
        release_freed_memory()
        if not keep_scores:
            parts[-1] = replace(parts[-1], table=_overall_only(parts[-1].table))
        done = share
    return _merged(parts, context.questionnaire)


@dataclass(frozen=True, slots=True)
class _Part:
    """One block's share of a :class:`BatchOutcome` (no summary: that needs every row)."""

    results: pd.DataFrame
    problems: tuple[RowError, ...]
    rows_read: int
    table: ScoreTable
    types: tuple[tuple[MunicipalityType, ...], ...]
    measures: tuple[tuple[tuple[str, str, str, str, tuple[str, ...]], ...], ...]


def _score_block(
    sheet: Sheet,
    context: BatchContext,
    lang: str,
    state: tuple[Seen, bool],
    moved: Callable[[int, int], None],
) -> _Part:
    """One block scored; ``state`` is what earlier blocks saw, and whether this is the
    first block (the header's problems are reported once, with it)."""
    seen, first = state
    layout = find_layout(sheet, context.questionnaire, lang)
    if not first:
        layout = replace(layout, problems=())
    if sheet.rows == 0:
        raise InputFileError("batch.empty_input", path=sheet.source)
    step = _stepper(moved, len(layout.items) + 4)
    evidence = read_evidence(sheet, context.questionnaire, lang)
    cells = read_cells(sheet, layout, context, lang, step, seen)
    cells = replace(cells, empty=cells.empty & evidence.blank)
    problems = [
        *cells.problems,
        *evidence.problems,
        *row_problems(cells, sheet, layout, context, lang, seen),
    ]
    rejected = np.isin(cells.rows, [p.row for p in problems if p.rejects])
    keep = ~cells.empty & ~rejected
    table = score_columns(context.questionnaire, _columns(context.questionnaire, cells, keep))
    cells = _profile_only(cells, context.questionnaire)  # frees the answers once scored
    step()
    group, classes = classify_rows(cells, keep, context)
    step()
    types = [c.types for c in classes]
    alands = [c.profile is not None and c.profile.is_aland for c in classes]
    measures = _measures(context, table, group, (types, alands), lang)
    step()
    texts = (measures.ids, measures.titles)
    results = results_frame(cells, keep, table, (group, types), texts, layout.year is not None)
    results = with_evidence(results, evidence, keep)
    step()
    problems.sort(
        key=lambda p: (p.row, sheet.header.index(p.column) if p.column in sheet.header else -1)
    )
    row_types = tuple(types[g] for g in group)
    return _Part(results, tuple(problems), sheet.rows, table, row_types, measures.picked)


def _overall_only(table: ScoreTable) -> ScoreTable:
    """The table with only its overall scores: what ranking all rows needs."""
    return ScoreTable({}, {}, {}, {}, table.overall)


def _merged(parts: Sequence[_Part], questionnaire: Questionnaire) -> BatchOutcome:
    """The blocks' parts as one outcome, as if the sheet had been scored whole."""
    if len(parts) == 1:
        part = parts[0]
        results = part.results
    else:
        results = _joined([p.results for p in parts], questionnaire)
        overall = np.concatenate([p.table.overall for p in parts])
        results = results.assign(**peer_ranks(overall, results["primary_type"]))
    return BatchOutcome(
        results,
        summarise(results),
        tuple(problem for p in parts for problem in p.problems),
        sum(p.rows_read for p in parts),
        _joined_tables([p.table for p in parts]),
        tuple(t for p in parts for t in p.types),
        tuple(m for p in parts for m in p.measures),
    )


def _joined(frames: Sequence[pd.DataFrame], questionnaire: Questionnaire) -> pd.DataFrame:
    """Block results one under the other, with the columns a whole sheet's results have:
    a column only some blocks have (evidence, measures) is empty in the others, and the
    columns keep the whole sheet's order. The blocks' frames are emptied."""
    frames = [frame for frame in frames if len(frame)] or frames[:1]  # empty: no dtypes
    dtypes: dict[str, Any] = {}
    for frame in frames:
        for name, dtype in frame.dtypes.items():
            dtypes.setdefault(str(name), dtype)
    evidence = [c for c in evidence_columns(questionnaire) if c in dtypes]
    order = [c for c in frames[0].columns if c not in _OPTIONAL and c not in evidence]
    order += [c for c in _OPTIONAL if c in dtypes] + evidence
    # column by column, each taken out of the blocks as it is joined: the rows are never
    # held twice
    joined = {}
    for name in order:
        pieces = [
            frame.pop(name)
            if name in frame.columns
            else pd.Series([_empty(name)] * len(frame), dtype=dtypes[name])
            for frame in frames
        ]
        if isinstance(dtypes[name], pd.CategoricalDtype):  # categories differ by block
            joined[name] = pd.Series(union_categoricals(pieces, sort_categories=True))
        else:
            joined[name] = pd.concat(pieces, ignore_index=True)
    return pd.DataFrame(joined)


def _empty(column: str) -> object:
    """What a column a block lacks holds: no measures as empty text, else missing."""
    return "" if column in _OPTIONAL else None


_OPTIONAL = ("measures", "measure_titles")  # only when some row has a suggested measure


def _joined_tables(tables: Sequence[ScoreTable]) -> ScoreTable:
    """The blocks' score tables one under the other."""
    if len(tables) == 1:
        return tables[0]

    def joined(name: str) -> Any:
        columns = [getattr(t, name) for t in tables]
        if isinstance(columns[0], np.ndarray):
            return np.concatenate(columns)
        return {key: np.concatenate([c[key] for c in columns]) for key in columns[0]}

    names = ("items", "applicable", "dimensions", "coverage", "overall", "low", "high")
    return ScoreTable(**{name: joined(name) for name in (*names, "overall_low", "overall_high")})


def _stepper(moved: Callable[[int, int], None], total: int) -> Callable[[], None]:
    done = [0]

    def step() -> None:
        done[0] += 1
        moved(done[0], total)

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


# -- suggested measures, ranked for all rows at once -------------------------------------


@dataclass(frozen=True, slots=True)
class _Picked:
    """Each row's suggested measures as (id, title, source kind, source, triggered_by),
    and the ids and titles joined as text."""

    picked: tuple[tuple[tuple[str, str, str, str, tuple[str, ...]], ...], ...]
    ids: ObjectArray
    titles: ObjectArray


def _measures(
    context: BatchContext,
    table: ScoreTable,
    group: IntArray,
    kinds: tuple[Sequence[tuple[MunicipalityType, ...]], Sequence[bool]],
    lang: str,
) -> _Picked:
    """Rank once per row through ``ranking``, then name each distinct pick once: rows
    share a handful of combinations, so titles are looked up per combination."""
    if context.content is None or context.measures <= 0 or table.rows == 0:
        empty = np.full(table.rows, "", dtype=object)
        return _Picked(((),) * table.rows, empty, empty)
    types, alands = kinds
    keys = [",".join(t) + ("|aland" if a else "") for t, a in zip(types, alands, strict=True)]
    type_codes, type_groups = pd.factorize(pd.Series(keys, dtype=object))
    split = [str(g).split("|") for g in type_groups]
    groups = [tuple(MunicipalityType(t) for t in parts[0].split(",")) for parts in split]
    library = context.content.measures
    items = questionnaire_items(context.questionnaire)
    ranking = rank_measures(
        library,
        items,
        table,
        (type_codes[group], groups),
        context.measures,
        [len(parts) > 1 for parts in split],
    )
    masks = _trigger_masks(ranking, items)
    codes, combos = _distinct_rows(ranking.measures * 8 + masks, len(library) * 8 + 7)
    named = _named_codes(library, lang)
    pairs = [tuple(named[c] for c in combo.tolist() if c >= 0) for combo in combos]
    ids = np.array([" ".join(p[0] for p in pair) for pair in pairs], dtype=object)
    titles = np.array([" | ".join(p[1] for p in pair) for pair in pairs], dtype=object)
    return _Picked(tuple([pairs[c] for c in codes.tolist()]), ids[codes], titles[codes])


def _trigger_masks(ranking: Ranking, items: Sequence[RankedItem]) -> IntArray:
    """Per row and pick, which of the measure's first three items are weak, as bits."""
    at = {item.id: k for k, item in enumerate(items)}
    first = np.full((len(ranking.library) + 1, 3), len(items), dtype=np.intp)  # pad: never weak
    for j, measure in enumerate(ranking.library):
        for bit, item_id in enumerate(measure.items[:3]):
            first[j, bit] = at.get(item_id, len(items))
    weak = np.column_stack([ranking.weak, np.zeros(len(ranking.weak), dtype=bool)])
    listed = first[ranking.measures]  # rows x picks x 3 (a pick of -1 takes the pad row)
    rows = np.arange(len(weak))[:, None, None]
    bits = weak[rows, listed].astype(np.intp) << np.arange(3)
    return np.where(ranking.measures >= 0, bits.sum(axis=2), 0)


def _named_codes(
    library: Sequence[Measure], lang: str
) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """Every code of a pick (measure number * 8 + trigger bits) as the results show it:
    id, title, kind of source, source and the weak items among its first three."""
    out = []
    for measure in library:
        named = (measure.id, measure.title.get(lang), measure.source.kind)
        source, first = measure.source.text(lang), measure.items[:3]
        for bits in range(8):
            weak = tuple(i for b, i in enumerate(first) if bits >> b & 1)
            out.append((*named, source, weak))
    return out


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


# -- classification, once per distinct profile -------------------------------------------


def classify_rows(
    cells: Cells, keep: BoolArray, context: BatchContext
) -> tuple[IntArray, list[Classification]]:
    """Each kept row's classification, computed once per distinct (municipality, facts).

    Returns a number per row indexing the list of distinct classifications.
    """
    from kuntaprofiili.core.classify import classify
    from kuntaprofiili.core.profile import profile_from_answers

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
