"""Scoring: answers to 0-100 scores per item, dimension and overall.

One engine for one assessment and for a spreadsheet of a million: it works on columns
(numpy arrays, one per item, one element per municipality). A single assessment is a
table of one row, so ``assess`` and ``batch`` cannot drift apart.

Method (README, 'Methodology'):
- numeric items are clamped to [lower_bound, optimum] and rescaled linearly to 0-100
  (min-max normalisation, OECD/JRC handbook), the direction respected;
- a choice scores what the questionnaire's table says;
- a dimension score is the weighted mean of its answered items; "don't know" and
  unanswered items lower the coverage instead of counting as 0; items switched off by
  their ``when`` condition are not applicable and count for nothing;
- with coverage under 2/3 the dimension gets no score; the overall score is the mean
  of the four dimension scores, and only exists when all four do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from kuntaprofiili.core.answers import Answers
from kuntaprofiili.core.model import DONT_KNOW, Dimension, Item, Questionnaire

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MIN_COVERAGE = 2 / 3
BAND_LIMITS = (25.0, 75.0)  # as in THL's TEAviisari: red below 25, green from 75


class Band(StrEnum):
    """Traffic-light band of a score."""

    RED = "red"
    YELLOW = "yellow"
    GREEN = "green"


def band_of(score: float | None) -> Band | None:
    """The band of a 0-100 score; None when there is no score."""
    if score is None or np.isnan(score):
        return None
    if score < BAND_LIMITS[0]:
        return Band.RED
    return Band.YELLOW if score < BAND_LIMITS[1] else Band.GREEN


# -- encoding: answers -> numeric columns --------------------------------------------


def encode_value(item: Item, value: object) -> float:
    """A canonical answer as a number: choice index for choice items, NaN when unknown.

    Old answers re-scored against a newer questionnaire (``compare``) may hold a code
    the item no longer has, or a code where it now wants a number: both are unknown.
    """
    if value is None or value == DONT_KNOW:
        return np.nan
    if item.indicator is not None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return np.nan
        return float(value)
    index = item.choice_index(value)  # None for a code the item does not have
    return np.nan if index is None else float(index)


def encode_answers(questionnaire: Questionnaire, rows: Sequence[Answers]) -> dict[str, FloatArray]:
    """Columns for :func:`score_columns` from per-municipality answer mappings."""
    return {
        item.id: np.array([encode_value(item, row.get(item.id)) for row in rows], dtype=float)
        for item in questionnaire.items
    }


# -- scoring columns --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreTable:
    """Scores of many municipalities at once; every array has one element per row."""

    items: Mapping[str, FloatArray]  # NaN: unanswered or not applicable
    dimensions: Mapping[Dimension, FloatArray]  # NaN: insufficient data
    coverage: Mapping[Dimension, FloatArray]
    overall: FloatArray

    @property
    def rows(self) -> int:
        """How many municipalities were scored."""
        return len(self.overall)


def normalise(item: Item, raw: FloatArray) -> FloatArray:
    """Item scores 0-100 from encoded answers (NaN stays NaN)."""
    if item.indicator is not None:
        low, best = item.indicator.lower_bound or 0.0, item.indicator.optimum or 0.0
        share = (raw - low) / (best - low)
        return np.clip(share, 0.0, 1.0) * 100.0
    table = np.array([c.score if c.score is not None else np.nan for c in item.choices])
    known = ~np.isnan(raw)
    out = np.full(raw.shape, np.nan)
    out[known] = table[raw[known].astype(np.intp)]
    return out


def applicability(
    questionnaire: Questionnaire, columns: Mapping[str, FloatArray], rows: int
) -> dict[str, BoolArray]:
    """Which items are asked in each row, following the ``when`` chains.

    The columnar form of ``answers.applicable_ids``: the same rule
    (``Condition.codes_met``), and an item is asked only where the item it depends on is.
    """
    masks: dict[str, BoolArray] = {}
    for item in questionnaire.items:
        condition = item.when
        if condition is None:
            masks[item.id] = np.ones(rows, dtype=bool)
            continue
        source = questionnaire.item(condition.item)
        met = condition.codes_met(source)
        wanted = [float(i) for i, c in enumerate(source.choices) if c.code in met]
        raw = columns.get(source.id, np.full(rows, np.nan))
        masks[item.id] = np.isin(raw, wanted) & masks[source.id]
    return masks


def score_columns(questionnaire: Questionnaire, columns: Mapping[str, FloatArray]) -> ScoreTable:
    """Score every row of ``columns`` (item id -> encoded answers, see encode_answers)."""
    rows = len(next(iter(columns.values()))) if columns else 0
    masks = applicability(questionnaire, columns, rows)
    item_scores: dict[str, FloatArray] = {}
    dimensions: dict[Dimension, FloatArray] = {}
    coverage: dict[Dimension, FloatArray] = {}
    for dimension in Dimension:
        total = np.zeros(rows)
        answered_weight = np.zeros(rows)
        applicable_weight = np.zeros(rows)
        for item in questionnaire.scored_items(dimension):
            raw = columns.get(item.id, np.full(rows, np.nan))
            scores = np.where(masks[item.id], normalise(item, raw), np.nan)
            item_scores[item.id] = scores
            answered = ~np.isnan(scores)
            total += np.where(answered, scores * item.weight, 0.0)
            answered_weight += answered * item.weight
            applicable_weight += masks[item.id] * item.weight
        with np.errstate(invalid="ignore", divide="ignore"):
            cover = np.where(applicable_weight > 0, answered_weight / applicable_weight, 0.0)
            mean = total / answered_weight
        coverage[dimension] = cover
        dimensions[dimension] = np.where(cover >= MIN_COVERAGE - 1e-9, mean, np.nan)
    overall = np.mean(np.vstack([dimensions[d] for d in Dimension]), axis=0)
    return ScoreTable(item_scores, dimensions, coverage, overall)


# -- one municipality -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DimensionScore:
    """One dimension's result; ``score`` is None when coverage is under 2/3."""

    dimension: Dimension
    score: float | None
    coverage: float
    band: Band | None


