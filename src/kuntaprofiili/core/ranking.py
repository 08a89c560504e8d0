"""Which measures suit a municipality, in what order: one ranking for one row or a million.

``advice.suggest_measures`` ranks for one assessment and ``batch`` for a whole sheet; both
call :func:`rank_measures` here, so the rule below exists once. It works on a
:class:`~kuntaprofiili.scoring.ScoreTable` (numpy columns, one element per municipality),
so a single assessment is a table of one row (:func:`one_row`).

How measures are ranked:

- A measure *suits* a municipality when it lists any of the municipality's types, so a
  small bilingual municipality also gets the measures written for bilingual ones.
- Its *need* is the score of the weakest answered item it improves: a measure tagged
  with an item that scored 20 ranks above one whose items scored 60. When none of its
  items has an answer (skipped, "don't know", or a questionnaire that does not ask
  them) the measure falls back to the score of its weakest dimension.
- A dimension without a score (coverage under 2/3) counts as ``UNKNOWN_SCORE``, the
  middle of the scale: nothing shows it is weak or strong, so its measures come after
  clearly weak areas and before strong ones, and their reason asks for the missing
  answers instead of claiming a weakness.
- A measure whose items were all answered at 100 is already in place; it is left out.
- Ties, in order: a trigger (item or dimension) not yet used by a better-ranked
  measure, so that five suggestions do not all answer one question; the weaker
  dimension; a measure written for that item (listed earlier in its ``items``) over
  one that helps it on the side; the smaller effort; a measure for the primary type
  (``types[0]``); a more targeted measure (fewer types); and last the id, so the
  order is total.

How it is computed: the ranking depends only on which items are answered and how the
needs compare, so it is done on (rows x measures) arrays, the rows of one set of types
together, in blocks of ``CHUNK`` rows so the arrays stay small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from kuntaprofiili.core.model import Dimension, MunicipalityType, Questionnaire
from kuntaprofiili.core.scoring import BoolArray, FloatArray, Scores, ScoreTable

if TYPE_CHECKING:
    from kuntaprofiili.core.content import Measure

IntArray = np.ndarray[Any, np.dtype[np.intp]]

UNKNOWN_SCORE = 50.0  # what a dimension without a score counts as when ranking
DONE_SCORE = 100.0  # an item at this score needs no measure
CHUNK = 1 << 15  # rows per block: keeps the rows x measures arrays small
_DIMENSIONS = len(Dimension)


@dataclass(frozen=True, slots=True)
class RankedItem:
    """A scored item as the ranking sees it: the dimension it counts for, its weight."""

    id: str
    dimension: Dimension
    weight: float


def questionnaire_items(questionnaire: Questionnaire) -> tuple[RankedItem, ...]:
    """The questionnaire's scored items, for ranking the rows of its score table."""
    return tuple(
        RankedItem(item.id, Dimension(questionnaire.section_of(item.id).dimension), item.weight)
        for item in questionnaire.scored_items()
    )


def one_row(scores: Scores) -> tuple[ScoreTable, tuple[RankedItem, ...]]:
    """One municipality's scores as a table of one row, and its answered items."""
    answered = {s.item_id: s for s in scores.items}
    dims = {d.dimension: d for d in scores.dimensions}
    table = ScoreTable(
        items={i: np.array([s.score]) for i, s in answered.items()},
        applicable={i: np.array([True]) for i in answered},
        dimensions={d: _one(dims[d].score if d in dims else None) for d in Dimension},
        coverage={d: np.array([dims[d].coverage if d in dims else 0.0]) for d in Dimension},
        overall=_one(scores.overall),
    )
    return table, tuple(RankedItem(s.item_id, s.dimension, s.weight) for s in answered.values())


def _one(score: float | None) -> FloatArray:
    return np.array([np.nan if score is None else score])


def unanswered_item(measure: Measure, known: frozenset[str]) -> str | None:
    """The item named when a measure falls back to its dimension: the first one it lists
    that the questionnaire asks (it has no answer, or it would be the trigger)."""
    return next((i for i in measure.items if i in known), None)


@dataclass(frozen=True, slots=True)
class Ranking:
    """The best measures per row and what triggered each.

    ``measures[row, k]`` indexes the library (-1: none); ``triggers`` holds codes that
    :meth:`trigger` reads.
    """

    measures: IntArray
    triggers: IntArray
    items: tuple[RankedItem, ...]

    def trigger(self, row: int, slot: int) -> tuple[RankedItem | None, Dimension]:
        """The answered item behind a pick, or None and the dimension it fell back to."""
        code = int(self.triggers[row, slot])
        if code < len(self.items):
            return self.items[code], self.items[code].dimension
        return None, list(Dimension)[(code - len(self.items)) % _DIMENSIONS]


def rank_measures(
    measures: Sequence[Measure],
    items: Sequence[RankedItem],
    table: ScoreTable,
    types: tuple[IntArray, Sequence[tuple[MunicipalityType, ...]]],
    count: int,
    known: frozenset[str] = frozenset(),
) -> Ranking:
    """The ``count`` best measures per row of ``table``.

    Args:
        measures: the library.
        items: the scored items behind ``table.items``; a measure item not among them
            is never answered.
        table: the scores, one row per municipality.
        types: each row's index into the distinct sets of types, and those sets (the
            primary type first); the rows of one set are ranked together.
        count: how many measures per row at most.
        known: the items the questionnaire asks (see :func:`unanswered_item`).
    """
    group, groups = types
    shapes = _measure_shapes(measures, items, known)
    suits, ranks = _type_tables(measures, groups)
    out = np.full((table.rows, count), -1, dtype=np.intp)
    triggers = np.full(out.shape, -1, dtype=np.intp)
    for g in range(len(groups) if count > 0 else 0):
        suiting = np.flatnonzero(suits[g])
        members = np.flatnonzero(group == g)
        for start in range(0, len(members) if len(suiting) else 0, CHUNK):
            rows = members[start : start + CHUNK]
            block = [shapes[j] for j in suiting]
            chosen, trigger = _rank_block(block, ranks[g, suiting], table, rows, items, count)
            out[rows, : chosen.shape[1]] = np.where(chosen >= 0, suiting[np.maximum(chosen, 0)], -1)
            triggers[rows, : chosen.shape[1]] = trigger
    return Ranking(out, triggers, tuple(items))


