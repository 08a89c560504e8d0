"""Which measures suit a municipality, in what order: one ranking for one row or a million.

``advice.suggest_measures`` ranks for one assessment and ``batch`` for a whole sheet; both
call :func:`rank_measures` here, so the rules below exist once. They work on a
:class:`~kuntaprofiili.core.scoring.ScoreTable` (numpy columns, one element per
municipality); a single assessment is a table of one row. ``tests/oracle_ranking.py``
writes the same rules out plainly, one row at a time, and a property test compares them.

Which measures may be suggested (README, "How measures are chosen"):

- A measure *suits* a municipality when it lists any of the municipality's types, so a
  small bilingual municipality also gets the measures written for bilingual ones. A
  measure marked ``mainland_only`` never suits a municipality in Åland.
- An item is *weak* when its score is below the green band (75), or when it is a key
  item (weight 2 or more) that is asked but has no answer. A measure is suggested only
  when at least one item it addresses is weak; those items are its ``triggered_by``.
  A measure whose items the questionnaire does not ask at all matches by dimension: it
  may be suggested when one of its dimensions is below green or has no score.
- A measure whose ``done_when`` answers all hold is already in place and left out.

In what order, one pick at a time (a greedy choice; each rule breaks the ties of the
one before):

1. In the last of the ``count`` places, a type-specific measure, when none was picked
   yet and one may be suggested.
2. When all picks so far share one dimension, a measure for another dimension.
3. A measure that addresses a red key item (weight 2, below 25 or unanswered) that no
   earlier pick addresses. Picking goes on past ``count`` until every red key item that
   some measure addresses has one.
4. A trigger item (the weakest weak item) that no earlier pick has as its trigger.
5. A red need (below 25) before a yellow one.
6. A measure written for its trigger item (listed first in its ``items``) before one
   that helps it on the side.
7. A type-specific measure before one for every type; then one from Kuntaliitto's
   programme before established practice.
8. The lower need (the trigger's score; an unanswered key item counts as 0); then the
   trigger's place in the measure's list.
9. The smaller effort, a measure for the primary type, fewer types, and last the id.

How it is computed: rules 5-9 do not change between picks, so each row's measures are
sorted by them once; each pick then needs only a few (rows x measures) passes for rules
1-4, in blocks of ``CHUNK`` rows so the arrays stay small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from kuntaprofiili.core.model import Dimension, MunicipalityType, Questionnaire
from kuntaprofiili.core.scoring import BAND_LIMITS, BoolArray, FloatArray, ScoreTable

if TYPE_CHECKING:
    from kuntaprofiili.core.content import Measure

IntArray = np.ndarray[Any, np.dtype[np.intp]]

UNKNOWN_SCORE = 50.0  # what a dimension without a score counts as when ranking
KEY_WEIGHT = 2.0  # items this heavy are key items
RED, GREEN = BAND_LIMITS  # a score below RED is red; at GREEN or above it is green
CHUNK = 1 << 15  # rows per block: keeps the rows x measures arrays small
_DIMENSIONS = tuple(Dimension)


@dataclass(frozen=True, slots=True)
class RankedItem:
    """A scored item as the ranking sees it.

    ``choice_scores`` maps each choice code to its score, to read ``done_when``.
    """

    id: str
    dimension: Dimension
    weight: float
    choice_scores: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> bool:
        """A key item: its weakness must always get a measure."""
        return self.weight >= KEY_WEIGHT


def questionnaire_items(questionnaire: Questionnaire) -> tuple[RankedItem, ...]:
    """The questionnaire's scored items, for ranking the rows of its score table."""
    return tuple(
        RankedItem(
            item.id,
            Dimension(questionnaire.section_of(item.id).dimension),
            item.weight,
            {c.code: c.score for c in item.choices if c.score is not None},
        )
        for item in questionnaire.scored_items()
    )


