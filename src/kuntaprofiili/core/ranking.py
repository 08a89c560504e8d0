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
sorted by them once, as one integer key per measure (each need replaced by its place
among the row's distinct needs, so that it packs with the other rules' fields); the
measures that may not be suggested sort last and are cut off. Each pick then needs only
a few narrow (rows x places) passes for rules 1-4: the first place with the lowest key
of rules 1-4 is the pick. Rows are ranked in blocks of ``CHUNK`` so the arrays stay small.
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
WordArray = np.ndarray[Any, np.dtype[np.unsignedinteger[Any]]]

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
    # dimensions take part only when some measure matches by dimension
    needs = _Needs.of(
        table, scores, weak, red_key[[i.key for i in items]], bool(shape.by_dimension.any())
    )
    done = [_done(conditions, scores) for conditions in shape.done]
    fixed: dict[MunicipalityType, IntArray] = {}
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
        done_taking = [done[j] for j in taking.tolist()]
        if group_types[0] not in fixed:
            fixed[group_types[0]] = _fixed_rank(measures, group_types[0])
        for start in range(0, len(members) if len(taking) else 0, CHUNK):
            rows = members[start : start + CHUNK]
            in_place = [(k, held[rows]) for k, held in enumerate(done_taking) if held is not None]
            block = _Block(part, needs.take(rows), in_place, fixed[group_types[0]][taking])
            picked, trig = block.rank(count, width)
            out[rows] = np.where(picked >= 0, taking[np.maximum(picked, 0)], -1)
            triggers[rows] = trig
    return Ranking(out, triggers, np.ascontiguousarray(weak.T), tuple(items), tuple(measures))


def _item_matrix(table: ScoreTable, items: Sequence[RankedItem]) -> FloatArray:
    """(items x rows) scores, NaN where unanswered."""
    columns = [table.items.get(i.id, np.full(table.rows, np.nan)) for i in items]
    return np.stack(columns) if columns else np.zeros((0, table.rows))


def _weakness(
    table: ScoreTable, items: Sequence[RankedItem], scores: FloatArray
) -> tuple[BoolArray, BoolArray]:
    """(items x rows): weak (below green, or a key item asked and unanswered), and red key."""
    asked = [table.applicable.get(i.id, np.zeros(table.rows, dtype=bool)) for i in items]
    applicable = np.stack(asked) if asked else np.zeros(scores.shape, dtype=bool)
    key = np.array([[i.key] for i in items], dtype=bool).reshape(len(items), 1)
    missing = np.isnan(scores) & applicable & key
    with np.errstate(invalid="ignore"):
        weak = (scores < GREEN) | missing
        red_key = ((scores < RED) | missing) & key
    return weak, red_key


def _done(conditions: list[tuple[int, frozenset[float]]], scores: FloatArray) -> BoolArray | None:
    """Per row, whether the answers say a measure is already in place; None: never."""
    if not conditions:
        return None
    done: BoolArray = np.logical_and.reduce(
        [np.isin(scores[i], sorted(held)) for i, held in conditions]
    )
    return done


def _fixed_rank(measures: Sequence[Measure], primary: MunicipalityType) -> IntArray:
    """Each measure's place by rule 9: effort, the primary type, fewer types, the id."""
    fixed = sorted(
        range(len(measures)),
        key=lambda j: (
            measures[j].effort.rank,
            0 if primary in measures[j].types else 1,
            len(measures[j].types),
            measures[j].id,
        ),
    )
    rank = np.empty(len(fixed), dtype=np.intp)
    rank[fixed] = np.arange(len(fixed))
    return rank


