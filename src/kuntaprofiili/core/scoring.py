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
  of the four dimension scores, and only exists when all four do;
- every dimension and overall score carries its honest range [low, high]: the score it
  would take if every unknown (applicable but unanswered or "don't know") item were at
  its worst and at its best. "Don't know" can hide a red, never a green.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
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
    if score is None:
        return None
    band = bands_of(np.array([score], dtype=float))[0]
    return None if band is None else Band(band)


def bands_of(scores: FloatArray) -> npt.NDArray[np.object_]:
    """The band ids ('red', 'yellow', 'green') of a column of scores; None where NaN."""
    low, high = BAND_LIMITS
    names = np.array([Band.RED.value, Band.YELLOW.value, Band.GREEN.value, None], dtype=object)
    level = (scores >= low).astype(np.intp) + (scores >= high)
    return names[np.where(np.isnan(scores), 3, level)]


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
    applicable: Mapping[str, BoolArray]  # which items each row is asked (for the honest range)
    dimensions: Mapping[Dimension, FloatArray]  # NaN: insufficient data
    coverage: Mapping[Dimension, FloatArray]
    overall: FloatArray
    # the honest range: unknown applicable items at their worst / best (NaN: nothing asked)
    low: Mapping[Dimension, FloatArray] = field(default_factory=dict)
    high: Mapping[Dimension, FloatArray] = field(default_factory=dict)
    overall_low: FloatArray = field(default_factory=lambda: np.zeros(0))
    overall_high: FloatArray = field(default_factory=lambda: np.zeros(0))

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


def score_range(item: Item) -> tuple[float, float]:
    """The worst and best score an item can take (0 and 100 for numeric items)."""
    if item.indicator is not None:
        return 0.0, 100.0
    scores = [c.score for c in item.choices if c.score is not None]
    return (min(scores), max(scores)) if scores else (0.0, 100.0)


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
    low: dict[Dimension, FloatArray] = {}
    high: dict[Dimension, FloatArray] = {}
    for dimension in Dimension:
        sums = _Sums(rows)
        for item in questionnaire.scored_items(dimension):
            raw = columns.get(item.id, np.full(rows, np.nan))
            scores = np.where(masks[item.id], normalise(item, raw), np.nan)
            item_scores[item.id] = scores
            sums.add(item, scores, masks[item.id])
        with np.errstate(invalid="ignore", divide="ignore"):
            cover = np.where(sums.applicable > 0, sums.answered / sums.applicable, 0.0)
            mean = sums.total / sums.answered
            low[dimension] = (sums.total + sums.open_low) / sums.applicable
            high[dimension] = (sums.total + sums.open_high) / sums.applicable
        coverage[dimension] = cover
        dimensions[dimension] = np.where(cover >= MIN_COVERAGE - 1e-9, mean, np.nan)
    overall = np.mean(np.vstack([dimensions[d] for d in Dimension]), axis=0)
    overall_low = np.mean(np.vstack([low[d] for d in Dimension]), axis=0)
    overall_high = np.mean(np.vstack([high[d] for d in Dimension]), axis=0)
    return ScoreTable(
        item_scores, masks, dimensions, coverage, overall, low, high, overall_low, overall_high
    )


class _Sums:
    """Running weighted sums of one dimension's items, one element per row."""

    def __init__(self, rows: int) -> None:
        self.total = np.zeros(rows)  # weight x score of the answered items
        self.answered = np.zeros(rows)
        self.applicable = np.zeros(rows)
        self.open_low = np.zeros(rows)  # weight x worst score of the unknown items
        self.open_high = np.zeros(rows)

    def add(self, item: Item, scores: FloatArray, asked: BoolArray) -> None:
        answered = ~np.isnan(scores)
        unknown = asked & ~answered
        worst, best = score_range(item)
        self.total += np.where(answered, scores * item.weight, 0.0)
        self.answered += answered * item.weight
        self.applicable += asked * item.weight
        self.open_low += unknown * (item.weight * worst)
        self.open_high += unknown * (item.weight * best)