@dataclass(frozen=True, slots=True)
class ItemScore:
    """One answered item's place on the 0-100 scale."""

    item_id: str
    dimension: Dimension
    score: float
    weight: float


@dataclass(frozen=True, slots=True)
class Scores:
    """All scores of one municipality."""

    dimensions: tuple[DimensionScore, ...]
    overall: float | None
    items: tuple[ItemScore, ...]

    def dimension(self, dimension: Dimension) -> DimensionScore:
        """The result of one dimension."""
        return next(d for d in self.dimensions if d.dimension == dimension)

    def strongest(self, count: int = 3) -> tuple[ItemScore, ...]:
        """The best-scoring answered items; heavier weight first on ties.

        With fewer than ``2 * count`` answers the items are split in halves, so an item
        is never listed as both strongest and weakest.
        """
        ranked = sorted(self.items, key=lambda i: (-i.score, -i.weight))
        return tuple(ranked[: min(count, len(ranked) // 2)])

    def weakest(self, count: int = 3) -> tuple[ItemScore, ...]:
        """The worst-scoring answered items; heavier weight first on ties."""
        ranked = sorted(self.items, key=lambda i: (i.score, -i.weight))
        return tuple(ranked[: min(count, len(ranked) - len(self.strongest(count)))])


def _or_none(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def row_scores(questionnaire: Questionnaire, table: ScoreTable, row: int) -> Scores:
    """The scores of one row of a :class:`ScoreTable`."""
    dims = tuple(
        DimensionScore(
            dimension=d,
            score=_or_none(table.dimensions[d][row]),
            coverage=float(table.coverage[d][row]),
            band=band_of(table.dimensions[d][row]),
        )
        for d in Dimension
    )
    items = tuple(
        ItemScore(item.id, dimension, float(table.items[item.id][row]), item.weight)
        for dimension in Dimension
        for item in questionnaire.scored_items(dimension)
        if not np.isnan(table.items[item.id][row])
    )
    return Scores(dims, _or_none(table.overall[row]), items)


def score(questionnaire: Questionnaire, answers: Answers) -> Scores:
    """Score one municipality's answers (a one-row table)."""
    table = score_columns(questionnaire, encode_answers(questionnaire, [answers]))
    return row_scores(questionnaire, table, 0)