@dataclass(frozen=True, slots=True)
class Ranking:
    """The picks per row and what lies behind them.

    ``measures[row, k]`` indexes the library (-1: none). ``weak`` and ``red_key`` are
    (rows x items); :meth:`triggered_by` reads them.
    """

    measures: IntArray
    triggers: IntArray  # item index, or len(items) + dimension index for a dimension match
    weak: BoolArray
    items: tuple[RankedItem, ...]
    library: tuple[Measure, ...]

    def trigger(self, row: int, slot: int) -> tuple[RankedItem | None, Dimension]:
        """The weakest weak item behind a pick, or None and the dimension it matched."""
        code = int(self.triggers[row, slot])
        if code < len(self.items):
            return self.items[code], self.items[code].dimension
        return None, _DIMENSIONS[code - len(self.items)]

    def triggered_by(self, row: int, slot: int) -> tuple[str, ...]:
        """The weak items the pick addresses, in the measure's own order."""
        measure = self.library[int(self.measures[row, slot])]
        at = {item.id: k for k, item in enumerate(self.items)}
        return tuple(i for i in measure.items if i in at and self.weak[row, at[i]])

    def picks(self, row: int) -> list[int]:
        """The row's picks as library indexes, in order."""
        return [int(j) for j in self.measures[row] if j >= 0]


def rank_measures(
    measures: Sequence[Measure],
    items: Sequence[RankedItem],
    table: ScoreTable,
    types: tuple[IntArray, Sequence[tuple[MunicipalityType, ...]]],
    count: int,
    aland: Sequence[bool] | None = None,
) -> Ranking:
    """The measures per row of ``table``: ``count``, or more to cover red key items.

    Args:
        measures: the library.
        items: the scored items of the questionnaire behind ``table``.
        table: the scores, one row per municipality.
        types: each row's index into the distinct sets of types, and those sets (the
            primary type first); the rows of one set are ranked together.
        count: how many measures per row, before covering red key items.
        aland: per set of types, whether its rows are in Åland (default: none are).
    """
    group, groups = types
    width = count + sum(1 for i in items if i.key) if count > 0 else 0
    out = np.full((table.rows, width), -1, dtype=np.intp)
    triggers = np.full(out.shape, -1, dtype=np.intp)
    scores = _item_matrix(table, items)
    weak, red_key = _weakness(table, items, scores)
    shape = _Shapes.of(measures, items)
    for g, group_types in enumerate(groups if width else ()):
        in_aland = bool(aland[g]) if aland is not None else False
        suiting = np.array(
            [m.suits(group_types) and not (in_aland and m.mainland_only) for m in measures],
            dtype=bool,
        )
        members = np.flatnonzero(group == g)
        # only the measures that suit the set of types take part: fewer columns to rank
        taking = np.flatnonzero(suiting)
        part = shape.take(taking)
        for start in range(0, len(members) if len(taking) else 0, CHUNK):
            rows = members[start : start + CHUNK]
            block = _Block(part, table, rows, scores[rows], weak[rows], red_key[rows])
            picked, trig = block.rank(group_types, count, width)
            out[rows] = np.where(picked >= 0, taking[np.maximum(picked, 0)], -1)
            triggers[rows] = trig
    return Ranking(out, triggers, weak, tuple(items), tuple(measures))


def _item_matrix(table: ScoreTable, items: Sequence[RankedItem]) -> FloatArray:
    """(rows x items) scores, NaN where unanswered."""
    columns = [table.items.get(i.id, np.full(table.rows, np.nan)) for i in items]
    return np.column_stack(columns) if columns else np.zeros((table.rows, 0))


def _weakness(
    table: ScoreTable, items: Sequence[RankedItem], scores: FloatArray
) -> tuple[BoolArray, BoolArray]:
    """(rows x items): weak (below green, or a key item asked and unanswered), and red key."""
    asked = [table.applicable.get(i.id, np.zeros(table.rows, dtype=bool)) for i in items]
    applicable = np.column_stack(asked) if asked else np.zeros(scores.shape, dtype=bool)
    key = np.array([i.key for i in items], dtype=bool)
    missing = np.isnan(scores) & applicable & key
    with np.errstate(invalid="ignore"):
        weak = (scores < GREEN) | missing
        red_key = ((scores < RED) | missing) & key
    return weak, red_key