def open_items(questionnaire: Questionnaire, table: ScoreTable, row: int) -> tuple[OpenItem, ...]:
    """The unknown items of one row, the one that could move the overall score most first.

    An item's ``span`` is how many points of the overall score lie between its worst
    and its best answer: weight x (best - worst) / the dimension's applicable weight / 4.
    """
    found: list[OpenItem] = []
    for dimension in Dimension:
        items = questionnaire.scored_items(dimension)
        asked = sum(item.weight for item in items if table.applicable[item.id][row])
        for item in items:
            if not table.applicable[item.id][row] or not np.isnan(table.items[item.id][row]):
                continue
            worst, best = score_range(item)
            span = item.weight * (best - worst) / asked / len(Dimension)
            found.append(OpenItem(item.id, dimension, span))
    return tuple(sorted(found, key=lambda o: -o.span))


# -- one municipality -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DimensionScore:
    """One dimension's result; ``score`` is None when coverage is under 2/3."""

    dimension: Dimension
    score: float | None
    coverage: float
    band: Band | None
    low: float | None = None  # unknown items at their worst
    high: float | None = None  # unknown items at their best

    @property
    def bands_possible(self) -> tuple[Band, ...]:
        """Every band the score could fall in once the unknown items are answered."""
        return bands_between(self.low, self.high)


@dataclass(frozen=True, slots=True)
class ItemScore:
    """One answered item's place on the 0-100 scale."""

    item_id: str
    dimension: Dimension
    score: float
    weight: float


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An unknown item and how many overall points lie between its worst and best answer."""

    item_id: str
    dimension: Dimension
    span: float


def bands_between(low: float | None, high: float | None) -> tuple[Band, ...]:
    """The bands from ``band_of(low)`` to ``band_of(high)``; empty without a range."""
    first, last = band_of(low), band_of(high)
    if first is None or last is None:
        return ()
    order = list(Band)
    return tuple(order[order.index(first) : order.index(last) + 1])


@dataclass(frozen=True, slots=True)
class Scores:
    """All scores of one municipality."""

    dimensions: tuple[DimensionScore, ...]
    overall: float | None
    items: tuple[ItemScore, ...]
    low: float | None = None  # the overall score's honest range
    high: float | None = None
    open: tuple[OpenItem, ...] = ()  # unknown items, largest span first

    @property
    def bands_possible(self) -> tuple[Band, ...]:
        """Every band the overall score could fall in once the unknown items are answered."""
        return bands_between(self.low, self.high)

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


def _range(values: Mapping[Dimension, FloatArray], dimension: Dimension, row: int) -> float | None:
    return _or_none(values[dimension][row]) if dimension in values else None


def row_scores(questionnaire: Questionnaire, table: ScoreTable, row: int) -> Scores:
    """The scores of one row of a :class:`ScoreTable`."""
    dims = tuple(
        DimensionScore(
            dimension=d,
            score=_or_none(table.dimensions[d][row]),
            coverage=float(table.coverage[d][row]),
            band=band_of(table.dimensions[d][row]),
            low=_range(table.low, d, row),
            high=_range(table.high, d, row),
        )
        for d in Dimension
    )
    items = tuple(
        ItemScore(item.id, dimension, float(table.items[item.id][row]), item.weight)
        for dimension in Dimension
        for item in questionnaire.scored_items(dimension)
        if not np.isnan(table.items[item.id][row])
    )
    return Scores(
        dims,
        _or_none(table.overall[row]),
        items,
        low=_or_none(table.overall_low[row]) if len(table.overall_low) else None,
        high=_or_none(table.overall_high[row]) if len(table.overall_high) else None,
        open=open_items(questionnaire, table, row) if table.low else (),
    )


def score(questionnaire: Questionnaire, answers: Answers) -> Scores:
    """Score one municipality's answers (a one-row table)."""
    table = score_columns(questionnaire, encode_answers(questionnaire, [answers]))
    return row_scores(questionnaire, table, 0)