def _packed(flags: BoolArray) -> WordArray:
    """(n x k) flags as (n x words) bit masks, in the narrowest unsigned words that hold
    them (k <= 8: one uint8 per row)."""
    octets = np.packbits(flags, axis=1, bitorder="little")
    size = next((s for s in (1, 2, 4) if s >= octets.shape[1]), 8)
    padded = np.zeros((len(flags), -(-octets.shape[1] // size) * size), dtype=np.uint8)
    padded[:, : octets.shape[1]] = octets
    return padded.view(f"<u{size}")


def _narrow(most: int) -> type[np.signedinteger[Any]]:
    """The narrowest signed integer type that holds 0..``most``."""
    for kind in (np.int8, np.int16, np.int32):
        if most <= np.iinfo(kind).max:
            return kind
    return np.int64


@dataclass(frozen=True, slots=True)
class _Needs:
    """Per row, what may trigger a measure and how weak it is, for any set of types.

    A *code* names what can trigger a measure: an item (its index) or a dimension
    (``len(items)`` + its index); the last code, ``len(items) + len(_DIMENSIONS)``, is
    never weak and pads the lists. Each code's need (a weak item's score, an unanswered
    key item counting as 0; an open dimension's score, UNKNOWN_SCORE without one; inf
    when not weak) is kept as a whole number in the same order, so that the sort key of
    rules 5-9 packs into one integer: its place among the row's distinct needs (``bits``
    bits), and above that rule 5's flag (the need is not red).
    """

    rank: IntArray  # rows x columns: the items, the dimensions if they take part, the pad
    never: IntArray  # per row: the rank of a code that is not weak
    red_key: WordArray  # per row: the red key items, as bit masks
    bits: int

    @classmethod
    def of(
        cls,
        table: ScoreTable,
        scores: FloatArray,
        weak: BoolArray,
        red_key: BoolArray,
        dimensions: bool,
    ) -> _Needs:
        items = len(scores)
        codes = items + (len(_DIMENSIONS) if dimensions else 0) + 1
        bits = (codes - 1).bit_length()
        kind = _narrow((1 << (bits + 1)) - 1)
        rank: IntArray = np.empty((table.rows, codes), dtype=kind)
        never: IntArray = np.empty(table.rows, dtype=rank.dtype)
        for start in range(0, table.rows, CHUNK):  # a block at a time: the sort's arrays are big
            at = slice(start, start + CHUNK)
            need = np.full((codes, len(rank[at])), np.inf)
            np.copyto(need[:items], scores[:, at], where=weak[:, at])
            need[:items][np.isnan(need[:items])] = 0.0  # an unanswered key item
            if dimensions:
                dims = np.stack([table.dimensions[d][at] for d in _DIMENSIONS])
                need[items:-1] = np.where(
                    np.isnan(dims) | (dims < GREEN),  # below green or no score
                    np.where(np.isnan(dims), UNKNOWN_SCORE, dims),
                    np.inf,
                )
            rank[at], never[at] = _dense_ranks(np.ascontiguousarray(need.T), bits, kind)
        return cls(rank, never, _packed(red_key.T), bits)

    def take(self, rows: IntArray) -> _Needs:
        """The same for some rows."""
        return _Needs(self.rank[rows], self.never[rows], self.red_key[rows], self.bits)


def _dense_ranks(
    need: FloatArray, bits: int, kind: type[np.signedinteger[Any]]
) -> tuple[IntArray, IntArray]:
    """(rows x codes) needs as their :class:`_Needs` ranks, and each row's largest."""
    rows, codes = need.shape
    flat = (np.argsort(need, axis=1) + (np.arange(rows) * codes)[:, None]).ravel()
    ordered = need.ravel()[flat].reshape(need.shape)
    dense = np.zeros(need.shape, dtype=kind)
    np.cumsum(ordered[:, 1:] != ordered[:, :-1], axis=1, out=dense[:, 1:])
    np.bitwise_or(dense, 1 << bits, out=dense, where=ordered >= RED)
    rank = np.empty(need.shape, dtype=kind)
    np.put(rank, flat, dense)
    return rank, dense[:, -1]


@dataclass(frozen=True, slots=True)
class _Shapes:
    """What ranking needs of the library, for one set of scored items."""

    codes: IntArray  # per measure: the codes that may trigger it, in its own order, padded
    by_dimension: BoolArray  # the measure matches by dimension (so its place is 0)
    keys: WordArray  # per measure: the key items it addresses, as bit masks
    code_dim: WordArray  # per code: its dimension as a bit (0 for the pad)
    done: list[list[tuple[int, frozenset[float]]]]  # per measure: (item, done scores)
    specific: BoolArray
    programme: BoolArray

    @classmethod
    def of(cls, measures: Sequence[Measure], items: Sequence[RankedItem]) -> _Shapes:
        at = {item.id: k for k, item in enumerate(items)}
        lists = [[at[i] for i in m.items if i in at] for m in measures]
        by_dimension = np.array([not listed for listed in lists], dtype=bool)
        addressed = np.zeros((len(measures), len(items)), dtype=bool)
        for j, (m, listed) in enumerate(zip(measures, lists, strict=True)):
            addressed[j, listed] = True
            if not listed:  # in dimension order: equal scores go to the first dimension
                lists[j] = [len(items) + d for d, x in enumerate(_DIMENSIONS) if x in m.dimensions]
        # as wide as a power of two, so that a place in a list is a whole number of bits
        longest = max((len(listed) for listed in lists), default=0)
        pad = len(items) + len(_DIMENSIONS)
        codes = np.full((len(measures), 1 << max(longest - 1, 0).bit_length()), pad, dtype=np.intp)
        for j, listed in enumerate(lists):
            codes[j, : len(listed)] = listed
        key = np.array([i.key for i in items], dtype=bool)
        dims = [_DIMENSIONS.index(i.dimension) for i in items] + list(range(len(_DIMENSIONS)))
        return cls(
            codes,
            by_dimension,
            _packed(addressed[:, key]),
            _packed(np.eye(len(_DIMENSIONS) + 1, len(_DIMENSIONS), dtype=bool)[[*dims, -1]])[:, 0],
            [_done_scores(m, items, at) for m in measures],
            np.array([m.type_specific for m in measures], dtype=bool),
            np.array([m.source.kind == "programme" for m in measures], dtype=bool),
        )

    def take(self, measures: IntArray) -> _Shapes:
        """The same for some of the measures, in the order given."""
        return _Shapes(
            self.codes[measures],
            self.by_dimension[measures],
            self.keys[measures],
            self.code_dim,
            [self.done[j] for j in measures.tolist()],
            self.specific[measures],
            self.programme[measures],
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


_OUT = 16  # a pick key this high means: not allowed
_INT32_BITS = 31  # sort keys of at most this many bits are int32, others int64


@dataclass(slots=True)
class _Left:
    """The rows of a block still picking: per place (the row's measures sorted by rules
    5-9) what rules 1-4 need, and per row what its picks so far did."""

    rows: IntArray  # the block's rows
    state: np.ndarray[Any, np.dtype[np.int8]]  # per place: _OUT (none, or picked), 1 (repeat)
    code: IntArray  # per place: the measure and its trigger's place in its list, as one code
    trig: IntArray  # per place: the trigger
    dim: WordArray  # per place: the trigger's dimension, as a bit
    keys: list[WordArray]  # per place: the key items the measure addresses
    uncovered: list[WordArray]  # per row: its red key items that no pick addresses yet
    dims: WordArray  # per row: the dimensions picked so far
    any_specific: BoolArray  # per row: a type-specific measure is picked
    measure_of: IntArray  # per code: the measure
    specific_of: BoolArray  # per code: the measure is type-specific

    def keep(self, kept: IntArray) -> _Left:
        """Only the rows ``kept`` (positions in these arrays)."""
        return _Left(
            self.rows[kept],
            self.state[kept],
            self.code[kept],
            self.trig[kept],
            self.dim[kept],
            [w[kept] for w in self.keys],
            [u[kept] for u in self.uncovered],
            self.dims[kept],
            self.any_specific[kept],
            self.measure_of,
            self.specific_of,
        )

    def to_cover(self) -> BoolArray:
        """Per row: some red key item is left to cover."""
        out = np.zeros(len(self.rows), dtype=bool)
        for u in self.uncovered:
            out |= u != 0
        return out

    def key(self, k: int, count: int) -> np.ndarray[Any, np.dtype[np.int8]]:
        """Per row and place, the pick key of rules 1-4 (bits 8, 4, 2, 1), _OUT or more
        where the measure may not be picked; places already follow rules 5-9, so the
        first place with the lowest key is the pick."""
        key = self.state.copy()
        if k >= count or self.to_cover().any():  # else no place covers, and bit 2 is moot
            uncovers = np.ones(key.shape, dtype=bool)
            for w, u in zip(self.keys, self.uncovered, strict=True):
                uncovers &= (w & u[:, None]) == 0
            key |= uncovers.view(np.int8) << (4 if k >= count else 1)  # past count: _OUT
        one_dim = (self.dims != 0) & ((self.dims & (self.dims - 1)) == 0)
        if one_dim.any():
            same_dim = (self.dim & np.where(one_dim, self.dims, 0)[:, None]) != 0
            key |= same_dim.view(np.int8) << 2
        if k == count - 1:
            others = ~self.any_specific[:, None] & ~self.specific_of[self.code]
            key |= others.view(np.int8) << 3
        return key

    def pick(self, best: IntArray) -> tuple[IntArray, IntArray]:
        """Each row picks its place ``best``: the measures and their triggers."""
        line = np.arange(len(best))
        code, trig = self.code[line, best], self.trig[line, best]
        self.state |= (self.trig == trig[:, None]).view(np.int8)
        self.state[line, best] = _OUT
        for w, u in zip(self.keys, self.uncovered, strict=True):
            u &= ~w[line, best]
        self.dims |= self.dim[line, best]
        self.any_specific |= self.specific_of[code]
        return self.measure_of[code], trig.astype(np.intp)


class _Block:
    """The ranking of a block of rows that share one set of types."""

    def __init__(
        self,
        shapes: _Shapes,
        needs: _Needs,
        done: list[tuple[int, BoolArray]],
        fixed: IntArray,
    ) -> None:
        """``done``: (measure, rows where it is already in place); ``fixed``: each
        measure's rank by rule 9 (distinct, not necessarily 0..n-1)."""
        self.shapes, self.needs, self.done, self.fixed = shapes, needs, done, fixed

    def rank(self, count: int, width: int) -> tuple[IntArray, IntArray]:
        """Picks (indexes into the block's measures, -1: none) and their trigger codes,
        ``width`` per row."""
        out = np.full((len(self.needs.rank), width), -1, dtype=np.intp)
        codes = np.full(out.shape, -1, dtype=np.intp)
        left = self._places()
        if left is None:
            return out, codes
        for k in range(width):
            if k >= count:  # past count, only to give a red key item its measure
                left = left.keep(np.flatnonzero(left.to_cover()))
            if not len(left.rows):
                break
            key = left.key(k, count)
            best = np.argmin(key, axis=1)
            ok = key[np.arange(len(best)), best] < _OUT
            if not ok.all():  # a row without a pick now never gets one
                kept = np.flatnonzero(ok)
                left, best = left.keep(kept), best[kept]
            out[left.rows, k], codes[left.rows, k] = left.pick(best)
        return out, codes

    def _places(self) -> _Left | None:
        """Each row's measures that may be suggested, sorted by rules 5-9 (which do not
        change between picks); None when no row has any."""
        s, n = self.shapes, self.needs
        measures, width = s.codes.shape
        lb = (width - 1).bit_length()
        best = self._needs(lb)
        eligible = best < (n.never.astype(np.int64) << lb)[:, None]
        best += (best & (1 << (n.bits + lb))) * 7  # rule 5's flag 3 bits up: room for 6, 7
        for j, done in self.done:
            eligible[:, j] &= ~done
        places = int(eligible.sum(axis=1).max(initial=0))
        if not places:
            return None
        # the key's fields, lowest first: the trigger's place in its list, the rank by
        # rule 9, that place again unless the measure matches by dimension (rule 8 sees
        # 0 then), the need's rank; rule 7's two bits, rule 6, rule 5 (from the rank)
        fb = int(self.fixed.max()).bit_length()
        bits = 2 * lb + fb + n.bits + 4
        if bits > 63:
            raise ValueError(f"ranking {measures} measures needs {bits}-bit keys")
        kind = np.int32 if bits <= _INT32_BITS else np.int64
        place = np.arange(width)
        low = (self.fixed[:, None] << lb) | place
        rule7 = ~s.specific[:, None] * 2 + ~s.programme[:, None]
        # per measure and place in its list: what to add to best << (lb + fb)
        extra = (
            low
            + ((rule7 + ((place > 0) & ~s.by_dimension[:, None]) * 4) << (2 * lb + fb + n.bits))
            - np.where(s.by_dimension[:, None], place << (lb + fb), 0)
        ).astype(kind)
        key = best.astype(kind) << (lb + fb)
        key += extra.ravel()[(best & (width - 1)) + (np.arange(measures) * width)[None, :]]
        none = np.iinfo(kind).max
        order = np.sort(np.where(eligible, key, none), axis=1)[:, :places]
        code = (order & ((1 << (lb + fb)) - 1)).astype(np.intp)
        # per code (rule 9 rank << lb | place): the measure, its trigger, ...
        measure_of = np.zeros(1 << (lb + fb), dtype=np.intp)
        trig_of = np.full(1 << (lb + fb), len(s.code_dim) - 1, dtype=_narrow(len(s.code_dim)))
        words = np.zeros((1 << (lb + fb), s.keys.shape[1]), dtype=s.keys.dtype)
        measure_of[low.ravel()] = np.repeat(np.arange(measures), width)
        trig_of[low.ravel()] = s.codes.ravel()
        words[low.ravel()] = np.repeat(s.keys, width, axis=0)
        trig = trig_of[code]
        return _Left(
            np.arange(len(order)),
            (order == none).view(np.int8) << 4,
            code,
            trig,
            s.code_dim[trig],
            [words[:, w][code] for w in range(words.shape[1])],
            [n.red_key[:, w].copy() for w in range(n.red_key.shape[1])],
            np.zeros(len(order), dtype=s.code_dim.dtype),
            np.zeros(len(order), dtype=bool),
            measure_of,
            s.specific[measure_of],
        )

    def _needs(self, lb: int) -> IntArray:
        """Per row and measure: its need (its weakest code's rank) << lb, plus that
        code's place in its list; on equal needs the one listed first."""
        s, rank = self.shapes, self.needs.rank
        kind = _narrow((1 << (self.needs.bits + 4 + lb)) - 1)
        best = np.full((len(rank), len(s.codes)), (1 << (self.needs.bits + 1 + lb)) - 1, kind)
        pad = len(s.code_dim) - 1
        columns = np.where(s.codes == pad, rank.shape[1] - 1, s.codes)
        for k in np.flatnonzero((s.codes != pad).any(axis=0)):
            candidate = rank[:, columns[:, k]].astype(kind, copy=False)  # a copy already
            candidate <<= lb
            candidate += k
            np.minimum(best, candidate, out=best)
        return best