@dataclass(frozen=True, slots=True)
class _MeasureShape:
    """What ranking needs of one measure, for one set of scored items."""

    items: tuple[str, ...]  # scored items it improves, heaviest first, then as listed
    item_dims: IntArray  # each item's dimension (index into Dimension)
    item_codes: IntArray  # each item's trigger code (its index in the scored items)
    item_places: IntArray  # each item's place in the measure's own list
    dims: IntArray  # its dimensions in Dimension order
    can_be_done: bool  # every item it lists is scored, so all can be at 100
    fallback: int  # 0, or 1 + the number of its unanswered known item (trigger identity)


def _measure_shapes(
    measures: Sequence[Measure], items: Sequence[RankedItem], known: frozenset[str]
) -> list[_MeasureShape]:
    order = {d: at for at, d in enumerate(Dimension)}
    scored = {item.id: (at, item) for at, item in enumerate(items)}
    fallbacks: dict[str | None, int] = {None: 0}
    shapes = []
    for measure in measures:
        asked = [i for i in measure.items if i in scored]
        asked.sort(key=lambda i: -scored[i][1].weight)  # stable: ties keep the listed order
        named = unanswered_item(measure, known)
        shapes.append(
            _MeasureShape(
                tuple(asked),
                np.array([order[scored[i][1].dimension] for i in asked], dtype=np.intp),
                np.array([scored[i][0] for i in asked], dtype=np.intp),
                np.array([measure.items.index(i) for i in asked], dtype=np.intp),
                np.array(sorted(order[d] for d in measure.dimensions), dtype=np.intp),
                bool(measure.items) and len(asked) == len(measure.items),
                fallbacks.setdefault(named, len(fallbacks)),
            )
        )
    return shapes


def _type_tables(
    measures: Sequence[Measure], groups: Sequence[tuple[MunicipalityType, ...]]
) -> tuple[BoolArray, IntArray]:
    """Per set of types: which measures suit it, and the rank of its fixed tie-breaks."""
    suits = np.array([[m.suits(types) for m in measures] for types in groups], dtype=bool)
    suits = suits.reshape(len(groups), len(measures))
    ranks = np.empty(suits.shape, dtype=np.intp)
    for g, types in enumerate(groups):
        keys = [
            (m.effort.rank, 0 if types[0] in m.types else 1, len(m.types), m.id) for m in measures
        ]
        ranks[g, sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
    return suits, ranks


def _rank_block(
    shapes: Sequence[_MeasureShape],
    ranks: IntArray,
    table: ScoreTable,
    rows: IntArray,
    items: Sequence[RankedItem],
    count: int,
) -> tuple[IntArray, IntArray]:
    """The ranking for a block of rows of one set of types: picks (indexes into
    ``shapes``, -1: none) and their trigger codes."""
    need, tie, trigger = _needs(shapes, table, rows, items)
    need[_done(shapes, table, rows)] = np.inf
    keep, kept = _contenders(need, count)
    need = np.where(kept, _take(need, keep), np.inf)
    after_need = _take(tie, keep) * (ranks.max() + 1) + ranks[keep]  # the rest of the key
    kept_trigger = _take(trigger, keep)
    chosen = _spread((after_need, need), kept_trigger, count)
    at = np.maximum(chosen, 0)
    return np.where(chosen >= 0, _take(keep, at), -1), _take(kept_trigger, at)


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
    shapes: Sequence[_MeasureShape], table: ScoreTable, part: IntArray, items: Sequence[RankedItem]
) -> tuple[FloatArray, IntArray, IntArray]:
    """Per row and measure: its need, the next two parts of the sort key as one number,
    and its trigger.

    The next parts are the trigger dimension's need and the trigger item's place in the
    measure's list (0 for a dimension). A row has at most four dimension needs, so the
    first is replaced by how many of the row's dimension needs are smaller: the same
    order, in an integer that packs with the place. Worked out as (measures x rows)
    arrays, every measure at once, its items padded with one that is never answered.
    """
    dims = np.vstack([table.dimensions[d][part] for d in Dimension])
    dims[np.isnan(dims)] = UNKNOWN_SCORE
    answers = np.vstack([*(table.items[i.id][part] for i in items), np.full(len(part), np.nan)])
    answers[np.isnan(answers)] = np.inf  # an unanswered item is never the weakest
    codes, places, item_dims, dim_sets = _shape_tables(shapes, len(items))
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
    fallback = np.array([s.fallback for s in shapes], dtype=np.intp)[:, None] * _DIMENSIONS
    trigger = np.where(answered, _pick(at, codes), len(items) + fallback + dim)
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
    dim_sets = np.zeros((_DIMENSIONS, len(shapes)), dtype=bool)
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
    """Sort by need, then by how often the trigger came earlier, then by the whole key.

    Yes/partly/no answers give many equal scores: without this, five suggestions could
    all answer the same question. ``keys`` are the sort key, last (need) first-compared,
    as np.lexsort takes them. Scores are never negative, so their bits sort as integers
    do, which is faster (``+ 0.0`` turns -0.0 into 0.0 first).
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