@dataclass(frozen=True, slots=True)
class _Shapes:
    """What ranking needs of the library, for one set of scored items."""

    addressed: BoolArray  # measures x items: the measure addresses the item
    padded: IntArray  # per measure: the items it addresses, in its own order; -1 after them
    item_dim: IntArray  # each item's dimension index, padded with one 0
    dims: BoolArray  # measures x dimensions, for measures that match by dimension
    done: list[list[tuple[int, frozenset[float]]]]  # per measure: (item, done scores)
    specific: BoolArray
    programme: BoolArray
    measures: tuple[Measure, ...]

    @classmethod
    def of(cls, measures: Sequence[Measure], items: Sequence[RankedItem]) -> _Shapes:
        at = {item.id: k for k, item in enumerate(items)}
        addressed = np.zeros((len(measures), len(items)), dtype=bool)
        lists = [np.array([at[i] for i in m.items if i in at], dtype=np.intp) for m in measures]
        for j, listed in enumerate(lists):
            addressed[j, listed] = True
        done = [_done_scores(m, items, at) for m in measures]
        item_dim = [_DIMENSIONS.index(i.dimension) for i in items]
        dims = np.array([[d in m.dimensions for d in _DIMENSIONS] for m in measures], dtype=bool)
        longest = max((len(listed) for listed in lists), default=0)
        padded = np.full((len(measures), max(longest, 1)), -1, dtype=np.intp)
        for j, listed in enumerate(lists):
            padded[j, : len(listed)] = listed
        return cls(
            addressed,
            padded,
            np.array([*item_dim, 0], dtype=np.intp),
            dims.reshape(len(measures), len(_DIMENSIONS)),
            done,
            np.array([m.type_specific for m in measures], dtype=bool),
            np.array([m.source.kind == "programme" for m in measures], dtype=bool),
            tuple(measures),
        )

    def take(self, measures: IntArray) -> _Shapes:
        """The same for some of the measures, in the order given."""
        return _Shapes(
            self.addressed[measures],
            self.padded[measures],
            self.item_dim,
            self.dims[measures],
            [self.done[j] for j in measures.tolist()],
            self.specific[measures],
            self.programme[measures],
            tuple(self.measures[j] for j in measures.tolist()),
        )


def _done_scores(
    measure: Measure, items: Sequence[RankedItem], at: dict[str, int]
) -> list[tuple[int, frozenset[float]]]:
    """``done_when`` as (item, the scores of its listed answers); [] when it cannot hold."""
    out = []
    for condition in measure.done_when:
        if condition.item not in at:
            return []
        scores = items[at[condition.item]].choice_scores
        out.append(
            (at[condition.item], frozenset(scores[a] for a in condition.answers if a in scores))
        )
    return out


class _Block:
    """The ranking of a block of rows that share one set of types."""

    def __init__(
        self,
        shapes: _Shapes,
        table: ScoreTable,
        rows: IntArray,
        scores: FloatArray,
        weak: BoolArray,
        red_key: BoolArray,
    ) -> None:
        self.shapes, self.scores, self.weak, self.red_key = shapes, scores, weak, red_key
        dims = np.column_stack([table.dimensions[d][rows] for d in _DIMENSIONS])
        self.dims = np.where(np.isnan(dims), UNKNOWN_SCORE, dims)
        self.dim_open = np.isnan(dims) | (dims < GREEN)  # below green or no score

    def rank(
        self,
        types: tuple[MunicipalityType, ...],
        count: int,
        width: int,
    ) -> tuple[IntArray, IntArray]:
        """Picks (indexes into the block's measures, -1: none) and their trigger codes,
        ``width`` per row."""
        s = self.shapes
        rows, items = self.weak.shape
        need, trigger, place, eligible = self._needs()
        eligible &= ~self._done()
        tdim = np.where(trigger < items, s.item_dim[np.minimum(trigger, items)], trigger - items)
        order = self._static_order(need, place, types)
        key_items = np.flatnonzero(self.red_key.any(axis=0))
        red = self.red_key[:, key_items]  # rows x red key items
        # red key items x measures; as floats, so the product below runs in BLAS (exact:
        # it only counts a few items)
        addresses = s.addressed[:, key_items].T.astype(np.float32)
        covered = np.zeros(red.shape, dtype=bool)
        used = np.zeros((rows, items + len(_DIMENSIONS)), dtype=bool)
        dim_picked = np.zeros((rows, len(_DIMENSIONS)), dtype=bool)
        any_specific = np.zeros(rows, dtype=bool)
        out = np.full((rows, width), -1, dtype=np.intp)
        codes = np.full(out.shape, -1, dtype=np.intp)
        active = np.arange(rows)  # rows still picking: one without a pick never gets one
        for k in range(width):
            if not len(active):
                break
            at = slice(None) if len(active) == rows else active  # a view while all are left
            trig, t_dim, allow = trigger[at], tdim[at], eligible[at]
            covers = ((red[at] & ~covered[at]).astype(np.float32) @ addresses) > 0
            picked_dims = dim_picked[at]
            one_dim = picked_dims.sum(axis=1) == 1
            same_dim = one_dim[:, None] & np.take_along_axis(picked_dims, t_dim, axis=1)
            repeat = np.take_along_axis(used[at], trig, axis=1)
            force = (k == count - 1) & ~any_specific[at]
            c1 = force[:, None] & ~s.specific[None, :]
            key = ((c1 * 2 + same_dim) * 2 + ~covers) * 2 + repeat
            allowed = allow & covers if k >= count else allow
            key = np.where(allowed, key * s.addressed.shape[0] + order[at], np.iinfo(np.int64).max)
            best = np.argmin(key, axis=1)
            ok = allowed[np.arange(len(active)), best]
            r, b = active[ok], best[ok]
            t = trig[np.flatnonzero(ok), b]
            out[r, k], codes[r, k] = b, t
            eligible[r, b] = False
            covered[r] |= addresses.T[b].astype(bool)
            used[r, t] = True
            dim_picked[r, t_dim[np.flatnonzero(ok), b]] = True
            any_specific[r] |= s.specific[b]
            active = r
        return out, codes

    def _needs(self) -> tuple[FloatArray, IntArray, IntArray, BoolArray]:
        """Per row and measure: need, trigger code, trigger's place, and whether it may
        be suggested at all (some addressed item weak, or a dimension match)."""
        s = self.shapes
        rows, items = self.weak.shape
        shape = (rows, len(s.padded))
        need, trigger = np.full(shape, np.inf), np.zeros(shape, dtype=np.intp)
        place = np.zeros(shape, dtype=np.intp)
        item_need = np.where(self.weak, np.nan_to_num(self.scores, nan=0.0), np.inf)
        listing = np.flatnonzero(s.padded[:, 0] >= 0)
        if len(listing):
            # each measure's listed items side by side, padded with an item that is never
            # weak; the weakest weak item, and equal scores go to the one listed first
            padded = np.column_stack([item_need, np.full(rows, np.inf)])
            lists = s.padded[listing]
            best, at = padded[:, lists[:, 0]], np.zeros((rows, len(listing)), dtype=np.intp)
            for k in range(1, lists.shape[1]):  # a few passes over (rows x measures)
                candidate = padded[:, lists[:, k]]
                better = candidate < best
                best = np.where(better, candidate, best)
                at[better] = k
            need[:, listing] = best
            trigger[:, listing] = lists[np.arange(len(listing)), at]
            place[:, listing] = at
        for j in np.flatnonzero(s.padded[:, 0] < 0):
            open_dims = np.where(s.dims[j] & self.dim_open, self.dims, np.inf)
            at = np.argmin(open_dims, axis=1)
            need[:, j], trigger[:, j] = open_dims[np.arange(rows), at], items + at
        return need, trigger, place, np.isfinite(need)

    def _done(self) -> BoolArray:
        """Measures the answers say are already in place."""
        rows = self.scores.shape[0]
        done = np.zeros((rows, len(self.shapes.done)), dtype=bool)
        for j, conditions in enumerate(self.shapes.done):
            if conditions:
                done[:, j] = np.logical_and.reduce(
                    [np.isin(self.scores[:, i], sorted(held)) for i, held in conditions]
                )
        return done

    def _static_order(
        self, need: FloatArray, place: IntArray, types: tuple[MunicipalityType, ...]
    ) -> IntArray:
        """Each measure's position per row by rules 5-9, which do not change between picks."""
        s = self.shapes
        fixed = sorted(
            range(len(s.measures)),
            key=lambda j: (
                s.measures[j].effort.rank,
                0 if types[0] in s.measures[j].types else 1,
                len(s.measures[j].types),
                s.measures[j].id,
            ),
        )
        fixed_rank = np.empty(len(fixed), dtype=np.intp)
        fixed_rank[fixed] = np.arange(len(fixed))
        finite = np.where(np.isfinite(need), need, 1e9)
        shape = need.shape
        # the integer keys packed into two, so that the sort makes three passes, not seven
        first = (
            ((finite >= RED) * 2 + (place > 0)) * 2 + np.broadcast_to(~s.specific, shape)
        ) * 2 + np.broadcast_to(~s.programme, shape)
        last = place.astype(np.int64) * len(fixed) + np.broadcast_to(fixed_rank, shape)
        keys = (last, finite, first)
        by = np.lexsort(keys, axis=1)
        order = np.empty(shape, dtype=np.intp)
        np.put_along_axis(order, by, np.broadcast_to(np.arange(shape[1]), shape), axis=1)
        return order
